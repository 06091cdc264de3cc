import type { ContentScriptContext } from "wxt/utils/content-script-context";

/**
 * Resolves with `find()`'s element once the page has rendered it, or null when `signal` aborts
 * or `timeoutMs` passes. The observer exists only while waiting: YouTube renders a new
 * video's metadata a moment after its navigation event, and no observer is left running.
 */
export function waitForElement(
  ctx: ContentScriptContext,
  find: () => Element | null,
  signal: AbortSignal,
  timeoutMs = 15_000,
): Promise<Element | null> {
  const found = find();
  if (found || signal.aborted) return Promise.resolve(signal.aborted ? null : found);
  return new Promise((resolve) => {
    let frame = 0;
    const finish = (element: Element | null) => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(element);
    };
    const onAbort = () => finish(null);
    // At most one look per frame, however many mutations YouTube makes in it.
    const observer = new MutationObserver(() => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        const element = find();
        if (element) finish(element);
      });
    });
    const timer = ctx.setTimeout(() => finish(null), timeoutMs);
    signal.addEventListener("abort", onAbort);
    ctx.onInvalidated(onAbort);
    observer.observe(document.body, { childList: true, subtree: true });
  });
}
