import { useId } from "react";
import { lastEmailCaptureItem } from "../lib/storage";
import { useStoredValue } from "./storage-hooks";

/** The last sponsor email captured in Gmail: what was read, what to check, and the way to it. */
export function LastCapture({ onOpen }: { onOpen(dealId: string): void }) {
  const capture = useStoredValue(lastEmailCaptureItem);
  const headingId = useId();
  if (!capture) return null;
  const facts = capture.facts ?? [];
  const warnings = capture.warnings ?? [];
  return (
    <section className="card stack last-capture" aria-labelledby={headingId}>
      <div className="row">
        <h2 className="section-title grow" id={headingId}>
          Last captured in Gmail
        </h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Dismiss the last capture"
          title="Dismiss"
          onClick={() => void lastEmailCaptureItem.setValue(null)}
        >
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <p className="capture-title">
        {capture.title}{" "}
        {capture.existing ? <span className="badge">Already in the pipeline</span> : null}
      </p>
      {facts.length > 0 ? (
        <ul className="facts" aria-label="Read from the email">
          {facts.map((fact) => (
            <li key={fact} className="badge">
              {fact}
            </li>
          ))}
        </ul>
      ) : null}
      {warnings.length > 0 ? (
        <ul className="problems" aria-label="Check these">
          {warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}
      <div className="row">
        <button type="button" onClick={() => onOpen(capture.id)}>
          Open deal
        </button>
      </div>
    </section>
  );
}
