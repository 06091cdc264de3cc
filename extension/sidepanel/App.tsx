import { useCallback, useEffect, useState } from "react";
import { ask } from "../lib/ask";
import { explain } from "../lib/explain";
import type { SessionView } from "../lib/protocol";
import { sessionItem } from "../lib/storage";
import { SignedInPanel } from "./SignedInPanel";
import { SignInForm } from "./SignInForm";

/** The side panel: sign-in, or the signed-in workspace. */
export function App() {
  const [session, setSession] = useState<SessionView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const refreshSession = useCallback(async () => {
    try {
      setSession(await ask("session"));
      setLoadError(null);
    } catch (failure) {
      setLoadError(explain(failure));
    }
  }, []);

  // Signing in or out elsewhere (another panel, the background dropping an expired token)
  // changes the stored session; the panel asks the background for the new view.
  useEffect(() => {
    void refreshSession();
    return sessionItem.watch(() => void refreshSession());
  }, [refreshSession]);

  const onSessionLost = useCallback(() => {
    setNotice("Your session ended. Sign in again.");
    setSession((current) => (current ? { ...current, user: null } : current));
  }, []);

  const onSession = useCallback((next: SessionView) => {
    if (next.user) setNotice(null);
    setSession(next);
  }, []);

  if (!session) {
    return loadError ? (
      <main className="sign-in">
        <p className="error" role="alert">
          {loadError}
        </p>
        <button type="button" onClick={() => void refreshSession()}>
          Try again
        </button>
      </main>
    ) : (
      <p className="visually-hidden" role="status">
        Loading…
      </p>
    );
  }
  if (!session.user) {
    return <SignInForm apiOrigin={session.apiOrigin} notice={notice} onSignedIn={onSession} />;
  }
  return (
    <>
      {session.offline && (
        <p className="notice" role="status">
          You're offline — captures are kept and sent when CreatorOps is reachable.{" "}
          <button type="button" className="link" onClick={() => void refreshSession()}>
            Check again
          </button>
        </p>
      )}
      <SignedInPanel session={session} onSession={onSession} onSessionLost={onSessionLost} />
    </>
  );
}
