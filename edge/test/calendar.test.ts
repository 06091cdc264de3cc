/**
 * The calendar feed through the real Worker and D1: `POST /api/auth/me/calendar-token` issues a
 * secret feed URL per member and workspace, `GET /api/calendar.ics?token=…` answers the
 * workspace's deliverable dates, pending follow-ups and scheduled content as iCalendar. A strict
 * RFC 5545 reader below checks every feed (CRLF, 75-octet folding, balanced components, the
 * required properties, TEXT escaping, stable and unique UIDs). Then: rotation (old URL 404, new
 * 200), tenant isolation (another workspace's token sees nothing of this one), a removed member's
 * URL, bad tokens, the event cap, the query plans, and that the token never reaches a log line.
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { feedReads, feedWindow, MAX_FEED_EVENTS } from "../calendar/feed";
import { createDb } from "../db/client";
import { workspaceContext } from "../db/workspace-context";
import { randomToken, sha256Hex } from "../lib/encoding";
import { addMember, api, as, signUp, type TestUser } from "./helpers";

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const MINUTE = 60 * 1000;

// ─── A strict RFC 5545 reader ────────────────────────────────────────────────

interface Property {
  name: string;
  params: Record<string, string>;
  value: string;
}

interface Component {
  name: string;
  properties: Property[];
  components: Component[];
}

interface FeedEvent {
  uid: string;
  summary: string;
  description: string;
  /** UTC ms of DTSTART / DTEND. */
  start: number;
  end: number | null;
  allDay: boolean;
  categories: string;
  properties: Property[];
}

interface Feed {
  calendar: Component;
  events: FeedEvent[];
  /** The unfolded content lines, for "this text is nowhere" checks. */
  unfolded: string[];
}

/** RFC 5545 §3.3.11 TEXT: `\\`, `\;`, `\,`, `\n`/`\N` are the only escapes; `;` and `,` must be escaped. */
function unescapeText(value: string, where: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    if (char === "\\") {
      const next = value[i + 1];
      if (next === "\\" || next === ";" || next === ",") out += next;
      else if (next === "n" || next === "N") out += "\n";
      else throw new Error(`${where}: bad escape \\${next} in ${JSON.stringify(value)}`);
      i++;
    } else if (char === ";" || char === ",") {
      throw new Error(`${where}: unescaped "${char}" in ${JSON.stringify(value)}`);
    } else {
      out += char;
    }
  }
  return out;
}

const DATE_TIME_UTC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const DATE = /^(\d{4})(\d{2})(\d{2})$/;

/** A DTSTART/DTEND/DTSTAMP value as UTC ms; DATE values only with VALUE=DATE (§3.3.4, §3.3.5). */
function instantOf(property: Property): { at: number; allDay: boolean } {
  if (property.params.VALUE === "DATE") {
    const m = DATE.exec(property.value);
    if (!m) throw new Error(`${property.name}: not a DATE: ${property.value}`);
    const [y, mo, d] = m.slice(1).map(Number) as [number, number, number];
    return { at: Date.UTC(y, mo - 1, d), allDay: true };
  }
  if (property.params.TZID) throw new Error(`${property.name}: expected UTC, got a TZID`);
  const m = DATE_TIME_UTC.exec(property.value);
  if (!m) throw new Error(`${property.name}: not a UTC DATE-TIME: ${property.value}`);
  const [y, mo, d, h, mi, sec] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return { at: Date.UTC(y, mo - 1, d, h, mi, sec), allDay: false };
}

/** `name *(";" param) ":" value` (§3.1); control characters are checked separately. */
const CONTENT_LINE =
  /^([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*):(.*)$/;

/** Control characters other than tab, which no content line may hold (§3.1, §3.3.11). */
const hasControl = (text: string) =>
  [...text].some((c) => (c.charCodeAt(0) < 0x20 && c !== "\t") || c.charCodeAt(0) === 0x7f);

/**
 * Reads `bytes` as RFC 5545 demands, throwing on the first breach: UTF-8 (§3.1.4), every line
 * CRLF-terminated (§3.1), at most 75 octets per physical line (§3.1), content lines of
 * `name *(";" param) ":" value` without control characters other than tab (§3.1, §3.3.11),
 * BEGIN/END balanced with one VCALENDAR holding VERSION:2.0 and one PRODID (§3.4, §3.6,
 * §3.7.3–3.7.4), every VEVENT with exactly one UID, DTSTAMP and DTSTART (§3.6.1), DTEND after
 * DTSTART of the same value type, UIDs unique, SUMMARY/DESCRIPTION/NAME escaped as TEXT.
 */
function readIcs(bytes: ArrayBuffer | Uint8Array): Feed {
  const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  expect(text.endsWith("\r\n"), "the last line ends with CRLF").toBe(true);
  const physical = text.slice(0, -2).split("\r\n");
  const encoder = new TextEncoder();
  for (const [i, line] of physical.entries()) {
    if (/[\r\n]/.test(line)) throw new Error(`line ${i + 1}: a bare CR or LF`);
    const octets = encoder.encode(line).length;
    if (octets > 75) throw new Error(`line ${i + 1}: ${octets} octets (max 75): ${line}`);
  }
  // Unfolding (§3.1): CRLF followed by one space or tab is removed.
  const unfolded: string[] = [];
  for (const [i, line] of physical.entries()) {
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (i === 0) throw new Error("the first line is a continuation");
      unfolded[unfolded.length - 1] += line.slice(1);
    } else {
      unfolded.push(line);
    }
  }

  const stack: Component[] = [];
  let root: Component | undefined;
  for (const line of unfolded) {
    if (hasControl(line)) throw new Error(`a control character in ${JSON.stringify(line)}`);
    const m = CONTENT_LINE.exec(line);
    if (!m) throw new Error(`not a content line: ${JSON.stringify(line)}`);
    const name = (m[1] as string).toUpperCase();
    const value = m[3] as string;
    const params: Record<string, string> = {};
    for (const param of (m[2] as string).split(";").slice(1)) {
      const [key, ...rest] = param.split("=");
      params[(key as string).toUpperCase()] = rest.join("=");
    }
    if (name === "BEGIN") {
      if (stack.length === 0 && root) throw new Error("a second top-level component");
      if (stack.length === 0 && value !== "VCALENDAR") throw new Error(`top level is ${value}`);
      const component: Component = { name: value, properties: [], components: [] };
      stack.at(-1)?.components.push(component);
      stack.push(component);
      root ??= component;
    } else if (name === "END") {
      const open = stack.pop();
      if (!open || open.name !== value) throw new Error(`END:${value} closes ${open?.name}`);
    } else {
      const open = stack.at(-1);
      if (!open) throw new Error(`${name} outside any component`);
      open.properties.push({ name, params, value });
    }
  }
  if (!root || stack.length > 0) throw new Error("unbalanced BEGIN/END");

  const only = (component: Component, name: string): Property => {
    const found = component.properties.filter((p) => p.name === name);
    if (found.length !== 1)
      throw new Error(`${component.name} has ${found.length} ${name} (exactly 1 required)`);
    return found[0] as Property;
  };
  expect(only(root, "VERSION").value).toBe("2.0");
  expect(only(root, "PRODID").value.length).toBeGreaterThan(0);
  for (const name of ["NAME", "X-WR-CALNAME"]) {
    const property = root.properties.find((p) => p.name === name);
    if (property) unescapeText(property.value, name);
  }

  const events: FeedEvent[] = [];
  const uids = new Set<string>();
  for (const component of root.components) {
    if (component.name !== "VEVENT") throw new Error(`unexpected ${component.name}`);
    const uid = only(component, "UID").value;
    if (uids.has(uid)) throw new Error(`duplicate UID ${uid}`);
    uids.add(uid);
    instantOf(only(component, "DTSTAMP"));
    expect(only(component, "DTSTAMP").params.VALUE).toBeUndefined();
    const start = instantOf(only(component, "DTSTART"));
    const endProperty = component.properties.filter((p) => p.name === "DTEND");
    if (endProperty.length > 1) throw new Error(`${uid}: several DTEND`);
    if (endProperty.length && component.properties.some((p) => p.name === "DURATION"))
      throw new Error(`${uid}: both DTEND and DURATION`);
    const end = endProperty[0] ? instantOf(endProperty[0]) : null;
    if (end && (end.allDay !== start.allDay || end.at <= start.at))
      throw new Error(`${uid}: DTEND must follow DTSTART, with the same value type`);
    const text = (name: string) => {
      const property = component.properties.find((p) => p.name === name);
      return property ? unescapeText(property.value, `${uid} ${name}`) : "";
    };
    events.push({
      uid,
      summary: text("SUMMARY"),
      description: text("DESCRIPTION"),
      start: start.at,
      end: end?.at ?? null,
      allDay: start.allDay,
      categories: component.properties.find((p) => p.name === "CATEGORIES")?.value ?? "",
      properties: component.properties,
    });
  }
  return { calendar: root, events, unfolded };
}

it("the reader refuses what RFC 5545 refuses (it is not vacuous)", () => {
  const ics = (lines: string[]) => new TextEncoder().encode(`${lines.join("\r\n")}\r\n`);
  const good = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//x//y//EN",
    "BEGIN:VEVENT",
    "UID:a@x",
    "DTSTAMP:20300101T000000Z",
    "DTSTART;VALUE=DATE:20300101",
    "SUMMARY:Hello\\, world",
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  expect(readIcs(ics(good)).events).toHaveLength(1);
  const broken: [string, string[]][] = [
    ["LF endings", good.join("\n").split("\r\n")],
    ["a 76-octet line", good.toSpliced(7, 1, `SUMMARY:${"x".repeat(68)}`)],
    ["unbalanced", good.slice(0, -1)],
    ["no UID", good.toSpliced(4, 1)],
    ["no DTSTAMP", good.toSpliced(5, 1)],
    ["no PRODID", good.toSpliced(2, 1)],
    ["an unescaped comma", good.toSpliced(7, 1, "SUMMARY:Hello, world")],
    ["a floating time", good.toSpliced(6, 1, "DTSTART:20300101T100000")],
    ["a duplicate UID", [...good.slice(0, -1), ...good.slice(3, 9), "END:VCALENDAR"]],
  ];
  for (const [label, lines] of broken) expect(() => readIcs(ics(lines)), label).toThrow();
});

// ─── Helpers ─────────────────────────────────────────────────────────────────

const icsTime = (at: number) => `${new Date(at).toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`;

/** Issues (or rotates) `user`'s feed token for `workspaceId`: the whole answer. */
async function issueToken(user: TestUser, workspaceId = user.workspaceId) {
  return api("/api/auth/me/calendar-token", { method: "POST", token: user.token, workspaceId });
}

async function feedUrl(user: TestUser, workspaceId = user.workspaceId): Promise<string> {
  const res = await issueToken(user, workspaceId);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.url;
}

/** GET the feed URL exactly as a calendar app does: no headers at all. */
async function fetchFeed(url: string, init?: RequestInit) {
  const res = await SELF.fetch(url, init);
  const bytes = await res.arrayBuffer();
  return { status: res.status, headers: res.headers, bytes, text: new TextDecoder().decode(bytes) };
}

async function readFeed(url: string): Promise<Feed> {
  const res = await fetchFeed(url);
  expect(res.status, res.text.slice(0, 300)).toBe(200);
  return readIcs(res.bytes);
}

const tokenOf = (url: string) => new URL(url).searchParams.get("token") as string;

async function createDeal(user: TestUser, body: Record<string, unknown>) {
  const res = await api("/api/deals", as(user, { body }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

async function createContent(user: TestUser, body: Record<string, unknown>) {
  const res = await api("/api/content", as(user, { body }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

/** Follow-ups straight into D1: their routes are built separately. */
async function insertFollowup(
  user: TestUser,
  dealId: string,
  fields: { subject: string; body?: string; dueAt: number; status?: string },
) {
  const id = `fu_${crypto.randomUUID().replaceAll("-", "")}`;
  await env.DB.prepare(
    `INSERT INTO followups (id, workspace_id, deal_id, to_contact, subject, body, due_at, status, created_by)
     VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?)`,
  )
    .bind(
      id,
      user.workspaceId,
      dealId,
      fields.subject,
      fields.body ?? "Hi, just checking in.",
      fields.dueAt,
      fields.status ?? "pending",
      user.userId,
    )
    .run();
  return id;
}

/** Today's 00:00 UTC plus `days` days and `hours` hours. */
function utc(days: number, hours = 0, minutes = 0): number {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, hours, minutes);
}

const titlesIn = (feed: Feed) => feed.events.map((event) => event.summary).sort();

// ─── The feed ────────────────────────────────────────────────────────────────

describe("the feed of one workspace", () => {
  it("lists live deals' deliverable dates, pending follow-ups and scheduled content — valid iCalendar, no Authorization header needed", async () => {
    const owner = await signUp("calendar-owner");
    const renamed = await api(`/api/workspaces/${owner.workspaceId}`, {
      token: owner.token,
      method: "PATCH",
      body: { name: "Lamps, Lights; & Co" },
    });
    expect(renamed.status).toBe(200);

    const sponsor = await api("/api/sponsors", as(owner, { body: { name: "Acme Lamps" } }));
    expect(sponsor.status).toBe(201);
    // Commas and semicolons to escape, and a long non-ASCII title so lines fold mid-text.
    const title =
      "Acme, Inc.; the über-bright desk lamp launch — spring campaign 💡 with enough words to fold";
    const draftAt = utc(10, 15, 30);
    const liveDay = utc(20);
    const storyAt = utc(5, 9);
    const deal = await createDeal(owner, {
      title,
      sponsorId: sponsor.body.data.id,
      deliverables: [
        {
          platform: "youtube",
          kind: "dedicated video",
          draftDueAt: new Date(draftAt).toISOString(),
          liveAt: new Date(liveDay).toISOString(),
        },
        {
          platform: "instagram",
          kind: "story",
          liveAt: new Date(storyAt).toISOString(),
          done: true,
        },
        // No dates: no events.
        { platform: "x", kind: "post" },
        // Outside the window (90 days back, a year ahead): no events.
        {
          platform: "tiktok",
          kind: "short",
          draftDueAt: new Date(utc(-200)).toISOString(),
          liveAt: new Date(utc(400)).toISOString(),
        },
      ],
    });
    const [video, story] = deal.deliverables;

    const deletedDeal = await createDeal(owner, {
      title: "Gone deal (deleted)",
      deliverables: [
        { platform: "youtube", kind: "video", liveAt: new Date(utc(3)).toISOString() },
      ],
    });
    const followupAt = utc(2, 14);
    const followupId = await insertFollowup(owner, deal.id, {
      subject: "Checking in on the lamp draft",
      body: "PRIVATE BODY: our rate is negotiable",
      dueAt: followupAt,
    });
    await insertFollowup(owner, deal.id, {
      subject: "Already sent one",
      dueAt: utc(3),
      status: "sent",
    });
    await insertFollowup(owner, deal.id, {
      subject: "Cancelled one",
      dueAt: utc(4),
      status: "cancelled",
    });
    await insertFollowup(owner, deal.id, { subject: "Long overdue one", dueAt: utc(-120) });
    await insertFollowup(owner, deletedDeal.id, { subject: "Of a deleted deal", dueAt: utc(4) });
    expect(
      (await api(`/api/deals/${deletedDeal.id}`, as(owner, { method: "DELETE" }))).status,
    ).toBe(200);

    const publishAt = utc(7, 17);
    const scheduled = await createContent(owner, {
      title: "Desk lamp review",
      notes: "SECRET NOTE: ask Sam for the B-roll",
      body: "SCRIPT BODY that stays private",
      status: "scheduled",
      scheduledAt: new Date(publishAt).toISOString(),
      platforms: ["youtube", "x"],
    });
    const deletedContent = await createContent(owner, {
      title: "Deleted scheduled post",
      status: "scheduled",
      scheduledAt: new Date(utc(8, 12)).toISOString(),
    });
    expect(
      (await api(`/api/content/${deletedContent.id}`, as(owner, { method: "DELETE" }))).status,
    ).toBe(200);
    await createContent(owner, { title: "Just an idea" });

    const issued = await issueToken(owner);
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body).toEqual({
      success: true,
      data: { url: expect.any(String), createdAt: expect.any(String) },
    });
    const url: string = issued.body.data.url;
    expect(url.startsWith(`${env.APP_ORIGIN}/api/calendar.ics?token=`)).toBe(true);
    expect(tokenOf(url)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(issued.body.data.createdAt).toISOString()).toBe(issued.body.data.createdAt);

    const res = await fetchFeed(url);
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    expect(res.headers.get("Cache-Control")).toBe("private, max-age=300");
    expect(res.headers.get("Content-Disposition")).toBe('inline; filename="creatorops.ics"');
    const feed = readIcs(res.bytes);

    // Folding happened (the long title) and was undone by the reader.
    expect(res.text).toMatch(/\r\n [^\r]/);
    const root = feed.calendar.properties;
    const calName = root.find((p) => p.name === "X-WR-CALNAME");
    expect(calName?.value).toBe("Lamps\\, Lights\\; & Co — CreatorOps");
    expect(root.find((p) => p.name === "PRODID")?.value).toBe("-//CreatorOps//Calendar feed//EN");

    const byUid = new Map(feed.events.map((event) => [event.uid, event]));
    expect([...byUid.keys()].sort()).toEqual(
      [
        `deliverable-${video.id}-draft.${deal.id}@creatorops`,
        `deliverable-${video.id}-live.${deal.id}@creatorops`,
        `deliverable-${story.id}-live.${deal.id}@creatorops`,
        `followup-${followupId}@creatorops`,
        `content-${scheduled.id}@creatorops`,
      ].sort(),
    );
    expect(byUid.get(`deliverable-${video.id}-draft.${deal.id}@creatorops`)).toMatchObject({
      summary: `Draft due: dedicated video — ${title}`,
      description: `Deal: ${title}\nSponsor: Acme Lamps\nPlatform: youtube`,
      start: draftAt,
      end: draftAt + 30 * MINUTE,
      allDay: false,
      categories: "Deliverable",
    });
    // Midnight UTC is a date: a whole-day event, DTEND the next day (exclusive).
    expect(byUid.get(`deliverable-${video.id}-live.${deal.id}@creatorops`)).toMatchObject({
      summary: `Goes live: dedicated video — ${title}`,
      start: liveDay,
      end: liveDay + DAY,
      allDay: true,
    });
    expect(byUid.get(`deliverable-${story.id}-live.${deal.id}@creatorops`)).toMatchObject({
      summary: `✓ Goes live: story — ${title}`,
      description: `Deal: ${title}\nSponsor: Acme Lamps\nPlatform: instagram\nDone`,
      start: storyAt,
      allDay: false,
    });
    expect(byUid.get(`followup-${followupId}@creatorops`)).toMatchObject({
      summary: "Follow up: Checking in on the lamp draft",
      description: `Deal: ${title}\nSponsor: Acme Lamps`,
      start: followupAt,
      end: followupAt + 30 * MINUTE,
      categories: "Follow-up",
    });
    expect(byUid.get(`content-${scheduled.id}@creatorops`)).toMatchObject({
      summary: "Publish: Desk lamp review",
      description: "Platforms: youtube, x",
      start: publishAt,
      categories: "Content",
    });
    // The raw lines of a timed and a whole-day event, as calendar apps read them.
    const rawStart = (uid: string) => byUid.get(uid)?.properties.find((p) => p.name === "DTSTART");
    expect(rawStart(`followup-${followupId}@creatorops`)).toEqual({
      name: "DTSTART",
      params: {},
      value: icsTime(followupAt),
    });
    expect(rawStart(`deliverable-${video.id}-live.${deal.id}@creatorops`)).toEqual({
      name: "DTSTART",
      params: { VALUE: "DATE" },
      value: icsTime(liveDay).slice(0, 8),
    });
    for (const event of feed.events) {
      expect(event.properties.find((p) => p.name === "TRANSP")?.value).toBe("TRANSPARENT");
    }

    // Nothing private, nothing deleted, sent, cancelled or out of the window.
    const everything = feed.unfolded.join("\n");
    for (const absent of [
      "PRIVATE BODY",
      "SECRET NOTE",
      "SCRIPT BODY",
      "Gone deal",
      "Already sent one",
      "Cancelled one",
      "Long overdue one",
      "Of a deleted deal",
      "Deleted scheduled post",
      "Just an idea",
      "short",
    ]) {
      expect(everything, absent).not.toContain(absent);
    }

    // Stable: the same data answers the same text, UIDs and DTSTAMPs included.
    const again = await fetchFeed(url);
    expect(again.text).toBe(res.text);
  });

  it("answers an empty but valid calendar for a workspace with nothing dated", async () => {
    const owner = await signUp("calendar-empty");
    const feed = await readFeed(await feedUrl(owner));
    expect(feed.events).toEqual([]);
  });

  it("ignores any Authorization header: the token alone names the feed", async () => {
    const [owner, stranger] = await Promise.all([
      signUp("calendar-auth"),
      signUp("calendar-other"),
    ]);
    await createContent(owner, {
      title: "Owner's scheduled video",
      status: "scheduled",
      scheduledAt: new Date(utc(3, 10)).toISOString(),
    });
    const url = await feedUrl(owner);
    const res = await fetchFeed(url, {
      headers: {
        Authorization: `Bearer ${stranger.token}`,
        "X-Workspace-Id": stranger.workspaceId,
      },
    });
    expect(res.status).toBe(200);
    expect(titlesIn(readIcs(res.bytes))).toEqual(["Publish: Owner's scheduled video"]);
  });

  it("never answers more than MAX_FEED_EVENTS events, keeping those nearest to now", async () => {
    const owner = await signUp("calendar-cap");
    const deal = await createDeal(owner, { title: "Busy deal" });
    const start = Date.now() + HOUR;
    // 2,100 pending follow-ups, one an hour from now on.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2099)
       INSERT INTO followups (id, workspace_id, deal_id, subject, body, due_at, status)
       SELECT 'fu_cap_' || i, ?, ?, 'Cap ' || i, '', ? + i * ${HOUR}, 'pending' FROM n`,
    )
      .bind(owner.workspaceId, deal.id, start)
      .run();
    // One item nearer than all of them, two far beyond them.
    for (const [id, at] of [
      ["cnt_cap_near", Date.now() + 10 * MINUTE],
      ["cnt_cap_far1", Date.now() + 300 * DAY],
      ["cnt_cap_far2", Date.now() + 301 * DAY],
    ] as const) {
      await env.DB.prepare(
        "INSERT INTO content_items (id, workspace_id, title, status, scheduled_at) VALUES (?, ?, ?, 'scheduled', ?)",
      )
        .bind(id, owner.workspaceId, id, at)
        .run();
    }
    const feed = await readFeed(await feedUrl(owner));
    expect(feed.events).toHaveLength(MAX_FEED_EVENTS);
    const uids = new Set(feed.events.map((event) => event.uid));
    expect(uids.has("content-cnt_cap_near@creatorops")).toBe(true);
    expect(uids.has("content-cnt_cap_far1@creatorops")).toBe(false);
    expect(uids.has("content-cnt_cap_far2@creatorops")).toBe(false);
    expect(uids.has("followup-fu_cap_0@creatorops")).toBe(true);
    expect(uids.has("followup-fu_cap_1998@creatorops")).toBe(true);
    // The follow-up read stops at 2,000 (1,999 is its last); the cap then drops the farthest.
    expect(uids.has("followup-fu_cap_1999@creatorops")).toBe(false);
    // In time order.
    const starts = feed.events.map((event) => event.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  }, 30_000);
});

// ─── Tokens ──────────────────────────────────────────────────────────────────

describe("feed tokens", () => {
  it("rotating answers a new URL; the old one answers 404 at once", async () => {
    const owner = await signUp("calendar-rotate");
    const first = await feedUrl(owner);
    expect((await fetchFeed(first)).status).toBe(200);

    const second = await feedUrl(owner);
    expect(second).not.toBe(first);
    const old = await fetchFeed(first);
    expect(old.status).toBe(404);
    expect(JSON.parse(old.text)).toMatchObject({
      success: false,
      error: { code: "NOT_FOUND", message: expect.any(String), requestId: expect.any(String) },
    });
    expect((await fetchFeed(second)).status).toBe(200);

    // Only the hash is stored, one row per member and workspace.
    const { results } = await env.DB.prepare("SELECT * FROM calendar_tokens WHERE user_id = ?")
      .bind(owner.userId)
      .all<Record<string, unknown>>();
    expect(results).toHaveLength(1);
    expect(results[0]?.token_hash).toBe(await sha256Hex(tokenOf(second)));
    expect(Object.values(results[0] ?? {})).not.toContain(tokenOf(second));
    expect(Object.values(results[0] ?? {})).not.toContain(tokenOf(first));
  });

  it("another workspace's token sees nothing of this one; a member has one feed per workspace", async () => {
    const [alice, bob, mia] = await Promise.all([
      signUp("calendar-alice"),
      signUp("calendar-bob"),
      signUp("calendar-mia"),
    ]);
    await addMember(alice, alice.workspaceId, mia, "member");
    const dated = (title: string, days: number) => ({
      title,
      deliverables: [
        { platform: "youtube", kind: "video", liveAt: new Date(utc(days, 12)).toISOString() },
      ],
    });
    const aliceDeal = await createDeal(alice, dated("Alice studio deal", 4));
    await insertFollowup(alice, aliceDeal.id, { subject: "Alice follow-up", dueAt: utc(2, 9) });
    await createContent(alice, {
      title: "Alice scheduled video",
      status: "scheduled",
      scheduledAt: new Date(utc(6, 18)).toISOString(),
    });
    const bobDeal = await createDeal(bob, dated("Bob podcast deal", 5));
    await insertFollowup(bob, bobDeal.id, { subject: "Bob follow-up", dueAt: utc(3, 9) });
    await createContent(mia, {
      title: "Mia's own post",
      status: "scheduled",
      scheduledAt: new Date(utc(9, 8)).toISOString(),
    });

    const aliceFeed = await readFeed(await feedUrl(alice));
    expect(titlesIn(aliceFeed)).toEqual([
      "Follow up: Alice follow-up",
      "Goes live: video — Alice studio deal",
      "Publish: Alice scheduled video",
    ]);
    const bobFeed = await readFeed(await feedUrl(bob));
    expect(titlesIn(bobFeed)).toEqual([
      "Follow up: Bob follow-up",
      "Goes live: video — Bob podcast deal",
    ]);
    for (const line of bobFeed.unfolded) expect(line).not.toMatch(/Alice|Mia/);
    for (const line of aliceFeed.unfolded) expect(line).not.toMatch(/Bob|Mia/);

    // Mia, a member of Alice's workspace and owner of her own: one token each, each its own.
    const miaInAlice = await feedUrl(mia, alice.workspaceId);
    const miaOwn = await feedUrl(mia, mia.workspaceId);
    expect(titlesIn(await readFeed(miaInAlice))).toEqual(titlesIn(aliceFeed));
    expect(titlesIn(await readFeed(miaOwn))).toEqual(["Publish: Mia's own post"]);
    // Rotating one leaves the other alone.
    await feedUrl(mia, mia.workspaceId);
    expect((await fetchFeed(miaOwn)).status).toBe(404);
    expect((await fetchFeed(miaInAlice)).status).toBe(200);

    // No token for a workspace the caller is not a member of: 404 like any other tenant.
    const foreign = await issueToken(bob, alice.workspaceId);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe("NOT_FOUND");
  });

  it("a removed member's URL answers 404; the others' still work", async () => {
    const [owner, member] = await Promise.all([
      signUp("calendar-team-owner"),
      signUp("calendar-team-member"),
    ]);
    await addMember(owner, owner.workspaceId, member, "member");
    const memberUrl = await feedUrl(member, owner.workspaceId);
    const ownerUrl = await feedUrl(owner);
    expect((await fetchFeed(memberUrl)).status).toBe(200);

    const removed = await api(`/api/workspaces/${owner.workspaceId}/members/${member.userId}`, {
      token: owner.token,
      method: "DELETE",
    });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    const after = await fetchFeed(memberUrl);
    expect(after.status).toBe(404);
    expect(JSON.parse(after.text).error.code).toBe("NOT_FOUND");
    expect((await fetchFeed(ownerUrl)).status).toBe(200);

    // Joining again does not bring the old URL back.
    await addMember(owner, owner.workspaceId, member, "member");
    expect((await fetchFeed(memberUrl)).status).toBe(404);
  });

  it("leaves out the deliverables of a lost deal", async () => {
    const user = await signUp("calendar-lost");
    const stages = (await api("/api/deals/stages", as(user))).body.data as {
      id: string;
      kind: string;
    }[];
    const lost = stages.find((stage) => stage.kind === "lost")?.id;
    const liveAt = new Date(utc(5, 15)).toISOString();
    const deliverables = [{ platform: "youtube", kind: "Integration", liveAt }];
    await createDeal(user, { title: "Still on", deliverables });
    const gone = await createDeal(user, { title: "Fell through", deliverables });
    const url = await feedUrl(user);
    expect(titlesIn(await readFeed(url)).join(" ")).toContain("Fell through");
    const moved = await api(
      `/api/deals/${gone.id}`,
      as(user, { method: "PUT", body: { stageId: lost } }),
    );
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const titles = titlesIn(await readFeed(url)).join(" ");
    expect(titles).toContain("Still on");
    expect(titles).not.toContain("Fell through");
  });

  it("needs a signed-in member to issue one", async () => {
    const owner = await signUp("calendar-issue");
    const anonymous = await api("/api/auth/me/calendar-token", {
      method: "POST",
      workspaceId: owner.workspaceId,
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe("UNAUTHORIZED");
    // Nothing to send: a body is not read (but still must be JSON, like everywhere).
    const withBody = await api("/api/auth/me/calendar-token", as(owner, { body: { ignored: 1 } }));
    expect(withBody.status).toBe(201);
    // Recorded for the workspace's admins, without the token.
    const log = await api("/api/audit-log", as(owner));
    const entry = log.body.data.items.find(
      (item: { action: string }) => item.action === "calendar_feed.token_issued",
    );
    expect(entry).toBeDefined();
    expect(JSON.stringify(log.body)).not.toContain(tokenOf(withBody.body.data.url));
  });

  it.each([
    ["no token", ""],
    ["an empty token", "?token="],
    ["a short token", "?token=abc"],
    ["a token with a foreign character", `?token=${"a".repeat(42)}!`],
    ["a token too long", `?token=${"a".repeat(44)}`],
  ])("%s → 400 VALIDATION_ERROR naming token", async (_, query) => {
    const res = await fetchFeed(`${env.APP_ORIGIN}/api/calendar.ics${query}`);
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text);
    expect(body).toMatchObject({ success: false, error: { code: "VALIDATION_ERROR" } });
    expect(body.error.issues.map((issue: { path: string }) => issue.path)).toEqual(["token"]);
  });

  it("a well-formed token that was never issued → 404 NOT_FOUND", async () => {
    const res = await fetchFeed(`${env.APP_ORIGIN}/api/calendar.ics?token=${randomToken()}`);
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text)).toMatchObject({
      success: false,
      error: { code: "NOT_FOUND", message: "Calendar feed not found" },
    });
  });
});

// ─── Logs and query plans ────────────────────────────────────────────────────

describe("operations", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("never writes a feed token to a log line", async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => {
      lines.push(
        args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "),
      );
    };
    vi.spyOn(console, "log").mockImplementation(capture);
    vi.spyOn(console, "info").mockImplementation(capture);
    vi.spyOn(console, "warn").mockImplementation(capture);
    vi.spyOn(console, "error").mockImplementation(capture);

    const owner = await signUp("calendar-logs");
    const first = await feedUrl(owner);
    const second = await feedUrl(owner);
    expect((await fetchFeed(second)).status).toBe(200);
    expect((await fetchFeed(first)).status).toBe(404);
    expect((await fetchFeed(`${second}x`)).status).toBe(400);
    vi.restoreAllMocks();

    const feedLines = lines.filter((line) => line.includes("calendar"));
    expect(feedLines.length, "the feed requests were logged").toBeGreaterThanOrEqual(3);
    for (const token of [tokenOf(first), tokenOf(second)]) {
      for (const line of lines) expect(line).not.toContain(token);
    }
  });

  it("reads every source through its index, in bounded, index-ordered reads", async () => {
    const owner = await signUp("calendar-plans");
    const ctx = workspaceContext(
      createDb(env.DB),
      env,
      { id: owner.workspaceId, name: "Plans", plan: "free", role: "owner" },
      { id: owner.userId },
    );
    const [deals, followups, content] = feedReads(ctx, feedWindow(Date.now()));
    const expected = [
      [deals, "deals", "deals_list"],
      [followups, "followups", "followups_list"],
      [content, "content_items", "content_items_calendar"],
    ] as const;
    for (const [query, table, index] of expected) {
      const { sql, params } = query.toSQL();
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...params)
        .all<{ detail: string }>();
      const details = results.map((row) => row.detail);
      const summary = details.join(" | ");
      expect(sql, table).toMatch(/\blimit\b/i);
      expect(
        details.some((d) => d.startsWith(`SEARCH ${table} USING INDEX ${index} `)),
        summary,
      ).toBe(true);
      expect(
        details.filter((d) => /^SCAN /.test(d) && !/VIRTUAL TABLE/.test(d)),
        summary,
      ).toEqual([]);
      expect(
        details.filter((d) => d.includes("TEMP B-TREE")),
        summary,
      ).toEqual([]);
    }
  });
});
