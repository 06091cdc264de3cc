import { useEffect, useState } from "react";
import { errorWords } from "../../shared/view/error-words";
import { timesText, untilText } from "../../shared/view/format";
import { ask } from "../lib/ask";
import type { QueuedCapture } from "../lib/storage";
import { useExplain } from "./panel-context";

interface Props {
  captures: QueuedCapture[];
}

/** Captures still on their way to the API (offline, a server fault) or refused by it. */
export function PendingCaptures({ captures }: Props) {
  const explainFailure = useExplain();
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
        {captures.map((capture) => (
          <li key={capture.id} className={`pending-item ${capture.state}`}>
            <div className="pending-text">
              <span className="pending-title">{capture.title}</span>
              <span className="muted small">
                {capture.state === "failed"
                  ? `Failed: ${capture.lastError ? errorWords(capture.lastError) : "the API refused it"}`
                  : `Waiting — retrying ${untilText(capture.nextAttemptAt, now)}${
                      capture.attempts > 0 ? ` (tried ${timesText(capture.attempts)})` : ""
                    }`}
              </span>
            </div>
            <div className="row tight">
              <button
                type="button"
                className="quiet"
                disabled={busy}
                onClick={() => void run(() => ask("retryCaptures"))}
              >
                Retry now
              </button>
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
        ))}
      </ul>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
