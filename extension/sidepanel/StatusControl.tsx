import { useEffect, useState } from "react";
import type { ContentStatus } from "../../shared/content";
import { formatDateTime, fromLocalInput, toLocalInput } from "../../shared/view/format";
import { STATUS_LABELS } from "../../shared/view/status";
import { ask } from "../lib/ask";
import type { ContentItem } from "../lib/protocol";
import { Field } from "./Field";
import { FormMessage, type Message } from "./FormMessage";
import { useExplain } from "./panel-context";
import { statusChoices } from "./status-choices";

interface Props {
  item: ContentItem;
  onUpdated(item: ContentItem): void;
}

/** Moves an item along its life cycle; scheduling asks for a time. */
export function StatusControl({ item, onUpdated }: Props) {
  const explain = useExplain();
  const [target, setTarget] = useState<ContentStatus>(item.status);
  const [when, setWhen] = useState(() => toLocalInput(item.scheduledAt));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);

  // The item changed (here or elsewhere): the controls show where it now stands.
  useEffect(() => {
    setTarget(item.status);
    setWhen(toLocalInput(item.scheduledAt));
  }, [item.status, item.scheduledAt]);

  async function apply(status: ContentStatus) {
    setBusy(true);
    setMessage(null);
    const scheduledAt = status === "scheduled" ? fromLocalInput(when) : null;
    try {
      const updated = await ask("updateContent", {
        contentId: item.id,
        changes: { status, ...(scheduledAt ? { scheduledAt } : {}) },
      });
      onUpdated(updated);
      setTarget(updated.status);
      setMessage({ tone: "ok", text: `Moved to ${STATUS_LABELS[updated.status]}` });
    } catch (failure) {
      setMessage({ tone: "error", text: explain(failure) });
      if (status !== "scheduled") setTarget(item.status);
    } finally {
      setBusy(false);
    }
  }

  const scheduling = target === "scheduled";
  const reschedule = scheduling && item.status === "scheduled";
  const unchangedTime = reschedule && toLocalInput(item.scheduledAt) === when;

  return (
    <section className="card stack">
      <div className="row">
        <Field label="Status" className="grow">
          {(id) => (
            <select
              id={id}
              value={target}
              disabled={busy}
              onChange={(event) => {
                const next = event.target.value as ContentStatus;
                setTarget(next);
                setMessage(null);
                if (next !== "scheduled" && next !== item.status) void apply(next);
              }}
            >
              {statusChoices(item.status).map((status) => (
                <option key={status} value={status}>
                  {STATUS_LABELS[status]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {item.status === "scheduled" && item.scheduledAt ? (
          <span className="muted small">
            for <time dateTime={item.scheduledAt}>{formatDateTime(item.scheduledAt)}</time>
          </span>
        ) : null}
      </div>
      {scheduling ? (
        <div className="row end">
          <Field label="Schedule for" className="grow">
            {(id) => (
              <input
                id={id}
                type="datetime-local"
                value={when}
                onChange={(event) => setWhen(event.target.value)}
              />
            )}
          </Field>
          <button
            type="button"
            className="primary"
            disabled={busy || unchangedTime}
            onClick={() => void apply("scheduled")}
          >
            {reschedule ? "Reschedule" : "Schedule"}
          </button>
        </div>
      ) : null}
      <FormMessage message={message} />
    </section>
  );
}
