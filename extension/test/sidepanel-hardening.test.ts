import { act, createElement } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { messaging } from "../lib/protocol";
import { App } from "../sidepanel/App";
import { gmailReplyUrl, gmailThreadUrl } from "../sidepanel/gmail-reply";
import { SnoozeMenu } from "../sidepanel/SnoozeMenu";
import { dealOf, type FakeCrm, followupOf, serveCrm } from "./fake-crm";
import { button, buttonStarting, press, tab } from "./panel-dom";

/** The side panel, where a breaking pass found it weak:'s deal view, follow-ups and snooze menu (Los Angeles time). */
const zone = process.env.TZ;
process.env.TZ = "America/Los_Angeles";
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});
const NOW = "2026-11-10T18:00:00.000Z"; // Tuesday 10:00 PST

let root: Root;
let crm: FakeCrm;

beforeEach(() => {
  vi.setSystemTime(new Date(NOW));
  fakeBrowser.reset();
  crm = serveCrm({
    deals: [
      dealOf("deal_acme", "Acme × Maya — launch video", {
        source: "email",
        sourceMessageId: "18c2f0a1b2c3d4e6",
        sourceThreadId: "18c2f0a1b2c3d4e5",
      }),
    ],
    activities: {
      deal_acme: [
        {
          id: "act_1",
          dealId: "deal_acme",
          kind: "email_captured",
          body: "Email captured: Launch video",
          // Captured from the creator's second signed-in Gmail account (/mail/u/1/).
          metadata: {
            messageId: "18c2f0a1b2c3d4e6",
            threadId: "18c2f0a1b2c3d4e5",
            threadUrl: "https://mail.google.com/mail/u/1/#all/18c2f0a1b2c3d4e5",
          },
          actorId: "usr_1",
          createdAt: "2026-11-01T10:00:00.000Z",
        },
      ],
    },
    followups: [
      followupOf("fu_1", "2026-11-10T17:00:00.000Z", {
        subject: "Any news?",
        threadId: "18c2f0a1b2c3d4e5",
      }),
    ],
  });
  document.body.innerHTML = '<div id="root"></div>';
  root = createRoot(document.getElementById("root") as HTMLElement);
});

afterEach(async () => {
  root.unmount();
  await new Promise((resolve) => setTimeout(resolve, 10));
  messaging.removeAllListeners();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

async function openAcme() {
  root.render(createElement(App));
  await vi.waitFor(() => expect(tab("Deals")).toBeDefined());
  tab("Deals")?.click();
  await vi.waitFor(() => expect(button("Acme × Maya — launch video")).toBeDefined());
  button("Acme × Maya — launch video")?.click();
  await vi.waitFor(() =>
    expect(document.querySelector("h2.detail-title")?.textContent).toBe(
      "Acme × Maya — launch video",
    ),
  );
  await vi.waitFor(() => expect(button("Snooze")).toBeDefined());
}

const dealOpen = () => document.querySelector("h2.detail-title") !== null;

describe("a follow-up's snooze inside a deal", () => {
  // Snooze opens the choices and keeps focus on its own button (aria-expanded). Escape there is
  // the natural way to close them — but it reaches the deal view's document handler, which
  // leaves the deal for the list.
  it("closes the snooze choices on Escape from the Snooze button, and stays on the deal", async () => {
    await openAcme();
    const snooze = button("Snooze");
    snooze?.focus();
    snooze?.click();
    await vi.waitFor(() => expect(document.querySelector("fieldset.snooze-menu")).not.toBeNull());
    press(document.activeElement, "Escape");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(dealOpen()).toBe(true);
    expect(document.querySelector("fieldset.snooze-menu")).toBeNull();
  });

  // In the follow-ups view a snoozed card takes focus; in the deal view the chosen button is
  // removed with the menu and focus falls to the page.
  it("keeps focus in the follow-up after a snooze", async () => {
    await openAcme();
    button("Snooze")?.click();
    await vi.waitFor(() => expect(buttonStarting("Tomorrow")).toBeDefined());
    const tomorrow = buttonStarting("Tomorrow");
    tomorrow?.focus();
    tomorrow?.click();
    await vi.waitFor(() => expect(crm.callsOf("updateFollowup")).toHaveLength(1));
    await vi.waitFor(() => expect(document.querySelector("fieldset.snooze-menu")).toBeNull());
    expect(document.activeElement).not.toBe(document.body);
    expect(document.activeElement?.closest("article.followup, .card")).not.toBeNull();
  });
});

describe("the snooze menu's times", () => {
  // The menu takes "now" once, when it opens; left open (the panel stays open all day) and
  // clicked hours later, "Later today" sends a time that has already passed: the follow-up is
  // snoozed into the past and is due again at once.
  it("never snoozes to a time already past, however long the menu stayed open", async () => {
    const chosen: Date[] = [];
    await act(async () => {
      root.render(
        createElement(SnoozeMenu, {
          id: "menu",
          dueAt: "2026-11-10T17:00:00.000Z",
          busy: false,
          onSnooze: (at: Date) => chosen.push(at),
          onClose: () => undefined,
        }),
      );
    });
    // Four hours later: 14:00 PST.
    vi.setSystemTime(new Date("2026-11-10T22:00:00.000Z"));
    await act(async () => buttonStarting("Later today")?.click());
    expect(chosen).toHaveLength(1);
    expect(chosen[0]?.getTime()).toBeGreaterThan(Date.now());
  });
});

describe("Gmail links built from the API's data", () => {
  // Pinned: whatever a thread id, address, subject or body holds, the link stays a Gmail page
  // and every value stays inside its own parameter (no CRLF, no extra parameter, no scheme).
  it("always open mail.google.com, each value in its own place", () => {
    const thread = new URL(gmailThreadUrl("../../x?y=1#z/javascript:alert(1)"));
    expect(thread.origin).toBe("https://mail.google.com");
    expect(thread.pathname).toBe("/mail/u/0/");
    const compose = new URL(
      gmailReplyUrl({
        threadId: null,
        to: { email: "javascript:alert(1)&bcc=spy@evil.example" },
        subject: "Hi\r\nBcc: spy@evil.example",
        body: "a&su=other#frag",
      } as never),
    );
    expect(compose.origin).toBe("https://mail.google.com");
    expect([...compose.searchParams.keys()]).toEqual(["view", "fs", "to", "su", "body"]);
    expect(compose.searchParams.get("to")).toBe("javascript:alert(1)&bcc=spy@evil.example");
    expect(compose.searchParams.get("su")).toBe("Hi\r\nBcc: spy@evil.example");
    expect(compose.searchParams.get("body")).toBe("a&su=other#frag");
    expect(compose.hash).toBe("");
  });
});

describe("Gmail links of a captured deal", () => {
  it("open the conversation in the mailbox it was captured from, and only on Gmail", () => {
    const captured = "https://mail.google.com/mail/u/1/#inbox/FMfcgzQXJWDsKcVqNrTbwnlHCBHmzQpv";
    expect(gmailThreadUrl("18c2f0a1b2c3d4e5", captured)).toBe(
      "https://mail.google.com/mail/u/1/#all/18c2f0a1b2c3d4e5",
    );
    expect(
      gmailReplyUrl({
        threadId: "18c2f0a1b2c3d4e5",
        threadUrl: captured,
        to: null,
        subject: "S",
        body: "B",
      }),
    ).toBe("https://mail.google.com/mail/u/1/#all/18c2f0a1b2c3d4e5");
    // Anything else is not taken: the first account.
    for (const other of [
      "https://evil.example/mail/u/1/#all/x",
      "https://mail.google.com/mail/u/1/../../x/",
      "javascript:alert(1)",
      null,
    ]) {
      expect(gmailThreadUrl("18c2f0a1b2c3d4e5", other)).toBe(
        "https://mail.google.com/mail/u/0/#all/18c2f0a1b2c3d4e5",
      );
    }
  });
});
