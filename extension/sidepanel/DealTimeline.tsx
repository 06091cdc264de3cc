import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import type { Activity } from "../../shared/crm";
import { formatDateTime } from "../../shared/view/format";
import { ask } from "../lib/ask";
import { activityText } from "./deal-fields";
import { Field } from "./Field";
import { FormMessage, type Message } from "./FormMessage";
import { useExplain } from "./panel-context";

interface Props {
  dealId: string;
  /** Changes when something was recorded elsewhere (a correction, a follow-up): reload. */
  refreshKey: number;
  /** Whether the note box holds text not added yet. */
  onDirty?(dirty: boolean): void;
}

const NOTE_MAX = 10_000;

/** What happened on the deal, newest first, and a note to add to it. */
export function DealTimeline({ dealId, refreshKey, onDirty }: Props) {
  const explain = useExplain();
  const [activities, setActivities] = useState<Activity[] | null>(null);
  const [more, setMore] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const headingId = useId();
  const latest = useRef(0);

  const load = useCallback(async () => {
    const request = ++latest.current;
    setLoadError(null);
    try {
      const page = await ask("dealActivities", dealId);
      if (request !== latest.current) return;
      setActivities(page.items as Activity[]);
      setMore(page.nextCursor !== null);
    } catch (failure) {
      if (request === latest.current) setLoadError(explain(failure));
    }
  }, [dealId, explain]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new refresh key reloads
  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  const dirty = note.trim() !== "";
  useEffect(() => onDirty?.(dirty), [dirty, onDirty]);

  async function addNote(event: FormEvent) {
    event.preventDefault();
    const body = note.trim();
    if (!body) return;
    setBusy(true);
    setMessage(null);
    try {
      const added = await ask("addDealNote", { dealId, body });
      setActivities((current) => [added as Activity, ...(current ?? [])]);
      setNote("");
      setMessage({ tone: "ok", text: "Note added" });
    } catch (failure) {
      setMessage({ tone: "error", text: explain(failure) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby={headingId}>
      <h3 className="section-title" id={headingId}>
        Activity
      </h3>
      <form className="stack tight" onSubmit={addNote}>
        <Field label="Add a note">
          {(id) => (
            <textarea
              id={id}
              rows={3}
              maxLength={NOTE_MAX}
              value={note}
              onChange={(event) => {
                setNote(event.target.value);
                setMessage(null);
              }}
            />
          )}
        </Field>
        <div className="row">
          <button type="submit" disabled={busy || !dirty}>
            {busy ? "Adding…" : "Add note"}
          </button>
          <FormMessage message={message} />
        </div>
      </form>
      {activities === null ? (
        loadError ? (
          <div className="empty" role="alert">
            <p>Couldn't load the activity. {loadError}</p>
            <button type="button" onClick={() => void load()}>
              Try again
            </button>
          </div>
        ) : (
          <>
            <p className="visually-hidden" role="status">
              Loading activity…
            </p>
            <div className="skeleton-line wide" aria-hidden="true" />
          </>
        )
      ) : activities.length === 0 ? (
        <p className="muted small">Nothing has happened on this deal yet.</p>
      ) : (
        <>
          <ol className="timeline" aria-label="Activity, newest first">
            {activities.map((activity) => {
              const { kind, body } = activityText(activity);
              return (
                <li key={activity.id} className={`timeline-entry ${activity.kind}`}>
                  <div className="timeline-head">
                    <span className="timeline-kind">{kind}</span>
                    <time className="muted small" dateTime={activity.createdAt}>
                      {formatDateTime(activity.createdAt)}
                    </time>
                  </div>
                  {body ? <p className="post-text">{body}</p> : null}
                </li>
              );
            })}
          </ol>
          {more ? (
            <p className="muted small">Showing the latest {activities.length} activities.</p>
          ) : null}
          {loadError ? (
            <p className="error" role="alert">
              {loadError}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
