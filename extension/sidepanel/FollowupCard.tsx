import { useEffect, useId, useRef, useState } from "react";
import { formatDateTime } from "../../shared/view/format";
import { ask } from "../lib/ask";
import type { DataOf, FollowupItem } from "../lib/protocol";
import { FormMessage, type Message } from "./FormMessage";
import { gmailReplyUrl } from "./gmail-reply";
import { useExplain } from "./panel-context";
import { SnoozeMenu } from "./SnoozeMenu";

type FollowupChanges = DataOf<"updateFollowup">["changes"];

interface Props {
  followup: FollowupItem;
  /** The follow-up as the API now has it, and what to say about the change. */
  onChanged(followup: FollowupItem, said: string): void;
  /** Shows "Open deal" (the follow-ups view; the deal view is the deal already). */
  onOpenDeal?(dealId: string): void;
  /** Changes when the card should take focus (it moved after a snooze). */
  focusKey?: string | null;
}

const SETTLED_WORDS = { sent: "Marked as sent", cancelled: "Cancelled" } as const;

/**
 * One drafted follow-up email: who it goes to, when it is due, the email itself, and what to do
 * with it — copy it, reply in Gmail, snooze, mark sent or cancel (both undoable).
 */
export function FollowupCard({ followup, onChanged, onOpenDeal, focusKey }: Props) {
  const explain = useExplain();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const [snoozing, setSnoozing] = useState(false);
  const headingId = useId();
  const menuId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const snoozeRef = useRef<HTMLButtonElement>(null);
  const undoRef = useRef<HTMLButtonElement>(null);
  const markSentRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (focusKey) headingRef.current?.focus();
  }, [focusKey]);

  // Marking sent or cancelling replaces the buttons: focus goes to Undo, and back after it.
  const status = followup.status;
  const previousStatus = useRef(status);
  useEffect(() => {
    if (previousStatus.current === status) return;
    previousStatus.current = status;
    (status === "pending" ? markSentRef : undoRef).current?.focus();
  }, [status]);

  async function change(changes: FollowupChanges, said: (updated: FollowupItem) => string) {
    setBusy(true);
    setMessage(null);
    try {
      const updated = await ask("updateFollowup", { followupId: followup.id, changes });
      setSnoozing(false);
      onChanged(updated, said(updated));
    } catch (failure) {
      setMessage({ tone: "error", text: explain(failure) });
    } finally {
      setBusy(false);
    }
  }

  async function copy(part: "subject" | "body") {
    setMessage(null);
    try {
      await navigator.clipboard.writeText(part === "subject" ? followup.subject : followup.body);
      setMessage({ tone: "ok", text: `Copied the ${part}` });
    } catch {
      setMessage({
        tone: "error",
        text: `Couldn't copy the ${part}. Open the email below and copy it from there.`,
      });
    }
  }

  if (status !== "pending") {
    return (
      <article className="followup card settled" aria-labelledby={headingId}>
        <div className="row">
          <p className="grow" id={headingId}>
            {SETTLED_WORDS[status]}: <span className="followup-subject">{followup.subject}</span>
          </p>
          <button
            ref={undoRef}
            type="button"
            disabled={busy}
            onClick={() =>
              void change({ status: "pending" }, () => `Back to pending: ${followup.subject}`)
            }
          >
            Undo
          </button>
        </div>
        <FormMessage message={message} />
      </article>
    );
  }

  const to = followup.to;
  return (
    <article className="followup card stack" aria-labelledby={headingId}>
      <header className="stack tight">
        <h4 id={headingId} ref={headingRef} tabIndex={-1} className="followup-subject">
          {followup.subject}
        </h4>
        <p className="muted small followup-meta">
          <span>
            To{" "}
            {to ? (
              <>
                {to.name ? `${to.name} ` : null}
                <span className="mono">{to.name ? `<${to.email}>` : to.email}</span>
              </>
            ) : (
              "no one yet (add the address in Gmail)"
            )}
          </span>
          <span>
            Due <time dateTime={followup.dueAt}>{formatDateTime(followup.dueAt)}</time>
          </span>
        </p>
      </header>
      <details className="followup-body">
        <summary>Email</summary>
        <p className="post-text">{followup.body}</p>
      </details>
      <div className="row">
        <button type="button" onClick={() => void copy("subject")}>
          Copy subject
        </button>
        <button type="button" onClick={() => void copy("body")}>
          Copy body
        </button>
        <a
          className="button-link"
          href={gmailReplyUrl(followup)}
          target="_blank"
          rel="noopener noreferrer"
        >
          Reply in Gmail<span className="visually-hidden"> (opens in a new tab)</span>
        </a>
      </div>
      <div className="row">
        <button
          ref={snoozeRef}
          type="button"
          aria-expanded={snoozing}
          aria-controls={snoozing ? menuId : undefined}
          disabled={busy}
          onClick={() => setSnoozing((open) => !open)}
          onKeyDown={(event) => {
            // Escape closes the choices from here too, before the view's Escape (back) sees it.
            if (event.key !== "Escape" || !snoozing) return;
            event.preventDefault();
            setSnoozing(false);
          }}
        >
          Snooze
        </button>
        <button
          ref={markSentRef}
          type="button"
          disabled={busy}
          onClick={() =>
            void change({ status: "sent" }, () => `Marked as sent: ${followup.subject}`)
          }
        >
          Mark sent
        </button>
        <button
          type="button"
          className="quiet danger"
          disabled={busy}
          onClick={() =>
            void change({ status: "cancelled" }, () => `Cancelled: ${followup.subject}`)
          }
        >
          Cancel follow-up
        </button>
        {onOpenDeal ? (
          <button type="button" className="quiet" onClick={() => onOpenDeal(followup.dealId)}>
            Open deal
          </button>
        ) : null}
      </div>
      {snoozing ? (
        <SnoozeMenu
          id={menuId}
          dueAt={followup.dueAt}
          busy={busy}
          onClose={() => {
            setSnoozing(false);
            snoozeRef.current?.focus();
          }}
          onSnooze={(at) =>
            void change(
              { dueAt: at.toISOString() },
              (updated) => `Snoozed until ${formatDateTime(updated.dueAt)}: ${followup.subject}`,
            )
          }
        />
      ) : null}
      <FormMessage message={message} />
    </article>
  );
}
