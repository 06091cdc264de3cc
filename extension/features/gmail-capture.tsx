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
 *
 * No Gmail library: InboxSDK is about 300 KB gzipped, needs an app id and reports to its own
 * servers; gmail.js runs in the page's own world and needs jQuery. This file and
 * selectors/gmail.ts fit the content script's 15 KB budget.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ContentScriptContext } from "wxt/utils/content-script-context";
import { createShadowRootUi } from "wxt/utils/content-script-ui/shadow-root";
import { pageErrorWords } from "../../shared/view/page-words";
import { ask } from "../lib/ask";
import { errorView } from "../lib/errors";
import { type CaptureOutcome, type CaptureResult, messaging } from "../lib/protocol";
import { gmailSubject } from "../lib/subjects";
import {
  actionArea,
  checkMessage,
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
/** How long a conversation's page may take to show Gmail's views before it counts as a miss. */
const MAIN_VIEW_WAIT_MS = 30_000;

/** What a captured message shows: its deal, and what the capture read (none when it was there). */
type Captured = Pick<CaptureResult, "id" | "title" | "facts" | "warnings" | "existing">;

type State =
  | { kind: "checking" }
  | { kind: "idle" }
  /** The conversation has a deal: add this message to it, or make a new one. */
  | { kind: "thread"; dealTitle: string }
  | { kind: "capturing" }
  | { kind: "captured"; deal: Captured }
  | { kind: "queued" }
  | { kind: "problem"; message: string };

/** The background's news of landed captures, for the buttons on screen. */
const landedListeners = new Set<(landed: CaptureResult) => void>();

function stateAfter(outcome: CaptureOutcome): State {
  if (outcome.state === "saved") return { kind: "captured", deal: outcome.result };
  if (outcome.state === "queued") return { kind: "queued" };
  return { kind: "problem", message: pageErrorWords(outcome.error) };
}

function CaptureButton({ message, messageId }: { message: Element; messageId: string }) {
  const [state, setState] = useState<State>({ kind: "checking" });

  useEffect(() => {
    let live = true;
    ask("emailState", { messageId, threadId: threadIdOf(document, message) }).then(
      (found) => {
        if (!live) return;
        setState(
          found.deal
            ? { kind: "captured", deal: { ...found.deal, existing: true } }
            : found.queued
              ? { kind: "queued" }
              : found.threadDeal
                ? { kind: "thread", dealTitle: found.threadDeal.title }
                : { kind: "idle" },
        );
      },
      () => live && setState({ kind: "idle" }),
    );
    const subject = gmailSubject(messageId);
    const onLanded = (landed: CaptureResult) => {
      if (landed.subject === subject) setState({ kind: "captured", deal: landed });
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
    if (!read.ok) {
      return setState({ kind: "problem", message: "This message can't be read yet. Try again." });
    }
    setState({ kind: "capturing" });
    try {
      setState(stateAfter(await ask("captureEmail", { ...read.message, newDeal })));
    } catch (error) {
      setState({ kind: "problem", message: pageErrorWords(errorView(error)) });
    }
  };

  if (state.kind === "captured") {
    const { deal } = state;
    return (
      <div class="capture">
        <span class="done" role="status">
          {deal.existing ? "In pipeline ✓" : "Deal created ✓"}
        </span>
        <span class="deal" title={deal.title}>
          {deal.title}
        </span>
        {deal.facts?.length ? <span class="facts">{deal.facts.join(" · ")}</span> : null}
        <button
          type="button"
          class="link"
          onClick={() =>
            void ask("openDeal", { messageId, dealId: deal.id }).catch(() => undefined)
          }
        >
          Open in side panel
        </button>
        {deal.warnings?.length ? (
          <ul class="warnings" aria-label="Check before replying">
            {deal.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }

  const busy = state.kind === "checking" || state.kind === "capturing";
  const pill = (label: string, newDeal: boolean, quiet?: boolean) => (
    <button
      type="button"
      class={quiet ? "pill quiet" : "pill"}
      disabled={busy || state.kind === "queued"}
      aria-busy={busy}
      onClick={() => onCapture(newDeal)}
    >
      {label}
    </button>
  );
  return (
    <div class="capture">
      {state.kind === "thread" ? (
        <>
          {pill("Add to deal", false)}
          {pill("New deal", true, true)}
        </>
      ) : (
        pill(
          state.kind === "capturing"
            ? "Capturing…"
            : state.kind === "queued"
              ? "Queued — sends when online"
              : "Capture sponsor",
          false,
        )
      )}
      {state.kind === "problem" ? (
        <span class="problem" role="status">
          {state.message}
        </span>
      ) : null}
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
    const reported = new WeakSet<object>();
    /** Until Gmail's views exist the body is watched, for this long at most (then a miss). */
    let bodyWatch: number | undefined;
    let observer: MutationObserver | null = null;
    let observed: Element | null = null;
    let frame = 0;

    /** One count per message (or per page, for the main view) of what Gmail no longer had. */
    const report = (key: object, parts: string[]) => {
      if (reported.has(key)) return;
      reported.add(key);
      void ask("selectorMiss", { parts }).catch(() => undefined);
    };

    const removeAll = () => {
      for (const entry of shown.values()) entry.remove();
      shown.clear();
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
      const conversation = gmailThreadFromHash(url) !== null;
      const main = conversation ? mainView(document) : null;
      // The views' container: Gmail renders a conversation after its hash changes, as a new
      // view beside the list it hides, so watching the list alone would miss it. Without any
      // view yet (Gmail still loading), the body — for a while only.
      watch(conversation ? (main?.parentElement ?? document.body) : null);
      if (main || !conversation) {
        clearTimeout(bodyWatch);
        bodyWatch = undefined;
      } else if (bodyWatch === undefined) {
        bodyWatch = ctx.setTimeout(() => {
          if (observed !== document.body) return;
          watch(null);
          report(document, ["main"]);
        }, MAIN_VIEW_WAIT_MS);
      }
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
        // Nothing of the message is read here: only whether it has what a capture needs.
        const check = checkMessage(message, document);
        // A reply just sent has no id yet: wait for it (the observer sees it arrive).
        if (check.waiting) continue;
        const anchor = actionArea(message);
        if (!check.messageId || check.missing.length > 0 || !anchor) {
          report(message, check.missing);
          continue;
        }
        void mount(message, check.messageId, anchor);
      }
    };

    const scheduleScan = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        scan();
      });
    };

    /** Observes only `root` (Gmail's views, or the body until they exist); none without one. */
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
        attributeFilter: ["data-legacy-message-id", "data-message-id", "class", "style"],
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
    // Gmail moves between views by the hash; the observer sees the rest.
    ctx.addEventListener(window, "hashchange", scheduleScan);
    scan();
  },
};
