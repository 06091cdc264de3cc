import { useCallback, useEffect, useRef, useState } from "react";
import type { Stage } from "../../shared/crm";
import { ask } from "../lib/ask";
import type { DealPage, Pipeline } from "../lib/protocol";
import { useExplain } from "./panel-context";

export type DealItem = DealPage["items"][number];

export interface DealsState {
  items: DealItem[];
  nextCursor: string | null;
  /** loading: first page with nothing to show yet; refreshing: first page over old items. */
  phase: "loading" | "refreshing" | "ready" | "more" | "error";
  error: string | null;
}

const PAGE_SIZE = 20;

/**
 * The deals list, newest activity first, optionally of one stage; "Load more" follows the API's
 * keyset cursor. Answers that arrive after a newer request started are dropped.
 */
export function useDeals() {
  const explain = useExplain();
  const [stageId, setStageId] = useState("");
  const [state, setState] = useState<DealsState>({
    items: [],
    nextCursor: null,
    phase: "loading",
    error: null,
  });
  const latest = useRef(0);
  const stageRef = useRef(stageId);
  stageRef.current = stageId;

  const load = useCallback(
    async (cursor?: string) => {
      const request = ++latest.current;
      const stage = stageRef.current;
      setState((previous) => ({
        ...previous,
        phase: cursor ? "more" : previous.items.length > 0 ? "refreshing" : "loading",
        error: null,
      }));
      try {
        const page = await ask("listDeals", {
          limit: String(PAGE_SIZE),
          ...(stage ? { stageId: stage } : {}),
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

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new stage filter reloads page one
  useEffect(() => {
    void load();
  }, [stageId, load]);

  const refresh = useCallback(() => void load(), [load]);
  const loadMore = useCallback(() => {
    if (state.nextCursor) void load(state.nextCursor);
  }, [load, state.nextCursor]);

  /** A changed deal, shown at once while the list catches up. */
  const replaceItem = useCallback((deal: DealItem) => {
    setState((previous) => ({
      ...previous,
      items: previous.items.map((existing) => (existing.id === deal.id ? deal : existing)),
    }));
  }, []);

  return { stageId, setStageId, state, refresh, loadMore, replaceItem };
}

export type Deals = ReturnType<typeof useDeals>;

/** One answer of the API, loaded on mount and again on `reload`. */
function useAnswer<T>(fetch: () => Promise<T>) {
  const explain = useExplain();
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const reload = useCallback(async () => {
    const request = ++latest.current;
    setLoading(true);
    setError(null);
    try {
      const answer = await fetch();
      if (request === latest.current) setValue(answer);
    } catch (failure) {
      if (request === latest.current) setError(explain(failure));
    } finally {
      if (request === latest.current) setLoading(false);
    }
  }, [fetch, explain]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { value, error, loading, reload };
}

const askPipeline = () => ask("pipeline");
const askStages = () => ask("stages");

/** The pipeline by stage: counts, stale counts and totals per currency. */
export function usePipeline() {
  const { value, ...rest } = useAnswer<Pipeline>(askPipeline);
  return { pipeline: value, ...rest };
}

/** The workspace's stages, in pipeline order. */
export function useStages() {
  const { value, ...rest } = useAnswer<Stage[]>(askStages);
  return { stages: value, ...rest };
}
