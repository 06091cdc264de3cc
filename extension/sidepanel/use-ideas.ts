import { useState } from "react";
import type { ContentStatus } from "../../shared/content";
import { ask } from "../lib/ask";
import type { ContentItem } from "../lib/protocol";
import { type PagedList, usePagedList } from "./use-paged-list";

export interface IdeasFilter {
  q: string;
  status: ContentStatus | "";
}

export type IdeasState = PagedList<ContentItem>;

const PAGE_SIZE = 20;

/**
 * The ideas list, held above the views so it survives opening an item (use-paged-list.ts: a
 * new filter reloads page one; stale answers are dropped).
 */
export function useIdeas() {
  const [filter, setFilter] = useState<IdeasFilter>({ q: "", status: "" });
  const list = usePagedList(filter, ({ q, status }: IdeasFilter, cursor?: string) =>
    ask("listContent", {
      limit: PAGE_SIZE,
      ...(q.trim() ? { q: q.trim() } : {}),
      ...(status ? { status } : {}),
      ...(cursor ? { cursor } : {}),
    }),
  );
  return { filter, setFilter, ...list };
}

export type Ideas = ReturnType<typeof useIdeas>;
