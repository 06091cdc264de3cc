import { useEffect, useState } from "react";
import { ask } from "../lib/ask";

/** What each part the Gmail button reads is called here. */
const PART_NAMES: Record<string, string> = {
  main: "the open conversation",
  "message-id": "message id",
  subject: "subject",
  sender: "sender",
  date: "date",
  body: "message text",
  "action-area": "place for the button",
};

/**
 * The options page's report on the Gmail button: how often it could not find a part of an open
 * message (Gmail changed its page). A rising count means the button needs an update; nothing
 * of any message is kept, only the counts.
 */
export function GmailHealth() {
  const [misses, setMisses] = useState<Record<string, number> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    ask("selectorMisses").then(setMisses, () => setFailed(true));
  }, []);

  const rows = Object.entries(misses ?? {}).filter(([, count]) => count > 0);
  return (
    <section className="card stack" aria-labelledby="gmail-health">
      <h2 id="gmail-health">Gmail button</h2>
      {failed ? (
        <p className="error" role="alert">
          The extension could not read its counts. Reload this page.
        </p>
      ) : misses === null ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : rows.length === 0 ? (
        <p className="muted">No problems reading Gmail so far.</p>
      ) : (
        <>
          <p>
            Gmail's page did not have what the button reads this many times. If the button stops
            appearing, an update of the extension will bring it back.
          </p>
          <ul>
            {rows.map(([part, count]) => (
              <li key={part}>
                {PART_NAMES[part] ?? part}: {count}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
