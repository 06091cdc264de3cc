import { useCallback, useEffect, useRef, useState } from "react";
import { type Browser, browser } from "wxt/browser";
import type { PlatformId } from "../../shared/platforms";
import { type ErrorView, ExtensionError } from "../lib/errors";
import {
  REPURPOSE_PORT,
  type RepurposeEvent,
  type RepurposeOutcome,
  type RepurposeRequest,
} from "../lib/protocol";
import { useExplain } from "./panel-context";

export type RepurposeRun =
  | { phase: "idle" }
  | { phase: "running"; text: string; stage: string | null }
  | { phase: "done"; cached: boolean }
  | { phase: "error"; message: string };

const toError = (view: ErrorView) =>
  new ExtensionError(view.code, view.message, view.status, {
    ...(view.retryAfterSeconds ? { retryAfterSeconds: view.retryAfterSeconds } : {}),
    ...(view.details ? { details: view.details } : {}),
  });

/**
 * One repurposing run over the background's port: the model's text streams in, then the saved
 * variants arrive. The port closes when the run ends or the view goes away.
 */
export function useRepurpose(contentId: string, onDone: (outcome: RepurposeOutcome) => void) {
  const explain = useExplain();
  const [run, setRun] = useState<RepurposeRun>({ phase: "idle" });
  const portRef = useRef<Browser.runtime.Port | null>(null);
  const onDoneRef = useRef(onDone);
  onDoneRef.current = onDone;

  const close = useCallback(() => {
    const port = portRef.current;
    portRef.current = null;
    port?.disconnect();
  }, []);

  useEffect(() => close, [close]);

  const start = useCallback(
    (platforms: PlatformId[]) => {
      close();
      const port = browser.runtime.connect({ name: REPURPOSE_PORT });
      portRef.current = port;
      setRun({ phase: "running", text: "", stage: null });

      port.onMessage.addListener((event: RepurposeEvent) => {
        if (portRef.current !== port) return;
        switch (event.type) {
          case "progress":
            setRun((current) =>
              current.phase === "running" ? { ...current, stage: event.stage } : current,
            );
            break;
          case "text":
            setRun((current) =>
              current.phase === "running"
                ? { ...current, text: current.text + event.delta }
                : current,
            );
            break;
          case "done":
            close();
            setRun({ phase: "done", cached: event.outcome.cached });
            onDoneRef.current(event.outcome);
            break;
          case "error":
            close();
            setRun({ phase: "error", message: explain(toError(event.error)) });
            break;
        }
      });
      port.onDisconnect.addListener(() => {
        if (portRef.current !== port) return;
        portRef.current = null;
        setRun((current) =>
          current.phase === "running"
            ? { phase: "error", message: "Lost the connection to CreatorOps. Try again." }
            : current,
        );
      });
      port.postMessage({ contentId, platforms } satisfies RepurposeRequest);
    },
    [contentId, close, explain],
  );

  return { run, start };
}
