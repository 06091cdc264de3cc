import { useCallback, useEffect, useRef, useState } from "react";
import type { Stage } from "../../shared/crm";
import { formatDateTime } from "../../shared/view/format";
import { ask } from "../lib/ask";
import type { DealDetail as Deal } from "../lib/protocol";
import { DealFields } from "./DealFields";
import { DealFollowups } from "./DealFollowups";
import { DealTimeline } from "./DealTimeline";
import { Deliverables } from "./Deliverables";
import { DetailPlaceholder } from "./DetailPlaceholder";
import { Field } from "./Field";
import { FormMessage, type Message } from "./FormMessage";
import { gmailThreadUrl } from "./gmail-reply";
import { useExplain } from "./panel-context";

interface Props {
  dealId: string;
  /** The pipeline's stages, in order; null while they load (or when they could not). */
  stages: Stage[] | null;
  onBack(): void;
  onChanged(deal: Deal): void;
}

const CLOSED_KINDS = new Set(["paid", "lost"]);

/**
 * One deal: its stage, its terms and where each came from, the deliverables checklist, its
 * follow-ups and what happened on it.
 */
export function DealDetail({ dealId, stages, onBack, onChanged }: Props) {
  const explain = useExplain();
  const [deal, setDeal] = useState<Deal | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // Bumped when the API recorded something on the deal: the timeline reloads.
  const [recorded, setRecorded] = useState(0);
  // Bumped when the stage changed: a closed stage cancels the pending follow-ups.
  const [moved, setMoved] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setDeal(await ask("getDeal", dealId));
    } catch (failure) {
      setLoadError(explain(failure));
    }
  }, [dealId, explain]);

  useEffect(() => {
    void load();
  }, [load]);

  // The heading takes focus so a screen reader announces the deal that opened.
  const loadedId = deal?.id;
  useEffect(() => {
    if (loadedId) headingRef.current?.focus();
  }, [loadedId]);

  // Escape leaves the deal, unless a correction or a note would be lost: then it says so.
  const editing = useRef(false);
  const noting = useRef(false);
  const [keptUnsaved, setKeptUnsaved] = useState(false);
  const onEditing = useCallback((open: boolean) => {
    editing.current = open;
    if (!open && !noting.current) setKeptUnsaved(false);
  }, []);
  const onNoteDirty = useCallback((dirty: boolean) => {
    noting.current = dirty;
    if (!dirty && !editing.current) setKeptUnsaved(false);
  }, []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if (editing.current || noting.current) setKeptUnsaved(true);
      else onBack();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onBack]);

  const updated = useCallback(
    (next: Deal) => {
      setDeal(next);
      onChanged(next);
      setRecorded((key) => key + 1);
    },
    [onChanged],
  );
  const onRecorded = useCallback(() => setRecorded((key) => key + 1), []);

  const stage = deal && stages ? stages.find((s) => s.id === deal.stageId) : undefined;
  return (
    <div className="detail stack">
      <div className="row">
        <button type="button" className="quiet back" onClick={onBack}>
          <span aria-hidden="true">← </span>Back to deals
        </button>
      </div>
      {keptUnsaved ? (
        <p className="notice" role="status">
          This deal has a correction or a note not saved yet. Save or cancel it, or use Back to
          leave without saving.
        </p>
      ) : null}
      {!deal ? (
        <DetailPlaceholder
          noun="deal"
          error={loadError && `Couldn't open this deal. ${loadError}`}
          onRetry={() => void load()}
        />
      ) : (
        <>
          <header className="stack tight">
            <h2 className="detail-title" ref={headingRef} tabIndex={-1}>
              {deal.title}
            </h2>
            <p className="muted small source-line">
              {deal.source === "email" ? <span className="badge">From Gmail</span> : null}
              {deal.stale ? <span className="badge stale">Stale</span> : null}
              <span>
                Last activity{" "}
                <time dateTime={deal.lastActivityAt}>{formatDateTime(deal.lastActivityAt)}</time>
              </span>
              {deal.sourceThreadId ? (
                <a
                  href={gmailThreadUrl(deal.sourceThreadId, deal.sourceThreadUrl)}
                  target="_blank"
                  rel="noopener noreferrer"
                >
                  Open the email
                  <span className="visually-hidden"> in Gmail (opens in a new tab)</span>
                </a>
              ) : null}
            </p>
          </header>

          <StageControl
            deal={deal}
            stages={stages}
            onUpdated={(next) => {
              updated(next);
              setMoved((key) => key + 1);
            }}
          />
          <DealFields deal={deal} onUpdated={updated} onEditing={onEditing} />
          <Deliverables deal={deal} onUpdated={updated} />
          <DealFollowups
            dealId={deal.id}
            closed={stage ? CLOSED_KINDS.has(stage.kind) : false}
            refreshKey={moved}
            onRecorded={onRecorded}
          />
          <DealTimeline dealId={deal.id} refreshKey={recorded} onDirty={onNoteDirty} />
        </>
      )}
    </div>
  );
}

/** Moves the deal to another stage of the pipeline. */
function StageControl({
  deal,
  stages,
  onUpdated,
}: {
  deal: Deal;
  stages: Stage[] | null;
  onUpdated(deal: Deal): void;
}) {
  const explain = useExplain();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);

  async function move(stageId: string) {
    const to = stages?.find((s) => s.id === stageId);
    setBusy(true);
    setMessage(null);
    try {
      const next = await ask("updateDeal", { dealId: deal.id, changes: { stageId } });
      onUpdated(next);
      setMessage({
        tone: "ok",
        text:
          to && CLOSED_KINDS.has(to.kind)
            ? `Moved to ${to.name}: its pending follow-ups are cancelled.`
            : `Moved to ${to?.name ?? "the new stage"}`,
      });
    } catch (failure) {
      setMessage({ tone: "error", text: explain(failure) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-label="Stage">
      <Field label="Stage">
        {(id) => (
          <select
            id={id}
            value={deal.stageId}
            disabled={busy || !stages}
            onChange={(event) => void move(event.target.value)}
          >
            {stages?.some((s) => s.id === deal.stageId) ? null : (
              <option value={deal.stageId}>{stages ? "Unknown stage" : "Loading stages…"}</option>
            )}
            {(stages ?? []).map((stage) => (
              <option key={stage.id} value={stage.id}>
                {stage.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <FormMessage message={message} />
    </section>
  );
}
