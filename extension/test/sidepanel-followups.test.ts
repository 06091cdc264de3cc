import { createElement } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { messaging } from "../lib/protocol";
import { App } from "../sidepanel/App";
import { dealOf, type FakeCrm, followupOf, gate, serveCrm } from "./fake-crm";
import {
  all,
  button,
  buttonStarting,
  expectAccessible,
  labelled,
  nameOf,
  press,
  region,
  tab,
  text,
  type,
} from "./panel-dom";

/**
 * The follow-ups view in a fake DOM with a stand-in background (fake-crm.ts), in Los Angeles at
 * a fixed time: Tuesday 10 November 2026, 14:30 PST (22:30 UTC). Today there runs from
 * 08:00 UTC on the 10th to 08:00 UTC on the 11th, so a UTC reading of "today" would group
 * differently: the windows asked and the groups shown prove the browser's own day is used.
 */
const zone = process.env.TZ;
process.env.TZ = "America/Los_Angeles";
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});
const NOW = "2026-11-10T22:30:00.000Z";
const START_OF_TODAY = "2026-11-10T08:00:00.000Z";
const START_OF_TOMORROW = "2026-11-11T08:00:00.000Z";

let root: Root;
let crm: FakeCrm;
let clipboard: string[];

const followups = () => [
  // Monday 9:00 PST.
  followupOf("fu_over", "2026-11-09T17:00:00.000Z", {
    subject: "Any news on the launch video?",
    threadId: "18c2f0a1b2c3d4e5",
  }),
  // Monday 23:59 PST: the 10th in UTC, still yesterday here.
  followupOf("fu_edge", "2026-11-10T07:59:00.000Z", { subject: "Late-night check-in" }),
  // Midnight starting today: inside today's window (dueAfter is inclusive).
  followupOf("fu_midnight", START_OF_TODAY, {
    subject: "Q3 & launch?",
    body: "Hi Anna,\nAny news on #42?",
    to: { email: "anna+deals@acme.com" },
  }),
  // Tonight 23:30 PST: the 11th in UTC, still today here.
  followupOf("fu_tonight", "2026-11-11T07:30:00.000Z", { subject: "Tonight's reminder" }),
  // Thursday 9:00 PST.
  followupOf("fu_later", "2026-11-12T17:00:00.000Z", {
    subject: "Invoice reminder",
    dealId: "deal_nova",
  }),
];

beforeEach(() => {
  // Date alone is fixed (no fake timers: vi.waitFor would move them on).
  vi.setSystemTime(new Date(NOW));
  fakeBrowser.reset();
  crm = serveCrm({
    followups: followups(),
    deals: [
      dealOf("deal_acme", "Acme × Maya — launch video"),
      dealOf("deal_nova", "Nova Audio podcast read"),
    ],
  });
  clipboard = [];
  Object.defineProperty(navigator, "clipboard", {
    configurable: true,
    value: {
      writeText: vi.fn(async (copied: string) => {
        clipboard.push(copied);
      }),
    },
  });
  document.body.innerHTML = '<div id="root"></div>';
  root = createRoot(document.getElementById("root") as HTMLElement);
});

afterEach(async () => {
  root.unmount();
  // A request a view started as the test ended still reaches the stand-in, not the bare fake.
  await new Promise((resolve) => setTimeout(resolve, 10));
  messaging.removeAllListeners();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const group = (name: "Overdue" | "Due today" | "Upcoming") => region(name);
const subjects = (name: "Overdue" | "Due today" | "Upcoming") =>
  all("article h4", group(name)).map((heading) => heading.textContent);
/** A follow-up's card by its subject. */
const card = (subject: string) =>
  all("article.followup").find((article) => text(article).includes(subject));

async function openFollowups() {
  root.render(createElement(App));
  await vi.waitFor(() => expect(tab("Follow-ups")).toBeDefined());
  tab("Follow-ups")?.click();
  await vi.waitFor(() => expect(subjects("Upcoming")).toEqual(["Invoice reminder"]));
}

async function openSnooze(subject: string) {
  button("Snooze", card(subject))?.click();
  await vi.waitFor(() => expect(card(subject)?.querySelector("fieldset")).not.toBeNull());
}

describe("follow-ups view", () => {
  it("groups pending follow-ups as overdue, due today and upcoming by the local day", async () => {
    await openFollowups();
    const asked = crm.callsOf("listFollowups");
    expect(asked).toHaveLength(3);
    expect(asked).toEqual(
      expect.arrayContaining([
        { status: "pending", dueBefore: START_OF_TODAY, limit: "20" },
        {
          status: "pending",
          dueAfter: START_OF_TODAY,
          dueBefore: START_OF_TOMORROW,
          limit: "20",
        },
        { status: "pending", dueAfter: START_OF_TOMORROW, limit: "20" },
      ]),
    );
    expect(subjects("Overdue")).toEqual(["Any news on the launch video?", "Late-night check-in"]);
    expect(subjects("Due today")).toEqual(["Q3 & launch?", "Tonight's reminder"]);
    expect(nameOf(group("Due today")?.querySelector("h3") as Element)).toBe("Due today 2");
    // Each card: who it goes to and when it is due; the email itself folded away.
    const midnight = card("Q3 & launch?");
    expect(text(midnight)).toContain("To anna+deals@acme.com");
    expect(midnight?.querySelector("time")?.getAttribute("dateTime")).toBe(START_OF_TODAY);
    const body = midnight?.querySelector("details");
    expect(body?.open).toBe(false);
    expect(body?.querySelector("summary")?.textContent).toBe("Email");
    expect(text(body)).toContain("Any news on #42?");
    expect(text(card("Any news on the launch video?"))).toContain("To Anna Park <anna@acme.com>");
    await expectAccessible();
  });

  it("snoozes later today, tomorrow, next week or to a picked time, each a later dueAt", async () => {
    await openFollowups();
    const snoozes = () => crm.callsOf("updateFollowup");

    // Later today: now + 3 h = 17:30 PST, still today: the card moves to Due today.
    await openSnooze("Any news on the launch video?");
    expect(
      button("Snooze", card("Any news on the launch video?"))?.getAttribute("aria-expanded"),
    ).toBe("true");
    await expectAccessible();
    buttonStarting("Later today", card("Any news on the launch video?"))?.click();
    await vi.waitFor(() => expect(snoozes()).toHaveLength(1));
    expect(snoozes()[0]).toEqual({
      followupId: "fu_over",
      changes: { dueAt: "2026-11-11T01:30:00.000Z" },
    });
    await vi.waitFor(() =>
      expect(subjects("Due today")).toEqual([
        "Q3 & launch?",
        "Any news on the launch video?",
        "Tonight's reminder",
      ]),
    );
    expect(subjects("Overdue")).toEqual(["Late-night check-in"]);
    expect(document.activeElement?.textContent).toBe("Any news on the launch video?");
    expect(text(region("Follow-ups")?.querySelector('[role="status"]'))).toContain("Snoozed until");

    // Tomorrow: 9:00 PST on the 11th.
    await openSnooze("Late-night check-in");
    buttonStarting("Tomorrow", card("Late-night check-in"))?.click();
    await vi.waitFor(() => expect(snoozes()).toHaveLength(2));
    expect(snoozes()[1]).toEqual({
      followupId: "fu_edge",
      changes: { dueAt: "2026-11-11T17:00:00.000Z" },
    });
    await vi.waitFor(() =>
      expect(subjects("Upcoming")).toEqual(["Late-night check-in", "Invoice reminder"]),
    );
    await vi.waitFor(() => expect(text(group("Overdue"))).toContain("Nothing overdue."));

    // Next week: Monday 16 November, 9:00 PST.
    await openSnooze("Q3 & launch?");
    buttonStarting("Next week", card("Q3 & launch?"))?.click();
    await vi.waitFor(() => expect(snoozes()).toHaveLength(3));
    expect(snoozes()[2]).toEqual({
      followupId: "fu_midnight",
      changes: { dueAt: "2026-11-16T17:00:00.000Z" },
    });
    await vi.waitFor(() =>
      expect(subjects("Upcoming")).toEqual([
        "Late-night check-in",
        "Invoice reminder",
        "Q3 & launch?",
      ]),
    );

    // A picked time: refused in the past, sent as the local time it names.
    await openSnooze("Tonight's reminder");
    const picked = () => labelled("Pick a time", card("Tonight's reminder"));
    type(picked(), "2026-11-10T09:00");
    button("Snooze until then", card("Tonight's reminder"))?.click();
    await vi.waitFor(() =>
      expect(card("Tonight's reminder")?.querySelector('[role="alert"]')?.textContent).toBe(
        "Pick a time in the future.",
      ),
    );
    expect(picked()?.getAttribute("aria-invalid")).toBe("true");
    expect(snoozes()).toHaveLength(3);
    type(picked(), "2026-11-20T10:15");
    button("Snooze until then", card("Tonight's reminder"))?.click();
    await vi.waitFor(() => expect(snoozes()).toHaveLength(4));
    expect(snoozes()[3]).toEqual({
      followupId: "fu_tonight",
      changes: { dueAt: "2026-11-20T18:15:00.000Z" },
    });
  });

  it("offers only the snoozes that move a follow-up later, and Escape closes them", async () => {
    await openFollowups();
    // Due Thursday 9:00: later today and tomorrow would be earlier.
    await openSnooze("Invoice reminder");
    const later = card("Invoice reminder");
    expect(buttonStarting("Later today", later)?.disabled).toBe(true);
    expect(buttonStarting("Tomorrow", later)?.disabled).toBe(true);
    expect(buttonStarting("Next week", later)?.disabled).toBe(false);
    press(labelled("Pick a time", later), "Escape");
    await vi.waitFor(() => expect(later?.querySelector("fieldset")).toBeNull());
    expect(document.activeElement).toBe(button("Snooze", later));
    expect(button("Snooze", later)?.getAttribute("aria-expanded")).toBe("false");
  });

  it("marks a follow-up sent or cancels it, each with Undo back to pending", async () => {
    await openFollowups();
    const updates = () => crm.callsOf("updateFollowup");

    button("Mark sent", card("Q3 & launch?"))?.click();
    await vi.waitFor(() => expect(text(card("Q3 & launch?"))).toContain("Marked as sent"));
    expect(updates()).toEqual([{ followupId: "fu_midnight", changes: { status: "sent" } }]);
    expect(document.activeElement).toBe(button("Undo", card("Q3 & launch?")));
    expect(nameOf(group("Due today")?.querySelector("h3") as Element)).toBe("Due today 1");
    await expectAccessible();
    button("Undo", card("Q3 & launch?"))?.click();
    await vi.waitFor(() => expect(button("Mark sent", card("Q3 & launch?"))).toBeDefined());
    expect(updates()[1]).toEqual({ followupId: "fu_midnight", changes: { status: "pending" } });
    expect(document.activeElement).toBe(button("Mark sent", card("Q3 & launch?")));
    expect(subjects("Due today")).toEqual(["Q3 & launch?", "Tonight's reminder"]);

    button("Cancel follow-up", card("Tonight's reminder"))?.click();
    await vi.waitFor(() => expect(text(card("Tonight's reminder"))).toContain("Cancelled"));
    expect(updates()[2]).toEqual({ followupId: "fu_tonight", changes: { status: "cancelled" } });
    button("Undo", card("Tonight's reminder"))?.click();
    await vi.waitFor(() => expect(button("Mark sent", card("Tonight's reminder"))).toBeDefined());
    expect(updates()[3]).toEqual({ followupId: "fu_tonight", changes: { status: "pending" } });
  });

  it("says why an undo was refused and keeps the undo", async () => {
    await openFollowups();
    crm.refuse = (type, data) =>
      type === "updateFollowup" &&
      (data as { changes: { status?: string } }).changes.status === "pending"
        ? { code: "CONFLICT", message: "This deal is paid: it needs no follow-up", status: 409 }
        : undefined;
    button("Mark sent", card("Q3 & launch?"))?.click();
    await vi.waitFor(() => expect(button("Undo", card("Q3 & launch?"))).toBeDefined());
    button("Undo", card("Q3 & launch?"))?.click();
    await vi.waitFor(() =>
      expect(card("Q3 & launch?")?.querySelector('[role="alert"]')).not.toBeNull(),
    );
    expect(button("Undo", card("Q3 & launch?"))).toBeDefined();
  });

  it("replies in Gmail in the captured thread, or in a compose window filled in", async () => {
    await openFollowups();
    const link = (subject: string) =>
      all<HTMLAnchorElement>("a", card(subject)).find((a) =>
        nameOf(a).startsWith("Reply in Gmail"),
      );
    const thread = link("Any news on the launch video?");
    expect(thread?.href).toBe("https://mail.google.com/mail/u/0/#all/18c2f0a1b2c3d4e5");
    expect(thread?.target).toBe("_blank");
    expect(thread?.rel.split(" ")).toContain("noopener");
    expect(nameOf(thread as Element)).toBe("Reply in Gmail (opens in a new tab)");
    expect(link("Q3 & launch?")?.href).toBe(
      "https://mail.google.com/mail/?view=cm&fs=1&to=anna%2Bdeals%40acme.com" +
        "&su=Q3%20%26%20launch%3F&body=Hi%20Anna%2C%0AAny%20news%20on%20%2342%3F",
    );
  });

  it("copies the subject and the body, and says so", async () => {
    await openFollowups();
    button("Copy subject", card("Q3 & launch?"))?.click();
    await vi.waitFor(() => expect(text(card("Q3 & launch?"))).toContain("Copied the subject"));
    expect(card("Q3 & launch?")?.querySelector('[role="status"]')?.textContent).toBe(
      "Copied the subject",
    );
    button("Copy body", card("Q3 & launch?"))?.click();
    await vi.waitFor(() => expect(text(card("Q3 & launch?"))).toContain("Copied the body"));
    expect(clipboard).toEqual(["Q3 & launch?", "Hi Anna,\nAny news on #42?"]);

    vi.mocked(navigator.clipboard.writeText).mockRejectedValueOnce(new Error("denied"));
    button("Copy body", card("Tonight's reminder"))?.click();
    await vi.waitFor(() =>
      expect(card("Tonight's reminder")?.querySelector('[role="alert"]')?.textContent).toContain(
        "Couldn't copy the body",
      ),
    );
  });

  it("opens a follow-up's deal in the deals view", async () => {
    await openFollowups();
    button("Open deal", card("Invoice reminder"))?.click();
    await vi.waitFor(() =>
      expect(document.querySelector("h2.detail-title")?.textContent).toBe(
        "Nova Audio podcast read",
      ),
    );
    expect(tab("Deals")?.getAttribute("aria-selected")).toBe("true");
  });

  it("shows loading, empty and error states for each group", async () => {
    const held = gate();
    crm.gates.listFollowups = held.promise;
    crm.followups = [followupOf("fu_only", "2026-11-10T20:00:00.000Z", { subject: "Only one" })];
    crm.refuse = (type, data) =>
      type === "listFollowups" && !(data as { dueAfter?: string }).dueAfter
        ? { code: "INTERNAL_ERROR", message: "boom", status: 500 }
        : undefined;
    root.render(createElement(App));
    await vi.waitFor(() => expect(tab("Follow-ups")).toBeDefined());
    tab("Follow-ups")?.click();
    await vi.waitFor(() =>
      expect(all('[role="status"]').map((s) => s.textContent)).toEqual(
        expect.arrayContaining([
          "Loading overdue follow-ups…",
          "Loading today's follow-ups…",
          "Loading upcoming follow-ups…",
        ]),
      ),
    );
    await expectAccessible();
    held.open();
    await vi.waitFor(() =>
      expect(group("Overdue")?.querySelector('[role="alert"]')?.textContent).toContain(
        "Couldn't load these follow-ups.",
      ),
    );
    expect(subjects("Due today")).toEqual(["Only one"]);
    expect(text(group("Upcoming"))).toContain("Nothing scheduled after today.");
    await expectAccessible();

    crm.refuse = undefined;
    button("Try again", group("Overdue"))?.click();
    await vi.waitFor(() => expect(text(group("Overdue"))).toContain("Nothing overdue."));
  });
});
