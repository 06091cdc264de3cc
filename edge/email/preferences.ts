/**
 * Each recipient's email settings (`email_preferences`, keyed by address): which emails they
 * get, the daily digest, and their IANA time zone. Every job asks `emailWanted` before it
 * sends; the unsubscribe link and `PATCH /api/auth/me/notifications` change them.
 */
import { TZDate } from "@date-fns/tz";
import { addDays, format } from "date-fns";
import { eq } from "drizzle-orm";
import type {
  EmailKind,
  NotificationSettings,
  NotificationSettingsPatch,
} from "../../shared/notifications";
import type { Db } from "../db/client";
import { emailPreferences } from "../db/schema";

type PreferencesRow = typeof emailPreferences.$inferSelect;
type KindColumn = keyof Pick<
  PreferencesRow,
  | "followupReminder"
  | "deliverableDue"
  | "invoiceOverdue"
  | "contentPublished"
  | "invitation"
  | "digest"
>;

/** The column that turns each kind of email on or off. */
export const KIND_COLUMN: Record<EmailKind, KindColumn> = {
  followup_reminder: "followupReminder",
  deliverable_due: "deliverableDue",
  invoice_overdue: "invoiceOverdue",
  content_published: "contentPublished",
  invitation: "invitation",
  digest: "digest",
};

/** The hour of the local morning the digest goes out. */
export const DIGEST_HOUR = 8;

/**
 * The first 08:00 in `timeZone` strictly after `after` (a UTC instant), daylight saving
 * included: 08:00 America/New_York is 13:00Z in winter (EST, UTC−5) and 12:00Z in summer
 * (EDT, UTC−4). Computed with @date-fns/tz over the runtime's IANA database.
 */
export function nextDigestAt(timeZone: string, after: Date): Date {
  const local = new TZDate(after.getTime(), timeZone);
  let at = new TZDate(
    local.getFullYear(),
    local.getMonth(),
    local.getDate(),
    DIGEST_HOUR,
    0,
    0,
    0,
    timeZone,
  );
  if (at.getTime() <= after.getTime()) at = addDays(at, 1);
  return new Date(at.getTime());
}

/** The calendar day (`YYYY-MM-DD`) that `instant` falls on in `timeZone`. */
export function localDay(timeZone: string, instant: Date): string {
  return format(new TZDate(instant.getTime(), timeZone), "yyyy-MM-dd");
}

/** The local hour (0–23) of `instant` in `timeZone`. */
export function localHour(timeZone: string, instant: Date): number {
  return new TZDate(instant.getTime(), timeZone).getHours();
}

function settingsView(row: PreferencesRow | undefined): NotificationSettings {
  const on = (column: KindColumn) => row?.[column] ?? true;
  return {
    timeZone: row?.timeZone ?? "UTC",
    digest: on("digest"),
    emails: {
      followup_reminder: on("followupReminder"),
      deliverable_due: on("deliverableDue"),
      invoice_overdue: on("invoiceOverdue"),
      content_published: on("contentPublished"),
      invitation: on("invitation"),
    },
  };
}

async function preferencesOf(db: Db, email: string) {
  const [row] = await db
    .select()
    .from(emailPreferences)
    .where(eq(emailPreferences.email, email))
    .limit(1);
  return row;
}

/** The settings of `user` (every email on, UTC, when they have no row). */
export async function notificationSettings(
  db: Db,
  user: { email: string },
): Promise<NotificationSettings> {
  return settingsView(await preferencesOf(db, user.email));
}

/**
 * The row a new account starts with: every email on, `timeZone` (UTC unless known), the first
 * digest at the next local 08:00 after `now`.
 */
export function initialPreferences(
  user: { id: string; email: string },
  now: Date,
  timeZone = "UTC",
): typeof emailPreferences.$inferInsert {
  return {
    email: user.email,
    userId: user.id,
    timeZone,
    digestNextAt: nextDigestAt(timeZone, now),
    updatedAt: now,
  };
}

/**
 * Applies `patch` to `user`'s settings and answers them. A new time zone, or the digest turned
 * back on, moves the next digest to the next local 08:00 after `now`; turning it off clears it.
 */
export async function updateNotificationSettings(
  db: Db,
  user: { id: string; email: string },
  patch: NotificationSettingsPatch,
  now = new Date(),
): Promise<NotificationSettings> {
  const current = settingsView(await preferencesOf(db, user.email));
  const timeZone = patch.timeZone ?? current.timeZone;
  const digest = patch.digest ?? current.digest;
  const emails = { ...current.emails, ...patch.emails };
  const row = {
    email: user.email,
    userId: user.id,
    timeZone,
    digest,
    followupReminder: emails.followup_reminder,
    deliverableDue: emails.deliverable_due,
    invoiceOverdue: emails.invoice_overdue,
    contentPublished: emails.content_published,
    invitation: emails.invitation,
    digestNextAt: digest ? nextDigestAt(timeZone, now) : null,
    updatedAt: now,
  };
  const { email: _key, ...set } = row;
  await db.insert(emailPreferences).values(row).onConflictDoUpdate({
    target: emailPreferences.email,
    set,
  });
  return settingsView(row as PreferencesRow);
}

/**
 * Turns `kind` off for `email` (the unsubscribe link), whether or not the address has an
 * account or a row yet. Safe to repeat.
 */
export async function unsubscribe(db: Db, email: string, kind: EmailKind, now = new Date()) {
  const column = KIND_COLUMN[kind];
  const set = {
    [column]: false,
    ...(kind === "digest" && { digestNextAt: null }),
    updatedAt: now,
  };
  await db
    .insert(emailPreferences)
    .values({ email, ...set })
    .onConflictDoUpdate({ target: emailPreferences.email, set });
}

/**
 * Whether `email` wants `kind`, the time zone to write it in, and when their next digest is
 * due (null: digest off, or no settings row).
 */
export async function emailWanted(
  db: Db,
  email: string,
  kind: EmailKind,
): Promise<{ wanted: boolean; timeZone: string; digestNextAt: Date | null }> {
  const row = await preferencesOf(db, email);
  return {
    wanted: row?.[KIND_COLUMN[kind]] ?? true,
    timeZone: row?.timeZone ?? "UTC",
    digestNextAt: row?.digestNextAt ?? null,
  };
}

/** The local day after the one `instant` falls on in `timeZone` (`YYYY-MM-DD`). */
export function localTomorrow(timeZone: string, instant: Date): string {
  return format(addDays(new TZDate(instant.getTime(), timeZone), 1), "yyyy-MM-dd");
}

/** The UTC instants where the local day holding `instant` starts and ends in `timeZone`. */
export function localDayBounds(timeZone: string, instant: Date): { dayStart: Date; dayEnd: Date } {
  const local = new TZDate(instant.getTime(), timeZone);
  const midnight = (dayOffset: number) =>
    new TZDate(
      local.getFullYear(),
      local.getMonth(),
      local.getDate() + dayOffset,
      0,
      0,
      0,
      0,
      timeZone,
    );
  // Each end is its own local midnight: where daylight saving begins at midnight (Havana,
  // Santiago) the day starts at 01:00 and is 23 hours long, not 24 from its start.
  return { dayStart: new Date(midnight(0).getTime()), dayEnd: new Date(midnight(1).getTime()) };
}
