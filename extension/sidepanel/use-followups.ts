import { useCallback, useEffect, useRef, useState } from "react";
import { ask } from "../lib/ask";
import type { FollowupItem } from "../lib/protocol";
import {
  type DayBounds,
  DUE_GROUPS,
  type DueGroup,
  dayBounds,
  dueGroupOf,
  dueWindows,
} from "./due-days";
import { useExplain } from "./panel-context";
import type { PagedList } from "./use-paged-list";

/** One due group's list, paged like every other list of the panel. */
export type FollowupGroupState = PagedList<FollowupItem>;

const PAGE_SIZE = 20;

const emptyGroups = (): Record<DueGroup, FollowupGroupState> => ({
  overdue: { items: [], nextCursor: null, phase: "loading", error: null },
  today: { items: [], nextCursor: null, phase: "loading", error: null },
  upcoming: { items: [], nextCursor: null, phase: "loading", error: null },
});

/** Soonest first, as the API lists them. */
const byDue = (a: FollowupItem, b: FollowupItem) =>
  Date.parse(a.dueAt) - Date.parse(b.dueAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A changed follow-up placed in the groups. One marked sent or cancelled stays where it was (its
 * card offers Undo); a pending one goes to the group of its due time, in order — unless that is
 * past what the group has loaded so far, where "Load more" brings it.
 */
export function placeFollowup(
  groups: Record<DueGroup, FollowupGroupState>,
  followup: FollowupItem,
  bounds: DayBounds,
): Record<DueGroup, FollowupGroupState> {
  if (followup.status !== "pending") {
    const next = { ...groups };
    for (const group of DUE_GROUPS) {
      const state = groups[group];
      if (state.items.some((item) => item.id === followup.id)) {
        next[group] = {
          ...state,
          items: state.items.map((item) => (item.id === followup.id ? followup : item)),
        };
      }
    }
    return next;
  }
  const target = dueGroupOf(followup.dueAt, bounds);
  const next = { ...groups };
  for (const group of DUE_GROUPS) {
    const state = groups[group];
    const kept = state.items.filter((item) => item.id !== followup.id);
    if (group !== target) {
      if (kept.length !== state.items.length) next[group] = { ...state, items: kept };
      continue;
    }
    const last = kept.at(-1);
    const beyondLoaded =
      state.nextCursor !== null && last !== undefined && byDue(followup, last) > 0;
    next[group] = {
      ...state,
      items: beyondLoaded ? kept : [...kept, followup].sort(byDue),
    };
  }
  return next;
}

/**
 * Pending follow-ups in three groups — overdue, due today, upcoming — each asked for with the
 * bounds of today in the browser's time zone, each with its own "Load more".
 */
export function useFollowups() {
  const explain = useExplain();
  const [bounds, setBounds] = useState(() => dayBounds(new Date()));
  const [groups, setGroups] = useState(emptyGroups);
  const latest = useRef<Record<DueGroup, number>>({ overdue: 0, today: 0, upcoming: 0 });
  const boundsRef = useRef(bounds);
  boundsRef.current = bounds;

  const load = useCallback(
    async (group: DueGroup, cursor?: string) => {
      const request = ++latest.current[group];
      const update = (change: (state: FollowupGroupState) => FollowupGroupState) =>
        setGroups((previous) => ({ ...previous, [group]: change(previous[group]) }));
      update((state) => ({
        ...state,
        phase: cursor ? "more" : state.items.length > 0 ? "refreshing" : "loading",
        error: null,
      }));
      try {
        const page = await ask("listFollowups", {
          status: "pending",
          ...dueWindows(bounds)[group],
          limit: String(PAGE_SIZE),
          ...(cursor ? { cursor } : {}),
        });
        if (request !== latest.current[group]) return;
        update((state) => ({
          items: cursor ? [...state.items, ...page.items] : page.items,
          nextCursor: page.nextCursor,
          phase: "ready",
          error: null,
        }));
      } catch (failure) {
        if (request !== latest.current[group]) return;
        const error = explain(failure);
        update((state) => ({ ...state, phase: "error", error }));
      }
    },
    [bounds, explain],
  );

  useEffect(() => {
    for (const group of DUE_GROUPS) void load(group);
  }, [load]);

  /** Asks again, with today's bounds taken afresh (the panel may have stayed open overnight). */
  const refresh = useCallback(() => setBounds(dayBounds(new Date())), []);
  const loadMore = useCallback(
    (group: DueGroup) => {
      const cursor = groups[group].nextCursor;
      if (cursor) void load(group, cursor);
    },
    [groups, load],
  );
  const retry = useCallback((group: DueGroup) => void load(group), [load]);

  const place = useCallback(
    (followup: FollowupItem) =>
      setGroups((previous) => placeFollowup(previous, followup, boundsRef.current)),
    [],
  );

  return { bounds, groups, refresh, loadMore, retry, place };
}
