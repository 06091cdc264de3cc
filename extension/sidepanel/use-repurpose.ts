import { useCallback, useEffect, useRef, useState } from "react";
import { type Browser, browser } from "wxt/browser";
import type { SkippedPlatform } from "../../shared/content";
import type { PlatformId } from "../../shared/platform-ids";
import { ExtensionError, fromView } from "../lib/errors";
import {
  REPURPOSE_PORT,
  type RepurposeEvent,
  type RepurposeOutcome,
  type RepurposeRequest,
} from "../lib/protocol";
import { useExplain } from "./panel-context";

export type RepurposeRun =
  | { phase: "idle" }
  | {
      phase: "running";
      platforms: PlatformId[];
      /** What each platform's text is so far, as the model writes it. */
      written: Partial<Record<PlatformId, string>>;
      /** The platform being written now. */
      current: PlatformId | null;
    }
  | { phase: "done"; cached: boolean; skipped: SkippedPlatform[] }
  | { phase: "error"; message: string };

/**
 * One repurposing run over the background's port: each platform's text streams in, then the
 * saved variants arrive. The port closes when the run ends or the view goes away.
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
    (platforms: PlatformId[], options: { replaceEdited?: boolean } = {}) => {
      close();
      const port = browser.runtime.connect({ name: REPURPOSE_PORT });
      portRef.current = port;
      setRun({ phase: "running", platforms, written: {}, current: null });

      port.onMessage.addListener((event: RepurposeEvent) => {
        if (portRef.current !== port) return;
        switch (event.type) {
          case "progress":
            setRun((current) =>
              current.phase === "running" ? { ...current, platforms: event.platforms } : current,
            );
            break;
          case "text":
            // Text for a platform this run did not ask for is not shown.
            setRun((current) =>
              current.phase === "running" && current.platforms.includes(event.platform)
                ? {
                    ...current,
                    current: event.platform,
                    written: {
                      ...current.written,
                      [event.platform]: (current.written[event.platform] ?? "") + event.delta,
                    },
                  }
                : current,
            );
            break;
          case "done":
            close();
            setRun({
              phase: "done",
              cached: event.outcome.cached,
              skipped: event.outcome.skipped ?? [],
            });
            onDoneRef.current(event.outcome);
            break;
          case "error":
            close();
            setRun({ phase: "error", message: explain(fromView(event.error), "repurpose") });
            break;
        }
      });
      port.onDisconnect.addListener(() => {
        if (portRef.current !== port) return;
        portRef.current = null;
        const lost = new ExtensionError("OFFLINE", "The background closed the run's port");
        setRun((current) =>
          current.phase === "running"
            ? { phase: "error", message: explain(lost, "repurpose") }
            : current,
        );
      });
      port.postMessage({
        contentId,
        platforms,
        ...(options.replaceEdited ? { replaceEdited: true } : {}),
      } satisfies RepurposeRequest);
    },
    [contentId, close, explain],
  );

  return { run, start };
}
