import { useCallback, useEffect, useRef, useState } from "react";
import { useExplain } from "./panel-context";

/** A list the API pages with keyset cursors (`{ items, nextCursor }`), as a view holds it. */
export interface PagedList<T> {
  items: T[];
  nextCursor: string | null;
  /** loading: first page with nothing to show yet; refreshing: first page over old items. */
  phase: "loading" | "refreshing" | "ready" | "more" | "error";
  error: string | null;
}

/**
 * Loads page one of `fetchPage(filter)` whenever `filter` changes, and the next page on
 * `loadMore`. Answers that arrive after a newer request started are dropped, so a fast-changing
 * filter never shows stale results. `replaceItem` shows a changed item at once.
 */
export function usePagedList<T extends { id: string }, F>(
  filter: F,
  fetchPage: (filter: F, cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>,
) {
  const explain = useExplain();
  const [state, setState] = useState<PagedList<T>>({
    items: [],
    nextCursor: null,
    phase: "loading",
    error: null,
  });
  const latest = useRef(0);
  const current = useRef({ filter, fetchPage });
  current.current = { filter, fetchPage };

  const load = useCallback(
    async (cursor?: string) => {
      const request = ++latest.current;
      setState((previous) => ({
        ...previous,
        phase: cursor ? "more" : previous.items.length > 0 ? "refreshing" : "loading",
        error: null,
      }));
      try {
        const page = await current.current.fetchPage(current.current.filter, cursor);
        if (request !== latest.current) return;
        setState((previous) => ({
          items: cursor ? [...previous.items, ...page.items] : page.items,
          nextCursor: page.nextCursor,
          phase: "ready",
          error: null,
        }));
      } catch (failure) {
        if (request !== latest.current) return;
        const error = explain(failure);
        setState((previous) => ({ ...previous, phase: "error", error }));
      }
    },
    [explain],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter reloads page one
  useEffect(() => {
    void load();
  }, [filter, load]);

  const refresh = useCallback(() => void load(), [load]);
  const loadMore = useCallback(() => {
    if (state.nextCursor) void load(state.nextCursor);
  }, [load, state.nextCursor]);

  const replaceItem = useCallback((item: T) => {
    setState((previous) => ({
      ...previous,
      items: previous.items.map((existing) => (existing.id === item.id ? item : existing)),
    }));
  }, []);

  return { state, refresh, loadMore, replaceItem };
}
