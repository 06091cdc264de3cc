// @vitest-environment-options {"happyDOM":{"url":"https://mail.google.com/mail/u/0/"}}
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { ContentScriptContext } from "wxt/utils/content-script-context";
import { CAPTURE_HOST, gmailCapture } from "../features/gmail-capture";
import { type EmailState, messaging } from "../lib/protocol";
import { routeMessages } from "./fake-messaging";
import conversationHtml from "./fixtures/gmail-conversation.html?raw";
import singleHtml from "./fixtures/gmail-single.html?raw";

/** The Gmail button in the page where a breaking pass found it weak: what it reads, what it leaves behind. */
const CONVERSATION = "#inbox/FMfcgzQXJWDsKcVqNrTbwnlHCBHmzQpv";

function load(html: string) {
  document.documentElement.innerHTML = new DOMParser().parseFromString(
    html,
    "text/html",
  ).documentElement.innerHTML;
}
const hosts = () => [...document.querySelectorAll(CAPTURE_HOST)];

let misses: string[][];
let ctx: ContentScriptContext;

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response(":host{}"));
  misses = [];
  routeMessages();
  messaging.onMessage("emailState", () => {
    const value: EmailState = { signedIn: true, deal: null, threadDeal: null, queued: false };
    return { ok: true, value };
  });
  messaging.onMessage("selectorMiss", ({ data }) => {
    misses.push(data.parts);
    return { ok: true, value: undefined };
  });
  history.replaceState({}, "", `/mail/u/0/${CONVERSATION}`);
  ctx = new ContentScriptContext("gmail");
});

afterEach(() => {
  ctx.abort();
  messaging.removeAllListeners();
  vi.restoreAllMocks();
});

describe("the Gmail button in the page", () => {
  // "On click it reads that message only": until a click, the button needs the message's id and
  // header, never the email's text. Today every open message's whole body is walked (bodyText)
  // as soon as its button is placed, for every message of the conversation.
  it("does not read any message's body before the creator clicks", async () => {
    load(conversationHtml);
    let walks = 0;
    for (const body of document.querySelectorAll("div.a3s")) {
      const children = body.childNodes;
      Object.defineProperty(body, "childNodes", {
        configurable: true,
        get() {
          walks += 1;
          return children;
        },
      });
    }
    gmailCapture.start(ctx);
    await vi.waitFor(() => expect(hosts()).toHaveLength(2));
    expect(walks).toBe(0);
  });

  it("does not walk a body again on Gmail's later mutations (a giant email stays cheap)", async () => {
    load(conversationHtml);
    let walks = 0;
    for (const body of document.querySelectorAll("div.a3s")) {
      const children = body.childNodes;
      Object.defineProperty(body, "childNodes", {
        configurable: true,
        get() {
          walks += 1;
          return children;
        },
      });
    }
    gmailCapture.start(ctx);
    await vi.waitFor(() => expect(hosts()).toHaveLength(2));
    const placed = walks;
    const header = document.querySelector("div.adn div.gE");
    for (let i = 0; i < 20; i++) {
      header?.setAttribute("class", i % 2 ? "gE iv gt" : "gE iv gt hover");
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(walks).toBe(placed);
  });

  it("leaves no button behind when the extension is reloaded (ctx invalidated)", async () => {
    load(singleHtml);
    gmailCapture.start(ctx);
    await vi.waitFor(() => expect(hosts()).toHaveLength(1));
    ctx.abort();
    expect(hosts()).toHaveLength(0);
    // …and nothing comes back on Gmail's later mutations or navigation.
    document.querySelector("div.adn")?.setAttribute("class", "adn ads h7");
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hosts()).toHaveLength(0);
  });

  it("keeps one button per open message over many hash changes back and forth", async () => {
    load(conversationHtml);
    gmailCapture.start(ctx);
    await vi.waitFor(() => expect(hosts()).toHaveLength(2));
    for (let i = 0; i < 25; i++) {
      history.replaceState(
        {},
        "",
        i % 2 ? `/mail/u/0/${CONVERSATION}` : "/mail/u/0/#inbox/FMfcgzQXJWDsKcVqNrTbwnlHCBHmzQpw",
      );
      window.dispatchEvent(new HashChangeEvent("hashchange"));
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hosts()).toHaveLength(2);
    for (const message of document.querySelectorAll("div.adn")) {
      expect(message.querySelectorAll(CAPTURE_HOST).length).toBeLessThanOrEqual(1);
    }
  });

  // When Gmail renames its main view, the feature cannot find the conversation: the button is
  // not shown (fine) but the miss is never counted, and the observer falls back to the whole
  // page (document.body, subtree, class and style attributes) for as long as a conversation
  // is open — the page-wide observer the issue rules out.
  it("reports a missing main view instead of watching the whole page for good", async () => {
    load(singleHtml);
    for (const view of document.querySelectorAll('[role="main"], div.aeF')) {
      view.removeAttribute("role");
      view.classList.remove("aeF");
    }
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const disconnect = vi.spyOn(MutationObserver.prototype, "disconnect");
      gmailCapture.start(ctx);
      expect(hosts()).toHaveLength(0);
      // Gmail may still be loading: its views are awaited for a while, then counted as missing.
      expect(misses).toEqual([]);
      vi.advanceTimersByTime(30_000);
      expect(disconnect).toHaveBeenCalled();
      await vi.waitFor(() => expect(misses).toEqual([["main"]]));
    } finally {
      vi.useRealTimers();
    }
  });
});
