import { useEffect, useId, useRef } from "react";
import type { Stage } from "../../shared/crm";
import { formatCalendarDay, formatMoney } from "../../shared/view/format";
import { Field } from "./Field";
import { PagedListBody } from "./PagedListBody";
import type { DealItem, Deals } from "./use-deals";

interface Props {
  deals: Deals;
  stages: Stage[] | null;
  onOpen(dealId: string): void;
  /** The deal to focus when coming back from its detail. */
  returnFocusTo: string | null;
}

/** The deals, most recently active first, filtered by stage, a page at a time. */
export function DealsList({ deals, stages, onOpen, returnFocusTo }: Props) {
  const { stageId, setStageId, state, refresh, loadMore } = deals;
  const listRef = useRef<HTMLUListElement>(null);
  const headingId = useId();

  useEffect(() => {
    if (!returnFocusTo) return;
    listRef.current
      ?.querySelector<HTMLButtonElement>(`[data-deal-id="${CSS.escape(returnFocusTo)}"]`)
      ?.focus();
  }, [returnFocusTo]);

  const stageById = new Map((stages ?? []).map((stage) => [stage.id, stage]));
  return (
    <section className="ideas" aria-labelledby={headingId}>
      <div className="section-head">
        <h2 id={headingId}>Deals</h2>
        {state.phase === "refreshing" ? (
          <span className="muted small" role="status">
            Updating…
          </span>
        ) : null}
      </div>
      <div className="filters">
        <Field label="Stage">
          {(id) => (
            <select
              id={id}
              value={stageId}
              disabled={!stages}
              onChange={(event) => setStageId(event.target.value)}
            >
              <option value="">All stages</option>
              {(stages ?? []).map((stage) => (
                <option key={stage.id} value={stage.id}>
                  {stage.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      <PagedListBody
        state={state}
        noun="deals"
        empty={
          stageId
            ? "No deals in this stage."
            : "No deals yet — capture a sponsor's email in Gmail to start one."
        }
        listRef={listRef}
        refresh={refresh}
        loadMore={loadMore}
        loadMoreHint="deals"
      >
        {(deal) => (
          <DealRow key={deal.id} deal={deal} stage={stageById.get(deal.stageId)} onOpen={onOpen} />
        )}
      </PagedListBody>
    </section>
  );
}

function DealRow({
  deal,
  stage,
  onOpen,
}: {
  deal: DealItem;
  stage: Stage | undefined;
  onOpen(dealId: string): void;
}) {
  return (
    <li className="idea deal">
      <button
        type="button"
        className="idea-open"
        data-deal-id={deal.id}
        onClick={() => onOpen(deal.id)}
      >
        {deal.title}
      </button>
      <div className="idea-meta">
        {stage ? <span className={`badge stage-${stage.kind}`}>{stage.name}</span> : null}
        {deal.valueMinor !== null ? (
          <span className="deal-value">{formatMoney(deal.valueMinor, deal.currency)}</span>
        ) : null}
        {deal.stale ? <span className="badge stale">Stale</span> : null}
        {deal.expectedCloseAt ? (
          <span className="muted small">by {formatCalendarDay(deal.expectedCloseAt)}</span>
        ) : null}
      </div>
    </li>
  );
}
