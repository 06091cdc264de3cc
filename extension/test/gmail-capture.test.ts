// @vitest-environment-options {"happyDOM":{"url":"https://mail.google.com/mail/u/0/"}}
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { ContentScriptContext } from "wxt/utils/content-script-context";
import { CAPTURE_HOST, gmailCapture } from "../features/gmail-capture";
import type { GmailMessage } from "../lib/gmail-message";
import { type EmailState, messaging } from "../lib/protocol";
import { wcagViolations } from "./axe";
import { routeMessages } from "./fake-messaging";
import conversationHtml from "./fixtures/gmail-conversation.html?raw";
import singleHtml from "./fixtures/gmail-single.html?raw";
import workspaceHtml from "./fixtures/gmail-workspace.html?raw";

/**
 * The Gmail button in a fake DOM at Gmail's address, with a stand-in background: one button per
 * open message, beside Gmail's own controls; hash navigation replaces them; a message already
 * captured says "In pipeline ✓"; a message of a conversation with a deal offers "Add to deal"
 * or "New deal"; a reply without its id yet gets its button once Gmail fills the id in; when
 * Gmail changed and a part is missing, no button and one miss report.
 */
const CONVERSATION = "#inbox/FMfcgzQXJWDsKcVqNrTbwnlHCBHmzQpv";

function load(html: string) {
  document.documentElement.innerHTML = new DOMParser().parseFromString(
    html,
    "text/html",
  ).documentElement.innerHTML;
}

const hosts = () => [...document.querySelectorAll(CAPTURE_HOST)];
const buttonsOf = (host: Element) => [...(host.shadowRoot?.querySelectorAll("button") ?? [])];
const labels = () =>
  hosts().map((host) =>
    buttonsOf(host)
      .map((button) => button.textContent?.replace(/^[+$]/, "").trim())
      .join(" | "),
  );
const textOf = (host: Element | undefined) => host?.shadowRoot?.textContent ?? "";

let captured: Map<string, { id: string; title: string }>;
let threadDeals: Map<string, { id: string; title: string }>;
let sent: GmailMessage[];
let misses: string[][];
let ctx: ContentScriptContext;

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response(":host{}"));
  captured = new Map();
  threadDeals = new Map();
  sent = [];
  misses = [];
  routeMessages();
  messaging.onMessage("emailState", ({ data }) => {
    const value: EmailState = {
      signedIn: true,
      deal: captured.get(data.messageId) ?? null,
      threadDeal: (data.threadId && threadDeals.get(data.threadId)) || null,
      queued: false,
    };
    return { ok: true, value };
  });
  messaging.onMessage("captureEmail", ({ data }) => {
    sent.push(data);
    const existing = captured.get(data.messageId);
    const deal = existing ?? { id: `deal_${sent.length}`, title: data.subject };
    captured.set(data.messageId, deal);
    return {
      ok: true,
      value: {
        state: "saved",
        result: {
          kind: "sponsorEmail",
          ...deal,
          subject: `gmail:${data.messageId}`,
          facts: ["$2,500", "by Jan 15"],
          warnings: ["The email asks for bank details: confirm the sender first."],
          existing: existing !== undefined,
        },
      },
    };
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

describe("Capture sponsor in Gmail", () => {
  it("puts one button beside Gmail's controls of the open message and captures that message", async () => {
    load(singleHtml);
    gmailCapture.start(ctx);
    await vi.waitFor(() => expect(labels()).toEqual(["Capture sponsor"]));
    const host = hosts()[0] as Element;
    expect(host.closest("td.acX, td.gH, table.cf.gJ, div.gE")).not.toBeNull();
    expect(await wcagViolations(host)).toEqual([]);

    buttonsOf(host)[0]?.click();
    await vi.waitFor(() => expect(textOf(hosts()[0])).toContain("Deal created ✓"));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ newDeal: false, bodyText: expect.any(String) });
    expect(sent[0]?.messageId).toMatch(/^[0-9a-f]{16}$/);
    const text = textOf(hosts()[0]);
    expect(text).toContain("$2,500 · by Jan 15");
    expect(text).toContain("confirm the sender first");
    expect(labels()).toEqual(["Open in side panel"]);
    expect(await wcagViolations(hosts()[0] as Element)).toEqual([]);
  });

  it("shows In pipeline ✓ for a message captured before, without sending it again", async () => {
    load(singleHtml);
    gmailCapture.start(ctx);
    await vi.waitFor(() => expect(labels()).toEqual(["Capture sponsor"]));
    const messageId = (await firstCapture()).messageId;
    ctx.abort();
    for (const host of hosts()) host.remove();

    ctx = new ContentScriptContext("gmail");
    gmailCapture.start(ctx);
    await vi.waitFor(() => expect(textOf(hosts()[0])).toContain("In pipeline ✓"));
    expect(captured.has(messageId)).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it("gives each open message of a conversation its own button, and offers Add to deal / New deal", async () => {
    load(conversationHtml);
    const threadId = document.querySelector("h2.hP")?.getAttribute("data-legacy-thread-id") ?? "";
    threadDeals.set(threadId, { id: "deal_thread", title: "Brightline Tripods" });
    gmailCapture.start(ctx);
    await vi.waitFor(() =>
      expect(labels()).toEqual(["Add to deal | New deal", "Add to deal | New deal"]),
    );
    // The collapsed message has none.
    expect(document.querySelector("div.kv")?.querySelector(CAPTURE_HOST)).toBeNull();

    buttonsOf(hosts()[1] as Element)[1]?.click();
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]?.newDeal).toBe(true);
    // The second open message's own id, not the first's.
    const second = document.querySelectorAll("div.adn")[1];
    expect(sent[0]?.messageId).toBe(second?.getAttribute("data-legacy-message-id"));
  });

  it("follows Gmail's navigation: new buttons for the new conversation, none left behind or on a list", async () => {
    load(singleHtml);
    gmailCapture.start(ctx);
    await vi.waitFor(() => expect(hosts()).toHaveLength(1));

    // Gmail swaps the main view's content and moves the hash to another conversation.
    load(conversationHtml);
    history.replaceState({}, "", "/mail/u/0/#inbox/FMfcgzQXJWDsKcVqNrTbwnlHCBHmzQpw");
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    await vi.waitFor(() => expect(hosts()).toHaveLength(2));
    const ids = hosts().map((host) =>
      host.closest("div.adn")?.getAttribute("data-legacy-message-id"),
    );
    expect(new Set(ids).size).toBe(2);

    // Collapsing a message (Gmail keeps its element) takes its button away; the other stays.
    const [first, second] = document.querySelectorAll("div.adn");
    second?.setAttribute("class", "kv");
    await vi.waitFor(() => expect(hosts()).toHaveLength(1));
    expect(hosts()[0]?.closest("div.adn")).toBe(first);

    // Back to the inbox list: no conversation, no buttons.
    history.replaceState({}, "", "/mail/u/0/#inbox");
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    await vi.waitFor(() => expect(hosts()).toHaveLength(0));
  });

  it("gives the button to a conversation Gmail renders after its hash changed (opened from the list)", async () => {
    load(singleHtml);
    // The inbox: the list shown, no conversation view yet.
    const [list, conversation] = [...document.querySelectorAll('[role="main"]')];
    const views = conversation?.parentElement;
    conversation?.remove();
    list?.setAttribute("style", "");
    history.replaceState({}, "", "/mail/u/0/#inbox");
    gmailCapture.start(ctx);

    // A row is clicked: the hash moves first, the conversation arrives a moment later.
    history.replaceState({}, "", `/mail/u/0/${CONVERSATION}`);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(hosts()).toHaveLength(0);
    list?.setAttribute("style", "display:none");
    if (conversation) views?.append(conversation);
    await vi.waitFor(() => expect(labels()).toEqual(["Capture sponsor"]));
  });

  it("waits for the id of a reply just sent, then gives it a button", async () => {
    load(workspaceHtml);
    gmailCapture.start(ctx);
    await vi.waitFor(() => expect(hosts().length).toBeGreaterThan(0));
    const before = hosts().length;
    const waiting = document.querySelector('[data-message-id^="#msg-a:"]');
    expect(waiting).not.toBeNull();
    waiting?.setAttribute("data-message-id", "#msg-f:1791400011122233344");
    await vi.waitFor(() => expect(hosts()).toHaveLength(before + 1));
    expect(misses).toEqual([]);
  });

  it("shows no button and reports the miss once when Gmail changed the page", async () => {
    load(singleHtml);
    for (const sender of document.querySelectorAll(
      "span.gD, h3.iw span[email], div.gE span[email]",
    )) {
      sender.removeAttribute("email");
    }
    gmailCapture.start(ctx);
    await vi.waitFor(() => expect(misses).toEqual([["sender"]]));
    // More of Gmail's own mutations do not report it again.
    document.querySelector("div.adn")?.setAttribute("class", "adn ads h7");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hosts()).toHaveLength(0);
    expect(misses).toHaveLength(1);
  });
});

async function firstCapture() {
  buttonsOf(hosts()[0] as Element)[0]?.click();
  await vi.waitFor(() => expect(sent).toHaveLength(1));
  return sent[0] as GmailMessage;
}
