import { afterAll, describe, expect, it } from "vitest";
import type { FollowupItem } from "../lib/protocol";
import { dayBounds, dueGroupOf, dueWindows } from "../sidepanel/due-days";
import { gmailReplyUrl } from "../sidepanel/gmail-reply";
import { pickedSnooze, snoozeUntil } from "../sidepanel/snooze";
import { type FollowupGroupState, placeFollowup } from "../sidepanel/use-followups";

/**
 * The follow-ups' pure parts, in a time zone with daylight saving (New York: clocks go forward
 * on 8 March 2026 and back on 1 November 2026), against a fixed "now". Expected instants are
 * written out, not computed with the code under test.
 */
const zone = process.env.TZ;
process.env.TZ = "America/New_York";
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

/** A wall-clock time in New York (the process's zone here). */
const local = (text: string) => new Date(text);

describe("snooze times", () => {
  it("runs in New York time (the premise of the other cases)", () => {
    expect(local("2026-07-01T12:00").toISOString()).toBe("2026-07-01T16:00:00.000Z");
    expect(local("2026-12-01T12:00").toISOString()).toBe("2026-12-01T17:00:00.000Z");
  });

  it("snoozes later today by three hours of real time", () => {
    const now = local("2026-11-10T14:30");
    expect(snoozeUntil("laterToday", now).toISOString()).toBe("2026-11-10T22:30:00.000Z");
    // The night the clocks go back: 00:30 EDT + 3 h is 02:30 EST.
    expect(snoozeUntil("laterToday", local("2026-11-01T00:30")).toISOString()).toBe(
      "2026-11-01T07:30:00.000Z",
    );
  });

  it("snoozes to 9:00 tomorrow, also across a daylight-saving change", () => {
    expect(snoozeUntil("tomorrow", local("2026-11-10T14:30")).toISOString()).toBe(
      "2026-11-11T14:00:00.000Z",
    );
    // Saturday 7 March 10:00 EST → Sunday 8 March 9:00 EDT: 22 hours later, still 9:00.
    const spring = snoozeUntil("tomorrow", local("2026-03-07T10:00"));
    expect(spring.toISOString()).toBe("2026-03-08T13:00:00.000Z");
    expect(spring.getHours()).toBe(9);
    // Late at night it is still the next calendar day, not 9:00 the same day.
    expect(snoozeUntil("tomorrow", local("2026-11-10T23:50")).toISOString()).toBe(
      "2026-11-11T14:00:00.000Z",
    );
    // The last day of a month rolls into the next month.
    expect(snoozeUntil("tomorrow", local("2026-12-31T18:00")).toISOString()).toBe(
      "2027-01-01T14:00:00.000Z",
    );
  });

  it("snoozes to next Monday at 9:00, a week on when today is Monday", () => {
    // Tuesday 10 November → Monday 16 November.
    expect(snoozeUntil("nextWeek", local("2026-11-10T14:30")).toISOString()).toBe(
      "2026-11-16T14:00:00.000Z",
    );
    // Friday 30 October (EDT) → Monday 2 November (EST): 9:00 on the new clock.
    const fall = snoozeUntil("nextWeek", local("2026-10-30T12:00"));
    expect(fall.toISOString()).toBe("2026-11-02T14:00:00.000Z");
    expect(fall.getHours()).toBe(9);
    // Monday → the Monday after; Sunday → the next day.
    expect(snoozeUntil("nextWeek", local("2026-11-02T08:00")).toISOString()).toBe(
      "2026-11-09T14:00:00.000Z",
    );
    expect(snoozeUntil("nextWeek", local("2026-11-01T00:30")).toISOString()).toBe(
      "2026-11-02T14:00:00.000Z",
    );
  });

  it("takes a picked time only when it moves the follow-up later", () => {
    const now = local("2026-11-10T14:30");
    const due = "2026-11-09T14:00:00.000Z";
    expect(pickedSnooze("", now, due)).toEqual({ problem: "Pick a date and time." });
    expect(pickedSnooze("2026-11-10T14:00", now, due)).toEqual({
      problem: "Pick a time in the future.",
    });
    expect(pickedSnooze("2026-11-12T10:00", now, "2026-11-13T14:00:00.000Z")).toEqual({
      problem: "Pick a time after it is due now: a snooze moves it later.",
    });
    const picked = pickedSnooze("2026-11-20T10:15", now, due);
    expect("at" in picked && picked.at.toISOString()).toBe("2026-11-20T15:15:00.000Z");
  });
});

describe("due days", () => {
  it("bounds today by local midnights, 23 hours apart on the spring change", () => {
    expect(dayBounds(local("2026-11-10T14:30"))).toEqual({
      startOfToday: "2026-11-10T05:00:00.000Z",
      startOfTomorrow: "2026-11-11T05:00:00.000Z",
    });
    expect(dayBounds(local("2026-03-08T12:00"))).toEqual({
      startOfToday: "2026-03-08T05:00:00.000Z",
      startOfTomorrow: "2026-03-09T04:00:00.000Z",
    });
    // Just after midnight, today is the new day.
    expect(dayBounds(local("2026-11-11T00:01")).startOfToday).toBe("2026-11-11T05:00:00.000Z");
  });

  it("asks three windows that meet without a gap, and groups by the same bounds", () => {
    const bounds = dayBounds(local("2026-11-10T14:30"));
    expect(dueWindows(bounds)).toEqual({
      overdue: { dueBefore: "2026-11-10T05:00:00.000Z" },
      today: { dueAfter: "2026-11-10T05:00:00.000Z", dueBefore: "2026-11-11T05:00:00.000Z" },
      upcoming: { dueAfter: "2026-11-11T05:00:00.000Z" },
    });
    expect(dueGroupOf("2026-11-10T04:59:59.999Z", bounds)).toBe("overdue");
    expect(dueGroupOf("2026-11-10T05:00:00.000Z", bounds)).toBe("today");
    // Past UTC midnight but still the 10th in New York.
    expect(dueGroupOf("2026-11-11T04:59:00.000Z", bounds)).toBe("today");
    expect(dueGroupOf("2026-11-11T05:00:00.000Z", bounds)).toBe("upcoming");
  });
});

const followup = (id: string, dueAt: string, extra: Partial<FollowupItem> = {}) =>
  ({
    id,
    dealId: "deal_1",
    to: { email: "anna@brand.com" },
    subject: `Subject ${id}`,
    body: "Body",
    dueAt,
    status: "pending",
    assigneeId: null,
    threadId: null,
    createdAt: "2026-11-01T00:00:00.000Z",
    sentAt: null,
    updatedAt: "2026-11-01T00:00:00.000Z",
    ...extra,
  }) as FollowupItem;

const group = (items: FollowupItem[], nextCursor: string | null = null): FollowupGroupState => ({
  items,
  nextCursor,
  phase: "ready",
  error: null,
});

describe("placing a changed follow-up", () => {
  const bounds = dayBounds(local("2026-11-10T14:30"));
  const groups = {
    overdue: group([followup("fu_a", "2026-11-09T14:00:00.000Z")]),
    today: group([
      followup("fu_b", "2026-11-10T15:00:00.000Z"),
      followup("fu_c", "2026-11-10T23:00:00.000Z"),
    ]),
    upcoming: group([followup("fu_d", "2026-11-12T14:00:00.000Z")]),
  };
  const ids = (placed: typeof groups) => ({
    overdue: placed.overdue.items.map((f) => f.id),
    today: placed.today.items.map((f) => f.id),
    upcoming: placed.upcoming.items.map((f) => f.id),
  });

  it("moves a snoozed one to its new day, in due order", () => {
    const placed = placeFollowup(groups, followup("fu_a", "2026-11-10T20:00:00.000Z"), bounds);
    expect(ids(placed)).toEqual({
      overdue: [],
      today: ["fu_b", "fu_a", "fu_c"],
      upcoming: ["fu_d"],
    });
  });

  it("keeps one marked sent where it was, and puts it back when taken back", () => {
    const sent = placeFollowup(
      groups,
      followup("fu_b", "2026-11-10T15:00:00.000Z", { status: "sent" }),
      bounds,
    );
    expect(ids(sent)).toEqual(ids(groups));
    expect(sent.today.items[0]?.status).toBe("sent");
    const back = placeFollowup(sent, followup("fu_b", "2026-11-10T15:00:00.000Z"), bounds);
    expect(back.today.items.map((f) => [f.id, f.status])).toEqual([
      ["fu_b", "pending"],
      ["fu_c", "pending"],
    ]);
  });

  it("leaves one due past what a group has loaded to its Load more", () => {
    const paged = { ...groups, upcoming: group(groups.upcoming.items, "cursor-1") };
    const far = placeFollowup(paged, followup("fu_a", "2026-12-01T14:00:00.000Z"), bounds);
    expect(ids(far).upcoming).toEqual(["fu_d"]);
    expect(ids(far).overdue).toEqual([]);
    const near = placeFollowup(paged, followup("fu_a", "2026-11-11T14:00:00.000Z"), bounds);
    expect(ids(near).upcoming).toEqual(["fu_a", "fu_d"]);
  });
});

describe("reply in Gmail", () => {
  it("opens the captured conversation when the follow-up has its thread", () => {
    expect(
      gmailReplyUrl({ threadId: "18c2f0a1b2c3d4e5", to: null, subject: "Hi", body: "Hello" }),
    ).toBe("https://mail.google.com/mail/u/0/#all/18c2f0a1b2c3d4e5");
  });

  it("otherwise opens a compose window with to, subject and body encoded", () => {
    const url = gmailReplyUrl({
      threadId: null,
      to: { name: "Anna", email: "anna+deals@brand.com" },
      subject: "Q3 & launch? 100% ✓",
      body: "Hi Anna,\nAny news on #42?\n\n— Maya",
    });
    expect(url).toBe(
      "https://mail.google.com/mail/?view=cm&fs=1&to=anna%2Bdeals%40brand.com" +
        "&su=Q3%20%26%20launch%3F%20100%25%20%E2%9C%93" +
        "&body=Hi%20Anna%2C%0AAny%20news%20on%20%2342%3F%0A%0A%E2%80%94%20Maya",
    );
    // Read back, each field is exactly the draft's.
    const params = new URL(url).searchParams;
    expect(params.get("su")).toBe("Q3 & launch? 100% ✓");
    expect(params.get("body")).toBe("Hi Anna,\nAny news on #42?\n\n— Maya");
    expect(params.get("to")).toBe("anna+deals@brand.com");
  });

  it("leaves the recipient empty when the draft has none", () => {
    expect(gmailReplyUrl({ threadId: null, to: null, subject: "S", body: "B" })).toBe(
      "https://mail.google.com/mail/?view=cm&fs=1&to=&su=S&body=B",
    );
  });
});
