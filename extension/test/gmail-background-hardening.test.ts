import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { captureEmailSchema } from "../../shared/crm";
import { refreshBadge } from "../lib/badge";
import {
  captureEmailOf,
  dateFromMessageId,
  type GmailMessage,
  parseGmailDate,
} from "../lib/gmail-message";
import { HANDLER_DOMAINS } from "../lib/handlers";
import { answer, type Handler } from "../lib/handlers/define";
import { type Asked, messaging } from "../lib/protocol";
import type { Sender } from "../lib/senders";
import {
  lastEmailCaptureItem,
  panelDealFocusItem,
  sessionItem,
  workspaceIdItem,
} from "../lib/storage";

/** The background's Gmail handling where a breaking pass found it weak: what it sends, keeps and counts. */

const self = { runtimeId: "ours", pagesBase: "chrome-extension://ours/" };
const panelPage: Sender = { id: "ours", url: "chrome-extension://ours/sidepanel.html" };
const conversation = "https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWDsKcVqNrTbwnlHCBHmzQpv";
const gmailTab: Sender = {
  id: "ours",
  url: "https://mail.google.com/mail/u/0/",
  tab: { id: 5, url: conversation },
  frameId: 0,
};

function handlerOf<K extends Asked>(type: K): Handler<K> {
  const owners = HANDLER_DOMAINS.flatMap((domain) => domain.handlers[type] ?? []);
  if (owners.length !== 1) throw new Error(`${type} has ${owners.length} handlers`);
  return owners[0] as Handler<K>;
}

const session = (id: string) => ({
  token: `tok_${id}`,
  expiresAt: "2099-01-01T00:00:00.000Z",
  user: { id, email: `${id}@example.com`, name: id },
});

const message = (changes: Partial<GmailMessage> = {}): GmailMessage => ({
  messageId: "18c5a2b3c4d5e6f7",
  threadId: "18c5a2b3c4d5e6f0",
  threadUrl: "https://mail.google.com/mail/u/0/#all/18c5a2b3c4d5e6f0",
  subject: "Sponsorship",
  from: { name: "Jane", email: "jane@northwindaudio.com" },
  to: [{ email: "sam@creator.example" }],
  dateTitle: "Mon, Nov 30, 2026, 9:00 AM",
  bodyText: "Our budget is $2,500.",
  ...changes,
});

beforeEach(() => {
  fakeBrowser.reset();
});
afterEach(() => {
  messaging.removeAllListeners();
  vi.restoreAllMocks();
});

describe("what a Gmail capture sends", () => {
  // captureEmailOf's contract: "nothing is queued that the API would refuse". A sponsor email an
  // agency sent To/Cc a long list of creators shows every one of them in Gmail's header.
  it("never builds a body the API's schema refuses (an email to 150 people)", () => {
    const to = Array.from({ length: 150 }, (_, i) => ({ email: `creator${i}@example.com` }));
    const body = captureEmailOf(message({ to }));
    expect(captureEmailSchema.safeParse(body).success).toBe(true);
  });

  it("never builds a body the API's schema refuses (a sender's long display name)", () => {
    const body = captureEmailOf(
      message({ from: { name: "Northwind Audio ".repeat(20), email: "jane@northwindaudio.com" } }),
    );
    expect(captureEmailSchema.safeParse(body).success).toBe(true);
  });

  // Gmail writes the date title in the account's display language: a title the parser does not
  // read gives the instant from the message id (its high bits are milliseconds since 1970).
  it.each([
    ["German", "Mo., 30. Nov. 2026, 09:00"],
    ["French", "lun. 30 nov. 2026, 09:00"],
    ["Spanish", "lun, 30 nov 2026, 9:00"],
  ])("captures from a %s Gmail, its time read from the message id", (_language, title) => {
    expect(parseGmailDate(title)).toBeNull();
    const body = captureEmailOf(message({ dateTitle: title }));
    const expected = new Date(Number(BigInt("0x18c5a2b3c4d5e6f7") >> 20n)).toISOString();
    expect(body.date).toBe(expected);
    expect(dateFromMessageId("18c5a2b3c4d5e6f7", new Date())).toBe(expected);
  });
});

describe("selector misses", () => {
  // A conversation of three messages after Gmail changed reports three misses at once.
  it("counts every report when several arrive together", async () => {
    const miss = handlerOf("selectorMiss");
    await Promise.all([
      answer(miss, { parts: ["sender"] }, gmailTab, self),
      answer(miss, { parts: ["sender"] }, gmailTab, self),
      answer(miss, { parts: ["sender"] }, gmailTab, self),
    ]);
    await expect(answer(handlerOf("selectorMisses"), undefined, panelPage, self)).resolves.toEqual({
      ok: true,
      value: { sender: 3 },
    });
  });
});

describe("the last Gmail capture", () => {
  // The deals view shows it at the top ("Last captured in Gmail": the deal's title, amount and
  // deadline). It belongs to one account's workspace.
  it("is forgotten when its account signs out", async () => {
    await sessionItem.setValue(session("usr_a"));
    await workspaceIdItem.setValue("ws_a");
    await lastEmailCaptureItem.setValue({
      kind: "sponsorEmail",
      id: "deal_secret",
      title: "Acme × Maya — $40,000 launch",
      subject: "gmail:18c5a2b3c4d5e6f7",
      facts: ["$40,000"],
    });
    vi.spyOn(globalThis, "fetch").mockResolvedValue(
      new Response(JSON.stringify({ success: true, data: { ok: true } }), {
        headers: { "content-type": "application/json" },
      }),
    );
    await answer(handlerOf("signOut"), undefined, panelPage, self);
    expect(await sessionItem.getValue()).toBeNull();
    expect(await lastEmailCaptureItem.getValue()).toBeNull();
  });
});

describe("the badge", () => {
  function followups(count: number) {
    return new Response(
      JSON.stringify({
        success: true,
        data: {
          items: Array.from({ length: count }, (_, i) => ({ id: `fu_${i}` })),
          nextCursor: null,
        },
      }),
      { status: 200, headers: { "content-type": "application/json" } },
    );
  }

  // Workspace A had 7 due today; the creator switches to workspace B and B's count cannot be
  // read (offline). The badge keeps saying 7, which is A's count, shown as B's.
  it("does not keep another workspace's count after a switch it could not read", async () => {
    let text: string | undefined;
    const action = fakeBrowser.action as unknown as Record<string, unknown>;
    action.setBadgeText = vi.fn(async ({ text: next }: { text: string }) => {
      text = next;
    });
    action.setBadgeBackgroundColor = vi.fn(async () => undefined);
    await sessionItem.setValue(session("usr_a"));
    await workspaceIdItem.setValue("ws_a");
    const fetch = vi.spyOn(globalThis, "fetch").mockResolvedValue(followups(7));
    await refreshBadge();
    expect(text).toBe("7");

    await workspaceIdItem.setValue("ws_b");
    fetch.mockRejectedValue(new TypeError("Failed to fetch"));
    await refreshBadge();
    expect(text).not.toBe("7");
  });
});

describe("a deal id from a Gmail tab", () => {
  // "Open in side panel" carries the deal's id from the page; the background stores it for the
  // panel unchecked, and the panel's calls put it into the path as written (Hono's client does
  // not encode path parameters). Chrome's guidance: treat what a content script sends as
  // untrusted. An id is at most 64 characters with no "/".
  it("is refused unless it looks like an id", async () => {
    const dealId = "x/../../followups/fu_1";
    // A side panel to open (WXT's fake browser has none).
    Object.defineProperty(fakeBrowser, "sidePanel", {
      configurable: true,
      value: { open: vi.fn(async () => undefined) },
    });
    // The check of this test: a well-formed id goes through.
    await expect(
      answer(
        handlerOf("openDeal"),
        { messageId: "18c5a2b3c4d5e6f7", dealId: "deal_1" },
        gmailTab,
        self,
      ),
    ).resolves.toEqual({ ok: true, value: undefined });
    await panelDealFocusItem.setValue(null);
    const opened = await answer(
      handlerOf("openDeal"),
      { messageId: "18c5a2b3c4d5e6f7", dealId },
      gmailTab,
      self,
    );
    expect(opened).toMatchObject({ ok: false });
    expect(await panelDealFocusItem.getValue()).toBeNull();
  });

  it("never leaves /api/deals/ when the panel opens it", async () => {
    await sessionItem.setValue(session("usr_a"));
    await workspaceIdItem.setValue("ws_a");
    const asked: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      asked.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return new Response(JSON.stringify({ success: true, data: {} }), {
        headers: { "content-type": "application/json" },
      });
    });
    const refused = await answer(handlerOf("getDeal"), "x/../../followups/fu_1", panelPage, self);
    expect(refused).toMatchObject({ ok: false, error: { code: "VALIDATION_ERROR" } });
    expect(asked).toEqual([]);
  });
});
