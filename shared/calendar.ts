/**
 * The calendar feed's contracts: `POST /api/auth/me/calendar-token` answers a secret feed URL,
 * `GET /api/calendar.ics?token=…` answers the workspace's dates as iCalendar (RFC 5545).
 */
import { z } from "zod";

/** Where the feed is served; the token travels in the query (calendar apps send no headers). */
export const CALENDAR_FEED_PATH = "/api/calendar.ics";

/**
 * A feed token is 32 random bytes in base64url without padding: 43 characters of
 * `A–Z a–z 0–9 - _` (edge/lib/encoding.ts randomToken).
 */
export const CALENDAR_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * `GET /api/calendar.ics` query. A missing or malformed token is a 400 VALIDATION_ERROR (its
 * shape says nothing about any workspace); a well-formed token that matches no feed — never
 * issued, rotated, or its member removed — is a 404 NOT_FOUND.
 */
export const calendarFeedQuerySchema = z.object({
  token: z
    .string({ error: "Add the token of your calendar feed URL" })
    .regex(CALENDAR_TOKEN_PATTERN, "Use the whole token of your calendar feed URL"),
});

/** The answer of `POST /api/auth/me/calendar-token`. */
export interface CalendarFeedToken {
  /** The absolute feed URL with its secret token; shown once, stored only as a hash. */
  url: string;
  /** ISO 8601 instant (UTC) the token was issued. */
  createdAt: string;
}
