import { useCallback, useEffect, useRef, useState } from "react";
import type { Stage } from "../../shared/crm";
import { ask } from "../lib/ask";
import type { DealPage, Pipeline } from "../lib/protocol";
import { useExplain } from "./panel-context";
import { type PagedList, usePagedList } from "./use-paged-list";

export type DealItem = DealPage["items"][number];

export type DealsState = PagedList<DealItem>;

const PAGE_SIZE = 20;

/**
 * The deals list, newest activity first, optionally of one stage; "Load more" follows the API's
 * keyset cursor (use-paged-list.ts).
 */
export function useDeals() {
  const [stageId, setStageId] = useState("");
  const list = usePagedList(stageId, (stage: string, cursor?: string) =>
    ask("listDeals", {
      limit: String(PAGE_SIZE),
      ...(stage ? { stageId: stage } : {}),
      ...(cursor ? { cursor } : {}),
    }),
  );
  return { stageId, setStageId, ...list };
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
