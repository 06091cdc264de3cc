import { useState } from "react";
import { browser } from "wxt/browser";
import { ask } from "../lib/ask";
import type { SessionView } from "../lib/protocol";
import { Field } from "./Field";
import { useExplain, usePanel } from "./panel-context";

interface Props {
  onSession(session: SessionView): void;
}

/** Who is signed in, which workspace the panel shows, and the way out. */
export function AccountBar({ onSession }: Props) {
  const { session } = usePanel();
  const explain = useExplain();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(action: () => Promise<SessionView>) {
    setBusy(true);
    setError(null);
    try {
      onSession(await action());
    } catch (failure) {
      setError(explain(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <header className="account-bar">
      <div className="account-row">
        <span className="brand-mark small" aria-hidden="true">
          C
        </span>
        <span className="account-email" title={session.user?.email}>
          {session.user?.email}
        </span>
        <button
          type="button"
          className="icon-button"
          aria-label="Settings"
          title="Settings"
          onClick={() => void browser.runtime.openOptionsPage()}
        >
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
            <path
              fill="currentColor"
              d="M11.3 1.5l.4 2.1c.6.2 1.1.5 1.6.9l2-.8 1.3 2.3-1.6 1.4c.1.6.1 1.2 0 1.8l1.6 1.4-1.3 2.3-2-.8c-.5.4-1 .7-1.6.9l-.4 2.1H8.7l-.4-2.1c-.6-.2-1.1-.5-1.6-.9l-2 .8-1.3-2.3L5 10.1a5 5 0 0 1 0-1.8L3.4 6.9l1.3-2.3 2 .8c.5-.4 1-.7 1.6-.9l.4-2.1h2.6zM10 7a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z"
            />
          </svg>
        </button>
        <button
          type="button"
          className="quiet"
          disabled={busy}
          onClick={() => void run(() => ask("signOut"))}
        >
          Sign out
        </button>
      </div>
      <Field label="Workspace" className="inline">
        {(id) => (
          <select
            id={id}
            value={session.workspaceId ?? ""}
            disabled={busy || session.workspaces.length === 0}
            onChange={(event) => {
              const workspaceId = event.target.value;
              if (workspaceId) void run(() => ask("selectWorkspace", workspaceId));
            }}
          >
            {session.workspaceId ? null : <option value="">Choose a workspace</option>}
            {session.workspaces.map((workspace) => (
              <option key={workspace.id} value={workspace.id}>
                {workspace.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </header>
  );
}
