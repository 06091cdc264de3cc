import { createContext, useCallback, useContext } from "react";
import type { ErrorContext } from "../../shared/view/error-words";
import { explain, isSessionLost } from "../lib/explain";
import type { SessionView } from "../lib/protocol";

export interface PanelContextValue {
  session: SessionView;
  /** The API said the session is gone: back to sign-in. */
  onSessionLost(): void;
  /** Something spent or may have spent AI credits: refresh the meter. */
  onCreditsChanged(): void;
}

export const PanelContext = createContext<PanelContextValue | null>(null);

export function usePanel(): PanelContextValue {
  const value = useContext(PanelContext);
  if (!value) throw new Error("usePanel outside the signed-in panel");
  return value;
}

/** Turns a failure into a sentence, and signs the panel out when the session is gone. */
export function useExplain() {
  const { onSessionLost } = usePanel();
  return useCallback(
    (error: unknown, context?: ErrorContext) => {
      if (isSessionLost(error)) onSessionLost();
      return explain(error, context);
    },
    [onSessionLost],
  );
}
