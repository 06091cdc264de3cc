import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import { ask } from "../lib/ask";
import { explain } from "../lib/explain";
import { DEFAULT_API_ORIGIN } from "../lib/storage";
import { Brand } from "./Brand";
import { Field } from "./Field";

type Outcome = { tone: "ok" | "error"; text: string };

/** The options page: which CreatorOps API the extension talks to, then `children` (more cards). */
export function ApiSettings({ children }: { children?: ReactNode }) {
  const [origin, setOrigin] = useState("");
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  useEffect(() => {
    ask("session").then(
      (session) => {
        setOrigin((typed) => typed || session.apiOrigin);
        setLoaded(true);
      },
      (failure: unknown) => {
        setOutcome({ tone: "error", text: explain(failure) });
        setLoaded(true);
      },
    );
  }, []);

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setOutcome(null);
    try {
      const session = await ask("setApiOrigin", origin.trim());
      setOrigin(session.apiOrigin);
      setOutcome({ tone: "ok", text: `Saved. CreatorOps answered at ${session.apiOrigin}.` });
    } catch (failure) {
      setOutcome({ tone: "error", text: explain(failure, "signIn") });
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="options">
      <Brand title="CreatorOps AI settings" />
      <form className="card stack" onSubmit={save}>
        <Field label="API address">
          {(id) => (
            <input
              id={id}
              type="url"
              name="apiOrigin"
              required
              spellCheck={false}
              placeholder={DEFAULT_API_ORIGIN}
              disabled={!loaded}
              value={origin}
              onChange={(event) => setOrigin(event.target.value)}
            />
          )}
        </Field>
        <p className="muted small">
          The CreatorOps server the extension talks to. Saving checks that it answers. For local
          development the default is <span className="mono">http://localhost:8787</span> (
          <span className="mono">npm run dev</span>).
        </p>
        <div className="row">
          <button type="submit" className="primary" disabled={busy || !loaded}>
            {busy ? "Checking…" : "Save"}
          </button>
          {outcome ? (
            <p
              className={outcome.tone === "ok" ? "success" : "error"}
              role={outcome.tone === "ok" ? "status" : "alert"}
            >
              {outcome.text}
            </p>
          ) : null}
        </div>
      </form>
      {children}
    </main>
  );
}
