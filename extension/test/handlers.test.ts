import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import type { CreateContentInput } from "../../shared/content";
import { ask } from "../lib/ask";
import { ExtensionError } from "../lib/errors";
import { ANSWERED, HANDLER_DOMAINS, registerHandlers } from "../lib/handlers";
import { answer, type Handler, REFUSED } from "../lib/handlers/define";
import { type Asked, messaging } from "../lib/protocol";
import type { Sender } from "../lib/senders";
import { SITES } from "../lib/sites";
import { routeMessages } from "./fake-messaging";

/**
 * The background's message handlers: one registry of domains, every protocol message answered
 * by exactly one handler, and each handler's sender check — panel messages from our pages only,
 * page messages from the top frame of a tab of their site, about what that tab shows.
 */
const self = { runtimeId: "ours", pagesBase: "chrome-extension://ours/" };
const VIDEO = "dQw4w9WgXcQ";
const watch = `https://www.youtube.com/watch?v=${VIDEO}`;
const video: CreateContentInput = {
  title: "How I Edit a Video in One Take",
  source: { kind: "youtube", videoId: VIDEO, url: watch },
};

const youtubeTab: Sender = { id: "ours", url: watch, tab: { id: 3, url: watch }, frameId: 0 };
const panelPage: Sender = { id: "ours", url: "chrome-extension://ours/sidepanel.html" };

function handlerOf<K extends Asked>(type: K): Handler<K> {
  const owners = HANDLER_DOMAINS.flatMap((domain) => domain.handlers[type] ?? []);
  if (owners.length !== 1) throw new Error(`${type} has ${owners.length} handlers`);
  return owners[0] as Handler<K>;
}

beforeEach(() => {
  fakeBrowser.reset();
});
afterEach(() => {
  messaging.removeAllListeners();
  vi.restoreAllMocks();
});

describe("handler registry", () => {
  it("answers every protocol message with exactly one handler, in one domain", () => {
    const owners = new Map<string, string[]>();
    for (const domain of HANDLER_DOMAINS) {
      for (const type of Object.keys(domain.handlers)) {
        owners.set(type, [...(owners.get(type) ?? []), domain.name]);
      }
    }
    expect([...owners.keys()].sort()).toEqual([...ANSWERED].sort());
    for (const [type, domains] of owners) expect(domains, type).toHaveLength(1);
    // What the background sends to tabs is no handler's.
    expect(owners.has("captureLanded")).toBe(false);
    expect(HANDLER_DOMAINS.map((domain) => domain.name)).toEqual([
      "account",
      "captures",
      "content",
      "deals",
    ]);
  });

  it("registers every handler once, each behind its sender check", async () => {
    routeMessages();
    registerHandlers();
    // The fake messaging delivers without a sender: neither our page nor a site's tab.
    await expect(ask("session")).rejects.toMatchObject({ code: "BAD_SENDER" });
    // A second registration of the same messages is refused by the messaging layer itself.
    expect(() => registerHandlers()).toThrow(/only one listener/);
  });

  it("names only sites it knows for page messages", () => {
    for (const domain of HANDLER_DOMAINS) {
      for (const handler of Object.values(domain.handlers)) {
        if (handler?.from === "page") expect(Object.keys(SITES)).toContain(handler.site);
      }
    }
  });
});

describe("sender checks", () => {
  it("refuses a page message from another site, even from a top frame of our own script", () => {
    for (const url of [
      "https://mail.google.com/mail/u/0/#inbox/FMfcgzQZTVrKLtwqv",
      "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
      "https://example.com/watch?v=dQw4w9WgXcQ",
    ]) {
      const sender = { ...youtubeTab, url, tab: { id: 3, url } };
      expect(answer(handlerOf("saveVideo"), video, sender, self)).toEqual(REFUSED);
      expect(answer(handlerOf("videoState"), VIDEO, sender, self)).toEqual(REFUSED);
    }
  });

  it("refuses a page message about something its tab does not show, or from a frame", () => {
    const elsewhere = {
      ...youtubeTab,
      tab: { id: 3, url: "https://www.youtube.com/watch?v=otherVideo1" },
    };
    expect(answer(handlerOf("saveVideo"), video, elsewhere, self)).toEqual(REFUSED);
    expect(answer(handlerOf("repurposeVideo"), video, elsewhere, self)).toEqual(REFUSED);
    expect(answer(handlerOf("saveVideo"), video, { ...youtubeTab, frameId: 4 }, self)).toEqual(
      REFUSED,
    );
    expect(answer(handlerOf("saveVideo"), video, { ...youtubeTab, id: "other" }, self)).toEqual(
      REFUSED,
    );
    // Our own pages do not send page messages.
    expect(answer(handlerOf("saveVideo"), video, panelPage, self)).toEqual(REFUSED);
  });

  it("refuses a page message that names no video (or cannot be read), whatever its tab shows", () => {
    for (const body of [
      { title: "No source at all" },
      { title: "A web page", source: { kind: "web", url: watch } },
      { title: "A video without its id", source: { kind: "youtube", url: watch } },
      null,
    ]) {
      expect(answer(handlerOf("saveVideo"), body as never, youtubeTab, self)).toEqual(REFUSED);
      expect(answer(handlerOf("repurposeVideo"), body as never, youtubeTab, self)).toEqual(REFUSED);
    }
    expect(answer(handlerOf("videoState"), "", youtubeTab, self)).toEqual(REFUSED);
  });

  it("refuses panel messages from a site's tab", () => {
    expect(answer(handlerOf("listContent"), {}, youtubeTab, self)).toEqual(REFUSED);
    expect(answer(handlerOf("signOut"), undefined, youtubeTab, self)).toEqual(REFUSED);
    expect(answer(handlerOf("captureIdea"), { title: "x" }, youtubeTab, self)).toEqual(REFUSED);
  });

  it("lets the tab showing the video save it, and our pages ask for the session", async () => {
    // Not signed in: the handler ran and answered why it could not save.
    await expect(answer(handlerOf("saveVideo"), video, youtubeTab, self)).resolves.toMatchObject({
      ok: false,
      error: { code: "SIGNED_OUT" },
    });
    await expect(answer(handlerOf("videoState"), VIDEO, youtubeTab, self)).resolves.toEqual({
      ok: true,
      value: { signedIn: false, itemId: null, queued: false },
    });
    await expect(answer(handlerOf("session"), undefined, panelPage, self)).resolves.toMatchObject({
      ok: true,
      value: { user: null },
    });
  });

  it("keeps an error's code across the boundary", async () => {
    const failing: Handler<"usage"> = {
      from: "panel",
      handle: () => Promise.reject(new ExtensionError("QUOTA_EXCEEDED", "Out of credits", 402)),
    };
    await expect(answer(failing, undefined, panelPage, self)).resolves.toEqual({
      ok: false,
      error: { code: "QUOTA_EXCEEDED", message: "Out of credits", status: 402 },
    });
  });
});

describe("Gmail's page messages", () => {
  const conversation = "https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWDsKcVqNrTbwnlHCBHmzQpv";
  const gmailTab: Sender = {
    id: "ours",
    url: "https://mail.google.com/mail/u/0/",
    tab: { id: 5, url: conversation },
    frameId: 0,
  };
  const about = { messageId: "18c5a2b3c4d5e6f7", threadId: "18c5a2b3c4d5e6f0" };
  const email = {
    messageId: about.messageId,
    threadId: about.threadId,
    subject: "Sponsorship",
    from: { email: "jane@northwindaudio.com" },
    to: [{ email: "sam@creator.example" }],
    dateTitle: "Mon, Nov 30, 2026, 9:00 AM",
    bodyText: "Our budget is $2,500.",
  };

  it("are accepted only from a Gmail tab with a conversation open", async () => {
    await expect(answer(handlerOf("emailState"), about, gmailTab, self)).resolves.toEqual({
      ok: true,
      value: { signedIn: false, deal: null, threadDeal: null, queued: false },
    });
    const inbox = { ...gmailTab, tab: { id: 5, url: "https://mail.google.com/mail/u/0/#inbox" } };
    expect(answer(handlerOf("emailState"), about, inbox, self)).toEqual(REFUSED);
    expect(answer(handlerOf("captureEmail"), email, youtubeTab, self)).toEqual(REFUSED);
    expect(answer(handlerOf("openDeal"), { ...about, dealId: "deal_1" }, panelPage, self)).toEqual(
      REFUSED,
    );
    expect(answer(handlerOf("captureEmail"), email, { ...gmailTab, frameId: 3 }, self)).toEqual(
      REFUSED,
    );
    // Without a message id there is nothing the tab can be said to show.
    expect(
      answer(
        handlerOf("captureEmail"),
        { ...email, messageId: undefined } as never,
        gmailTab,
        self,
      ),
    ).toEqual(REFUSED);
    // The deals panel's messages come from our pages only.
    expect(answer(handlerOf("listFollowups"), {}, gmailTab, self)).toEqual(REFUSED);
  });

  it("count selector misses by part, ignoring parts they do not know", async () => {
    await answer(
      handlerOf("selectorMiss"),
      { parts: ["subject", "body", "subject"] },
      gmailTab,
      self,
    );
    await answer(handlerOf("selectorMiss"), { parts: ["subject", "<script>"] }, gmailTab, self);
    await expect(answer(handlerOf("selectorMisses"), undefined, panelPage, self)).resolves.toEqual({
      ok: true,
      value: { subject: 2, body: 1 },
    });
  });
});
