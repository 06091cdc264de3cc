import { useId, useState } from "react";
import { formatCalendarDay } from "../../shared/view/format";
import { ask } from "../lib/ask";
import type { DealDetail } from "../lib/protocol";
import { SourceLabel } from "./DealFields";
import { deliverableName, toggledDeliverables } from "./deal-fields";
import { FormMessage, type Message } from "./FormMessage";
import { useExplain } from "./panel-context";

interface Props {
  deal: DealDetail;
  onUpdated(deal: DealDetail): void;
}

/**
 * What the sponsor buys, as a checklist. Ticking one sends the whole list with every id kept
 * (the API replaces the list: a deliverable left out would be removed).
 */
export function Deliverables({ deal, onUpdated }: Props) {
  const explain = useExplain();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const headingId = useId();

  async function toggle(id: string, done: boolean) {
    setBusy(true);
    setMessage(null);
    try {
      const updated = await ask("updateDeal", {
        dealId: deal.id,
        changes: { deliverables: toggledDeliverables(deal.deliverables, id, done) },
      });
      onUpdated(updated);
    } catch (failure) {
      setMessage({ tone: "error", text: explain(failure) });
    } finally {
      setBusy(false);
    }
  }

  const done = deal.deliverables.filter((deliverable) => deliverable.done).length;
  return (
    <section className="card stack" aria-labelledby={headingId}>
      <div className="row">
        <h3 className="section-title grow" id={headingId}>
          Deliverables{" "}
          {deal.deliverables.length > 0 ? (
            <span className="count">
              {done} of {deal.deliverables.length} done
            </span>
          ) : null}
        </h3>
        <SourceLabel origin={deal.fieldSources.deliverables} />
      </div>
      {deal.deliverables.length === 0 ? (
        <p className="muted small">No deliverables yet.</p>
      ) : (
        <ul className="plain-list checklist">
          {deal.deliverables.map((deliverable) => (
            <li key={deliverable.id} className={deliverable.done ? "done" : undefined}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={deliverable.done}
                  disabled={busy}
                  onChange={(event) => void toggle(deliverable.id, event.target.checked)}
                />
                <span>{deliverableName(deliverable)}</span>
              </label>
              {deliverable.liveAt ? (
                <span className="muted small live-by">
                  live by {formatCalendarDay(deliverable.liveAt)}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <FormMessage message={message} />
    </section>
  );
}
