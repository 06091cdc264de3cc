import { useCallback, useEffect, useRef, useState } from "react";
import type { ContentStatus } from "../../shared/content";
import { ask } from "../lib/ask";
import type { ContentItem } from "../lib/protocol";
import { useExplain } from "./panel-context";

export interface IdeasFilter {
  q: string;
  status: ContentStatus | "";
}

export interface IdeasState {
  items: ContentItem[];
  nextCursor: string | null;
  /** loading: first page with nothing to show yet; refreshing: first page over old items. */
  phase: "loading" | "refreshing" | "ready" | "more" | "error";
  error: string | null;
}

const PAGE_SIZE = 20;

/**
 * The ideas list, held above the views so it survives opening an item. Answers that arrive
 * after a newer request started are dropped, so fast typing never shows stale results.
 */
export function useIdeas() {
  const explain = useExplain();
  const [filter, setFilter] = useState<IdeasFilter>({ q: "", status: "" });
  const [state, setState] = useState<IdeasState>({
    items: [],
    nextCursor: null,
    phase: "loading",
    error: null,
  });
  const latest = useRef(0);
  const filterRef = useRef(filter);
  filterRef.current = filter;

  const load = useCallback(
    async (cursor?: string) => {
      const request = ++latest.current;
      const { q, status } = filterRef.current;
      setState((previous) => ({
        ...previous,
        phase: cursor ? "more" : previous.items.length > 0 ? "refreshing" : "loading",
        error: null,
      }));
      try {
        const page = await ask("listContent", {
          limit: PAGE_SIZE,
          ...(q.trim() ? { q: q.trim() } : {}),
          ...(status ? { status } : {}),
          ...(cursor ? { cursor } : {}),
        });
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

  /** A changed item, shown at once while the list catches up. */
  const replaceItem = useCallback((item: ContentItem) => {
    setState((previous) => ({
      ...previous,
      items: previous.items.map((existing) => (existing.id === item.id ? item : existing)),
    }));
  }, []);

  return { filter, setFilter, state, refresh, loadMore, replaceItem };
}

export type Ideas = ReturnType<typeof useIdeas>;
