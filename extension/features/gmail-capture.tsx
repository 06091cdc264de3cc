/** @jsxImportSource preact */
/**
 * "Capture sponsor" on each open message of a Gmail conversation, beside Gmail's own reply and
 * more controls. A click reads that message only (selectors/gmail.ts) and sends it through the
 * background's offline-safe capture queue; the result shows in place: the deal, its amount and
 * deadline, any warning, and "Open in side panel". A message already captured shows
 * "In pipeline ✓"; one of a conversation that already has a deal offers "Add to deal" (the
 * API's default) or "New deal".
 *
 * Gmail is a single-page app: the feature follows `hashchange` and an observer scoped to the
 * main view (debounced to one look per frame, disconnected when no conversation is open), with
 * no polling and everything tied to WXT's `ctx`. The UI is Preact in a shadow root: Gmail
 * enforces Trusted Types, so nothing is written as HTML. When Gmail changes and a selector
 * finds nothing, the button is not shown and the miss is counted (options page) — never thrown.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ContentScriptContext } from "wxt/utils/content-script-context";
import { createShadowRootUi } from "wxt/utils/content-script-ui/shadow-root";
import { pageErrorWords } from "../../shared/view/page-words";
import { ask } from "../lib/ask";
import { errorView } from "../lib/errors";
import { type CaptureOutcome, type CaptureResult, messaging } from "../lib/protocol";
import { gmailSubject } from "../lib/sites";
import {
  actionArea,
  extractMessage,
  gmailThreadFromHash,
  legacyMessageId,
  mainView,
  openMessages,
  threadIdOf,
} from "../selectors/gmail";
import type { Feature } from "./feature";
import "./gmail-capture.css";

export const CAPTURE_HOST = "creatorops-gmail-capture";

type State =
  | { kind: "checking" }
  | { kind: "idle" }
  /** The conversation has a deal: add this message to it, or make a new one. */
  | { kind: "thread"; deal: { id: string; title: string } }
  | { kind: "capturing" }
  | { kind: "captured"; result: CaptureResult }
  | { kind: "inPipeline"; deal: { id: string; title: string } }
  | { kind: "queued" }
  | { kind: "problem"; message: string };

/** The background's news of landed captures, for the buttons on screen. */
const landedListeners = new Set<(landed: CaptureResult) => void>();

const READ_FAILED = "This message can't be read yet. Open it fully and try again.";

function stateAfter(outcome: CaptureOutcome): State {
  if (outcome.state === "saved") return { kind: "captured", result: outcome.result };
  if (outcome.state === "queued") return { kind: "queued" };
  return { kind: "problem", message: pageErrorWords(outcome.error) };
}

function CaptureButton({ message, messageId }: { message: Element; messageId: string }) {
  const [state, setState] = useState<State>({ kind: "checking" });

  useEffect(() => {
    let live = true;
    const threadId = threadIdOf(document, message);
    ask("emailState", { messageId, threadId }).then(
      (found) => {
        if (!live) return;
        if (found.deal) setState({ kind: "inPipeline", deal: found.deal });
        else if (found.queued) setState({ kind: "queued" });
        else if (found.threadDeal) setState({ kind: "thread", deal: found.threadDeal });
        else setState({ kind: "idle" });
      },
      () => live && setState({ kind: "idle" }),
    );
    const subject = gmailSubject(messageId);
    const onLanded = (landed: CaptureResult) => {
      if (landed.subject === subject) setState({ kind: "captured", result: landed });
    };
    landedListeners.add(onLanded);
    return () => {
      live = false;
      landedListeners.delete(onLanded);
    };
  }, [message, messageId]);

  const onCapture = async (newDeal: boolean) => {
    // Read at the click, from this message only: what the creator sees now.
    const read = extractMessage(message, document, new URL(location.href));
    if (!read.ok) return setState({ kind: "problem", message: READ_FAILED });
    setState({ kind: "capturing" });
    try {
      setState(stateAfter(await ask("captureEmail", { ...read.email, newDeal })));
    } catch (error) {
      setState({ kind: "problem", message: pageErrorWords(errorView(error)) });
    }
  };

  const onOpen = (dealId: string) => {
    void ask("openDeal", { messageId, dealId }).catch(() => undefined);
  };

  if (state.kind === "inPipeline" || state.kind === "captured") {
    const deal =
      state.kind === "inPipeline" ? state.deal : { id: state.result.id, title: state.result.title };
    const facts = state.kind === "captured" ? (state.result.facts ?? []) : [];
    const warnings = state.kind === "captured" ? (state.result.warnings ?? []) : [];
    return (
      <div class="capture">
        <span class="done" role="status">
          {state.kind === "captured" && !state.result.existing ? "Deal created ✓" : "In pipeline ✓"}
        </span>
        <span class="deal" title={deal.title}>
          {deal.title}
          {facts.length > 0 && <span class="facts"> · {facts.join(" · ")}</span>}
        </span>
        <button type="button" class="link" onClick={() => onOpen(deal.id)}>
          Open in side panel
        </button>
        {warnings.length > 0 && (
          <ul class="warnings" aria-label="Check before replying">
            {warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        )}
      </div>
    );
  }

  const busy = state.kind === "checking" || state.kind === "capturing";
  return (
    <div class="capture">
      {state.kind === "thread" ? (
        <>
          <button
            type="button"
            class="pill"
            title={`Add this message to “${state.deal.title}”`}
            onClick={() => onCapture(false)}
          >
            <span class="mark" aria-hidden="true">
              +
            </span>
            Add to deal
          </button>
          <button type="button" class="pill quiet" onClick={() => onCapture(true)}>
            New deal
          </button>
        </>
      ) : (
        <button
          type="button"
          class="pill"
          disabled={busy}
          aria-busy={busy}
          title={
            state.kind === "queued"
              ? "Kept on this device; it reaches CreatorOps as soon as it can"
              : "Make this email a deal in your CreatorOps pipeline"
          }
          onClick={state.kind === "queued" ? undefined : () => onCapture(false)}
        >
          <span class="mark" aria-hidden="true">
            $
          </span>
          {state.kind === "capturing"
            ? "Capturing…"
            : state.kind === "queued"
              ? "Queued"
              : "Capture sponsor"}
        </button>
      )}
      {state.kind === "problem" && (
        <span class="problem" role="status">
          {state.message}
        </span>
      )}
    </div>
  );
}

interface Shown {
  messageId: string;
  remove(): void;
  host?: Element;
}

export const gmailCapture: Feature = {
  name: "gmail-capture",
  start(ctx: ContentScriptContext) {
    /** The button of each open message on screen, by its container. */
    const shown = new Map<Element, Shown>();
    /** Messages whose misses were already reported on this page (one count per message). */
    const reported = new Set<string>();
    let observer: MutationObserver | null = null;
    let observed: Element | null = null;
    let frame = 0;

    const removeAll = () => {
      for (const entry of shown.values()) entry.remove();
      shown.clear();
    };

    const report = (key: string, parts: string[]) => {
      if (reported.has(key)) return;
      reported.add(key);
      void ask("selectorMiss", { parts }).catch(() => undefined);
    };

    const mount = async (message: Element, messageId: string, anchor: Element) => {
      const entry: Shown = { messageId, remove: () => undefined };
      shown.set(message, entry);
      const ui = await createShadowRootUi(ctx, {
        name: CAPTURE_HOST,
        position: "inline",
        anchor,
        append: "first",
        onMount: (container) =>
          render(<CaptureButton message={message} messageId={messageId} />, container),
        onRemove: () => render(null, ui.uiContainer),
      });
      if (shown.get(message) !== entry) return;
      ui.mount();
      entry.remove = () => ui.remove();
      entry.host = ui.shadowHost;
    };

    /** One look at the page: a button for every open message, none for anything else. */
    const scan = () => {
      const url = new URL(location.href);
      const main = gmailThreadFromHash(url) ? mainView(document) : null;
      watch(main ?? (gmailThreadFromHash(url) ? document.body : null));
      const open = main ? openMessages(main) : [];
      for (const [message, entry] of shown) {
        const id = legacyMessageId(message);
        const stale =
          !message.isConnected ||
          !open.includes(message) ||
          id !== entry.messageId ||
          (entry.host !== undefined && !entry.host.isConnected);
        if (stale) {
          entry.remove();
          shown.delete(message);
        }
      }
      for (const message of open) {
        if (shown.has(message)) continue;
        const read = extractMessage(message, document, url);
        // A reply just sent has no id yet: wait for it (the observer sees it arrive).
        if (!read.ok && read.waiting) continue;
        const anchor = actionArea(message);
        if (!read.ok || !anchor) {
          const parts = read.ok ? ["action-area"] : read.missing;
          report(legacyMessageId(message) ?? `#${open.indexOf(message)}@${url.hash}`, parts);
          continue;
        }
        void mount(message, read.email.messageId, anchor);
      }
    };

    const scheduleScan = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        scan();
      });
    };

    /** Observes only `root` (Gmail's main view, or the body until it exists); none without one. */
    function watch(root: Element | null) {
      if (root === observed) return;
      observer?.disconnect();
      observer = null;
      observed = root;
      if (!root) {
        removeAll();
        return;
      }
      observer = new MutationObserver(scheduleScan);
      observer.observe(root, {
        childList: true,
        subtree: true,
        attributes: true,
        attributeFilter: ["data-legacy-message-id", "data-message-id", "class"],
      });
    }

    const stopListening = messaging.onMessage("captureLanded", ({ data }) => {
      for (const listener of landedListeners) listener(data);
    });
    ctx.onInvalidated(() => {
      stopListening();
      observer?.disconnect();
      cancelAnimationFrame(frame);
      removeAll();
    });
    ctx.addEventListener(window, "hashchange", scheduleScan);
    ctx.addEventListener(window, "wxt:locationchange", scheduleScan);
    scan();
  },
};
