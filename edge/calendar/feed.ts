/**
 * The calendar feed (`GET /api/calendar.ics`): one workspace's dates as an iCalendar object
 * (RFC 5545) that calendar apps subscribe to — deliverable draft-due and go-live dates of live
 * deals (not lost ones), pending follow-ups, and scheduled content. Titles and names only: never notes, bodies
 * or email text.
 */
import { and, asc, desc, eq, gte, isNull, lt, type SQL, sql } from "drizzle-orm";
import ical, { ICalEventTransparency, escape as icsEscape } from "ical-generator";
import {
  contentItems,
  dealStages,
  deals,
  followups,
  type StoredDeliverable,
  sponsors,
} from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The feed covers from this many days ago… */
export const FEED_PAST_DAYS = 90;
/** …to this many days ahead. */
export const FEED_FUTURE_DAYS = 365;
/** At most this many events; past the cap, the ones nearest to now are kept. */
export const MAX_FEED_EVENTS = 2_000;
/** Deals read for their deliverables (each holds up to 50), most recently changed first. */
export const MAX_FEED_DEALS = 1_000;
/** A timed event is drawn as a block this long, so every calendar app shows it. */
const TIMED_EVENT_MS = 30 * 60 * 1000;
/** What a feed suggests as refresh interval (RFC 7986 §5.7 REFRESH-INTERVAL), in seconds. */
const REFRESH_SECONDS = 60 * 60;

/** One VEVENT before it is written. */
export interface FeedEvent {
  /** Stable across requests (RFC 5545 §3.8.4.7): the same item keeps its event. */
  uid: string;
  /** UTC milliseconds. */
  start: number;
  /** A whole UTC day (`DTSTART;VALUE=DATE`) rather than a time. */
  allDay: boolean;
  summary: string;
  description: string;
  category: "Deliverable" | "Follow-up" | "Content";
  /** When the item last changed: DTSTAMP and LAST-MODIFIED. */
  updatedAt: Date;
}

/** The instants the feed covers: `from` inclusive, `to` exclusive. */
export interface FeedWindow {
  from: Date;
  to: Date;
}

/** The window around `now` (UTC ms): `FEED_PAST_DAYS` back, `FEED_FUTURE_DAYS` ahead. */
export function feedWindow(now: number): FeedWindow {
  return {
    from: new Date(now - FEED_PAST_DAYS * DAY_MS),
    to: new Date(now + FEED_FUTURE_DAYS * DAY_MS),
  };
}

/** A live deal with at least one draft-due or go-live date in `window` (json_each over the list). */
function hasDeliverableIn(window: FeedWindow): SQL {
  const from = window.from.getTime();
  const to = window.to.getTime();
  return sql`EXISTS (SELECT 1 FROM json_each(${deals.deliverables}) AS d WHERE (d.value ->> '$.draftDueAt' >= ${from} AND d.value ->> '$.draftDueAt' < ${to}) OR (d.value ->> '$.liveAt' >= ${from} AND d.value ->> '$.liveAt' < ${to}))`;
}

/**
 * The feed's three reads, each bounded and each walking one index of its table:
 * - deals: `deals_list` (workspace, updated_at, id; live rows only), most recently changed
 *   first, those with a dated deliverable in the window, at most `MAX_FEED_DEALS`. Deliverable
 *   dates live in the deal's JSON, so no index reaches them: the deal rows are filtered;
 * - follow-ups: `followups_list` (workspace, due_at, id), pending ones due in the window whose
 *   deal is live, at most `MAX_FEED_EVENTS`;
 * - content: `content_items_calendar` (workspace, scheduled_at, id), scheduled, not deleted,
 *   in the window, at most `MAX_FEED_EVENTS`.
 * Exported so the query plans can be checked against the real schema.
 */
export function feedReads(ctx: WorkspaceContext, window: FeedWindow) {
  const { from, to } = window;
  return [
    ctx.db
      .select({
        id: deals.id,
        title: deals.title,
        deliverables: deals.deliverables,
        updatedAt: deals.updatedAt,
        sponsor: sponsors.name,
      })
      .from(deals)
      .leftJoin(sponsors, eq(sponsors.id, deals.sponsorId))
      // A lost deal's deliverables will not happen.
      .leftJoin(dealStages, eq(dealStages.id, deals.stageId))
      .where(
        ctx.scope.where(
          deals,
          isNull(deals.deletedAt),
          sql`coalesce(${dealStages.kind}, 'open') <> 'lost'`,
          hasDeliverableIn(window),
        ),
      )
      .orderBy(desc(deals.updatedAt), desc(deals.id))
      .limit(MAX_FEED_DEALS),
    ctx.db
      .select({
        id: followups.id,
        subject: followups.subject,
        dueAt: followups.dueAt,
        updatedAt: followups.updatedAt,
        dealTitle: deals.title,
        dealUpdatedAt: deals.updatedAt,
        sponsor: sponsors.name,
      })
      .from(followups)
      .innerJoin(deals, eq(deals.id, followups.dealId))
      .leftJoin(sponsors, eq(sponsors.id, deals.sponsorId))
      .where(
        and(
          ctx.scope.where(
            followups,
            eq(followups.status, "pending"),
            gte(followups.dueAt, from),
            lt(followups.dueAt, to),
          ),
          ctx.scope.where(deals, isNull(deals.deletedAt)),
        ),
      )
      .orderBy(asc(followups.dueAt), asc(followups.id))
      .limit(MAX_FEED_EVENTS),
    ctx.db
      .select({
        id: contentItems.id,
        title: contentItems.title,
        scheduledAt: contentItems.scheduledAt,
        platforms: contentItems.platforms,
        updatedAt: contentItems.updatedAt,
      })
      .from(contentItems)
      .where(
        ctx.scope.where(
          contentItems,
          eq(contentItems.status, "scheduled"),
          isNull(contentItems.deletedAt),
          gte(contentItems.scheduledAt, from),
          lt(contentItems.scheduledAt, to),
        ),
      )
      .orderBy(asc(contentItems.scheduledAt), asc(contentItems.id))
      .limit(MAX_FEED_EVENTS),
  ] as const;
}

/** Lines of a DESCRIPTION, the empty ones left out. */
const lines = (...parts: (string | null | false | undefined)[]) =>
  parts.filter((part): part is string => Boolean(part)).join("\n");

/**
 * A deliverable date is a whole day when it is exactly midnight UTC: that is how a date without
 * a time is stored (an email's "by March 3", a date picker). Any other instant is a time.
 */
const isWholeUtcDay = (at: number) => at % DAY_MS === 0;

function deliverableEvents(
  deal: {
    id: string;
    title: string;
    deliverables: StoredDeliverable[];
    updatedAt: Date;
    sponsor: string | null;
  },
  window: FeedWindow,
): FeedEvent[] {
  const events: FeedEvent[] = [];
  for (const deliverable of deal.deliverables) {
    const dates = [
      ["draft", "Draft due", deliverable.draftDueAt],
      ["live", "Goes live", deliverable.liveAt],
    ] as const;
    for (const [kind, label, at] of dates) {
      if (typeof at !== "number" || at < window.from.getTime() || at >= window.to.getTime())
        continue;
      events.push({
        uid: `deliverable-${deliverable.id}-${kind}.${deal.id}@creatorops`,
        start: at,
        allDay: isWholeUtcDay(at),
        summary: `${deliverable.done ? "✓ " : ""}${label}: ${deliverable.kind} — ${deal.title}`,
        description: lines(
          `Deal: ${deal.title}`,
          deal.sponsor && `Sponsor: ${deal.sponsor}`,
          `Platform: ${deliverable.platform}`,
          deliverable.done && "Done",
        ),
        category: "Deliverable",
        updatedAt: deal.updatedAt,
      });
    }
  }
  return events;
}

/** Up to `max` events, those nearest to `now` first; then in time order (ties by UID). */
function nearest(events: FeedEvent[], now: number, max: number): FeedEvent[] {
  const kept =
    events.length <= max
      ? events
      : [...events].sort((a, b) => Math.abs(a.start - now) - Math.abs(b.start - now)).slice(0, max);
  return [...kept].sort((a, b) => a.start - b.start || (a.uid < b.uid ? -1 : 1));
}

/**
 * Characters RFC 5545 §3.3.11 does not allow in TEXT (controls other than tab; CR and LF are
 * escaped as `\n` by the library).
 */
function textOf(value: string): string {
  let out = "";
  for (const char of value) {
    const code = char.charCodeAt(0);
    const control =
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
    if (!control) out += char;
  }
  return out;
}

/**
 * The events of `ctx`'s workspace in the feed window around `now` (UTC ms): `FEED_PAST_DAYS`
 * back to `FEED_FUTURE_DAYS` ahead, at most `MAX_FEED_EVENTS`, read by three concurrent queries
 * (`feedReads`; not a D1 batch, whose rows drizzle maps by column name, and the joins repeat
 * `updated_at`). Deleted deals and content, and follow-ups sent, cancelled or of a deleted
 * deal, are left out. Throws nothing of its own.
 */
export async function feedEvents(ctx: WorkspaceContext, now = Date.now()): Promise<FeedEvent[]> {
  const window = feedWindow(now);
  const [dealRows, followupRows, contentRows] = await Promise.all(feedReads(ctx, window));
  const events: FeedEvent[] = dealRows.flatMap((deal) => deliverableEvents(deal, window));
  for (const followup of followupRows) {
    events.push({
      uid: `followup-${followup.id}@creatorops`,
      start: followup.dueAt.getTime(),
      allDay: false,
      // The subject only: the email's body is private.
      summary: `Follow up: ${followup.subject}`,
      description: lines(
        `Deal: ${followup.dealTitle}`,
        followup.sponsor && `Sponsor: ${followup.sponsor}`,
      ),
      category: "Follow-up",
      updatedAt: new Date(Math.max(followup.updatedAt.getTime(), followup.dealUpdatedAt.getTime())),
    });
  }
  for (const item of contentRows) {
    if (!item.scheduledAt) continue;
    events.push({
      uid: `content-${item.id}@creatorops`,
      start: item.scheduledAt.getTime(),
      allDay: false,
      summary: `Publish: ${item.title}`,
      description: lines(item.platforms.length > 0 && `Platforms: ${item.platforms.join(", ")}`),
      category: "Content",
      updatedAt: item.updatedAt,
    });
  }
  return nearest(events, now, MAX_FEED_EVENTS);
}

/**
 * The feed of `ctx`'s workspace as an iCalendar object (RFC 5545), CRLF line endings and lines
 * folded at 75 octets (§3.1), written by ical-generator:
 * - VCALENDAR: VERSION 2.0, PRODID `-//CreatorOps//Calendar feed//EN` (§3.7.3–3.7.4), NAME and
 *   X-WR-CALNAME "<workspace> — CreatorOps" (RFC 7986 §5.1), REFRESH-INTERVAL of an hour;
 * - one VEVENT per event of `feedEvents` (see there for the window, the cap and what is left
 *   out), all in UTC, with a stable UID (§3.8.4.7), DTSTAMP and LAST-MODIFIED = when the item
 *   last changed (§3.8.7.2: without a METHOD, DTSTAMP is the last revision), TRANSP:TRANSPARENT
 *   (a deadline does not make anyone busy, §3.8.2.7) and a CATEGORIES of Deliverable, Follow-up
 *   or Content;
 * - deliverable dates at exactly 00:00 UTC are whole days (`DTSTART;VALUE=DATE`, DTEND the next
 *   day, §3.6.1); every other event is a 30-minute block from its UTC time. A done deliverable's
 *   summary starts with "✓".
 * Answers the text, ending with CRLF. Throws nothing of its own.
 */
export async function calendarFeed(ctx: WorkspaceContext, now = Date.now()): Promise<string> {
  const events = await feedEvents(ctx, now);
  // ical-generator 10.2 writes NAME and X-WR-CALNAME as given: escape the name (§3.3.11).
  const name = icsEscape(textOf(`${ctx.workspace.name} — CreatorOps`), false);
  const calendar = ical({
    prodId: { company: "CreatorOps", product: "Calendar feed", language: "EN" },
    name,
    ttl: REFRESH_SECONDS,
  });
  for (const event of events) {
    calendar.createEvent({
      id: event.uid,
      start: new Date(event.start),
      end: new Date(event.start + (event.allDay ? DAY_MS : TIMED_EVENT_MS)),
      allDay: event.allDay,
      stamp: event.updatedAt,
      lastModified: event.updatedAt,
      summary: textOf(event.summary),
      description: textOf(event.description) || null,
      categories: [{ name: event.category }],
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  // Every content line ends with CRLF (§3.1), the last one too.
  return `${calendar.toString()}\r\n`;
}
