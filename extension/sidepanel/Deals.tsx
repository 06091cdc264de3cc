import { useCallback, useRef, useState } from "react";
import type { DealDetail as Deal } from "../lib/protocol";
import { DealDetail } from "./DealDetail";
import { DealsList } from "./DealsList";
import { LastCapture } from "./LastCapture";
import { PipelineSummary } from "./PipelineSummary";
import { useDeals, usePipeline, useStages } from "./use-deals";

/** The deal the view shows; `nonce` makes a second request for the same deal a new one. */
export interface OpenDeal {
  dealId: string;
  nonce: string;
}

interface Props {
  open: OpenDeal | null;
  onOpen(dealId: string): void;
  onClose(): void;
}

/** The deals view: the last Gmail capture, the pipeline, the deals, and one deal's detail. */
export function Deals({ open, onOpen, onClose }: Props) {
  const deals = useDeals();
  const pipeline = usePipeline();
  const { stages, error: stagesError, reload: reloadStages } = useStages();
  const [returnFocusTo, setReturnFocusTo] = useState<string | null>(null);
  const { refresh, replaceItem } = deals;
  const reloadPipeline = pipeline.reload;

  const openRef = useRef(open);
  openRef.current = open;
  const back = useCallback(() => {
    if (openRef.current) setReturnFocusTo(openRef.current.dealId);
    onClose();
    refresh();
    void reloadPipeline();
  }, [onClose, refresh, reloadPipeline]);

  const changed = useCallback((deal: Deal) => replaceItem(deal), [replaceItem]);

  if (open) {
    return (
      <DealDetail
        key={`${open.dealId}:${open.nonce}`}
        dealId={open.dealId}
        stages={stages}
        onBack={back}
        onChanged={changed}
      />
    );
  }
  return (
    <>
      <LastCapture onOpen={onOpen} />
      <PipelineSummary
        pipeline={pipeline.pipeline}
        loading={pipeline.loading}
        error={pipeline.error}
        onRetry={() => void reloadPipeline()}
      />
      {stagesError ? (
        <div className="row" role="alert">
          <p className="error grow">Couldn't load the stages. {stagesError}</p>
          <button type="button" onClick={() => void reloadStages()}>
            Try again
          </button>
        </div>
      ) : null}
      <DealsList deals={deals} stages={stages} onOpen={onOpen} returnFocusTo={returnFocusTo} />
    </>
  );
}
