import { type FormEvent, useState } from "react";
import { browser } from "wxt/browser";
import { ask } from "../lib/ask";
import { explain } from "../lib/explain";
import type { SessionView } from "../lib/protocol";
import { Brand } from "./Brand";
import { Field } from "./Field";

interface Props {
  apiOrigin: string;
  /** Why the panel came back here, e.g. an expired session. */
  notice: string | null;
  onSignedIn(session: SessionView): void;
}

export function SignInForm({ apiOrigin, notice, onSignedIn }: Props) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signIn(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await ask("signIn", { email: email.trim(), password }));
    } catch (failure) {
      setError(explain(failure, "signIn"));
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <Brand title="CreatorOps AI" />
      <p className="muted">Sign in to save ideas and repurpose them for every platform.</p>
      {notice && !error ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form className="stack" onSubmit={signIn}>
        <Field label="Email">
          {(id) => (
            <input
              id={id}
              type="email"
              name="email"
              autoComplete="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </Field>
        <Field label="Password">
          {(id) => (
            <input
              id={id}
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="muted small">
        Connecting to <span className="mono">{apiOrigin}</span>.{" "}
        <button
          type="button"
          className="link"
          onClick={() => void browser.runtime.openOptionsPage()}
        >
          Change API address
        </button>
      </p>
    </main>
  );
}
