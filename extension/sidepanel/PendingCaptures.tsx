import { useEffect, useState } from "react";
import { errorWords } from "../../shared/view/error-words";
import { timesText, untilText } from "../../shared/view/format";
import { ask } from "../lib/ask";
import type { QueuedCapture } from "../lib/storage";
import { useExplain, usePanel } from "./panel-context";

interface Props {
  captures: QueuedCapture[];
}

/** Captures still on their way to the API (offline, a server fault) or refused by it. */
export function PendingCaptures({ captures }: Props) {
  const explainFailure = useExplain();
  const { session } = usePanel();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  // Keeps "retrying in 40 s" honest while the section is on screen.
  useEffect(() => {
    if (captures.length === 0) return;
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, [captures.length]);

  if (captures.length === 0) return null;

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(explainFailure(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card pending" aria-label="Pending captures">
      <h2 className="section-title">
        Pending captures <span className="count">{captures.length}</span>
      </h2>
      <ul className="plain-list">
        {captures.map((capture) => {
          // Another account's capture waits for them: it is never sent with this one's token.
          const otherAccount =
            capture.queuedBy && capture.queuedBy.userId !== session.user?.id
              ? capture.queuedBy.email
              : null;
          const otherApi =
            capture.apiOrigin && capture.apiOrigin !== session.apiOrigin ? capture.apiOrigin : null;
          const waiting = otherAccount
            ? `Queued by ${otherAccount} — waits until they sign in again`
            : otherApi
              ? `Queued for ${otherApi} — waits until the API address is that again`
              : null;
          return (
            <li key={capture.id} className={`pending-item ${capture.state}`}>
              <div className="pending-text">
                <span className="pending-title">{capture.title}</span>
                <span className="muted small">
                  {waiting ??
                    (capture.state === "failed"
                      ? `Failed: ${capture.lastError ? errorWords(capture.lastError) : "the API refused it"}`
                      : `Waiting — retrying ${untilText(capture.nextAttemptAt, now)}${
                          capture.attempts > 0 ? ` (tried ${timesText(capture.attempts)})` : ""
                        }`)}
                </span>
              </div>
              <div className="row tight">
                {waiting ? null : (
                  <button
                    type="button"
                    className="quiet"
                    disabled={busy}
                    onClick={() => void run(() => ask("retryCaptures"))}
                  >
                    Retry now
                  </button>
                )}
                <button
                  type="button"
                  className="quiet danger"
                  disabled={busy}
                  onClick={() => void run(() => ask("discardCapture", capture.id))}
                >
                  Discard
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
