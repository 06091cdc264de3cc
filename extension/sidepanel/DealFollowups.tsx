import { useCallback, useEffect, useId, useRef, useState } from "react";
import { creditsCount, formatDateTime } from "../../shared/view/format";
import { ask } from "../lib/ask";
import type { FollowupItem } from "../lib/protocol";
import { FollowupCard } from "./FollowupCard";
import { FormMessage, type Message } from "./FormMessage";
import { useExplain, usePanel } from "./panel-context";

interface Props {
  dealId: string;
  /** A paid or lost deal needs no follow-up (the API refuses to draft one). */
  closed: boolean;
  /** Changes when the deal moved stage (a closed stage cancels its follow-ups): reload. */
  refreshKey: number;
  /** A follow-up was drafted or changed: the timeline has something new. */
  onRecorded(): void;
}

const byDue = (a: FollowupItem, b: FollowupItem) => Date.parse(a.dueAt) - Date.parse(b.dueAt);

/** The deal's pending follow-ups, and "Draft a follow-up". */
export function DealFollowups({ dealId, closed, refreshKey, onRecorded }: Props) {
  const explain = useExplain();
  const { onCreditsChanged } = usePanel();
  const [followups, setFollowups] = useState<FollowupItem[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [drafting, setDrafting] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [focus, setFocus] = useState<{ id: string; key: string } | null>(null);
  const headingId = useId();
  const latest = useRef(0);

  const load = useCallback(async () => {
    const request = ++latest.current;
    setLoadError(null);
    try {
      const page = await ask("listFollowups", { dealId, status: "pending", limit: "50" });
      if (request === latest.current) setFollowups(page.items);
    } catch (failure) {
      if (request === latest.current) setLoadError(explain(failure));
    }
  }, [dealId, explain]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new refresh key reloads
  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  async function draft() {
    setDrafting(true);
    setMessage(null);
    setWarnings([]);
    try {
      const drafted = await ask("draftFollowup", dealId);
      const { followup } = drafted;
      setFollowups((current) =>
        [followup, ...(current ?? []).filter((item) => item.id !== followup.id)].sort(byDue),
      );
      setWarnings(drafted.warnings);
      setMessage({
        tone: "ok",
        text: `Drafted a follow-up, due ${formatDateTime(followup.dueAt)}${
          drafted.credits > 0 ? ` (${creditsCount(drafted.credits)})` : ""
        }.`,
      });
      setFocus({ id: followup.id, key: crypto.randomUUID() });
      if (drafted.credits > 0) onCreditsChanged();
      onRecorded();
    } catch (failure) {
      setMessage({ tone: "error", text: explain(failure) });
    } finally {
      setDrafting(false);
    }
  }

  const onChanged = (changed: FollowupItem, said: string) => {
    setFollowups((current) =>
      (current ?? []).map((item) => (item.id === changed.id ? changed : item)).sort(byDue),
    );
    setMessage({ tone: "ok", text: said });
    // The control used may be gone with its menu: focus stays with the follow-up.
    setFocus({ id: changed.id, key: crypto.randomUUID() });
    onRecorded();
  };

  return (
    <section className="card stack" aria-labelledby={headingId}>
      <h3 className="section-title" id={headingId}>
        Follow-ups
      </h3>
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={drafting || closed}
          onClick={() => void draft()}
        >
          {drafting ? "Drafting…" : "Draft a follow-up"}
        </button>
        {closed ? (
          <span className="muted small">A paid or lost deal needs no follow-up.</span>
        ) : null}
      </div>
      <FormMessage message={message} />
      {warnings.length > 0 ? (
        <ul className="problems" aria-label="Check before sending">
          {warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}
      {followups === null ? (
        loadError ? (
          <div className="row" role="alert">
            <p className="error">Couldn't load the follow-ups. {loadError}</p>
            <button type="button" onClick={() => void load()}>
              Try again
            </button>
          </div>
        ) : (
          <p className="visually-hidden" role="status">
            Loading follow-ups…
          </p>
        )
      ) : followups.length === 0 ? (
        <p className="muted small">No follow-up waiting to be sent.</p>
      ) : (
        <ul className="plain-list">
          {followups.map((followup) => (
            <li key={followup.id}>
              <FollowupCard
                followup={followup}
                onChanged={onChanged}
                focusKey={focus?.id === followup.id ? focus.key : null}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
