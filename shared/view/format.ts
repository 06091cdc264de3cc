/**
 * How the clients show things: dates and relative times, counts. Shared by the
 * extension's side panel and the dashboard. Pure (no DOM, no browser or Workers APIs) and free
 * of runtime imports from shared/ that pull in zod, so a first screen stays small (currency.ts
 * is plain tables).
 */
import { majorUnits, minorUnitDigits } from "../currency";

export interface CharCount {
  count: number;
  limit: number;
  over: boolean;
  /** "212 / 280" */
  text: string;
}

export function charCountView(count: number, limit: number): CharCount {
  return { count, limit, over: count > limit, text: `${count} / ${limit}` };
}

/** "38 of 50 AI credits left" */
export function creditsText(usage: { creditsLeft: number; creditsLimit: number }): string {
  const noun = usage.creditsLimit === 1 ? "AI credit" : "AI credits";
  return `${usage.creditsLeft} of ${usage.creditsLimit} ${noun} left`;
}

/** "1 credit", "3 credits" */
export function creditsCount(count: number): string {
  return `${count} ${count === 1 ? "credit" : "credits"}`;
}

const pad = (n: number) => String(n).padStart(2, "0");

function parse(iso: string | number | null | undefined): Date | null {
  if (iso === null || iso === undefined || iso === "") return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The year is shown only when it is not this one: "Mar 4" this year, "Mar 4, 2025" otherwise. */
const yearIfNotThis = (date: Date, now: Date): Intl.DateTimeFormatOptions =>
  date.getFullYear() === now.getFullYear() ? {} : { year: "numeric" };

/** An ISO time as a datetime-local input value, in the viewer's time zone. */
export function toLocalInput(iso: string | null | undefined): string {
  const date = parse(iso);
  if (!date) return "";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}`;
}

/** A datetime-local input value (local time) as ISO 8601 in UTC; null when empty or invalid. */
export function fromLocalInput(value: string): string | null {
  return parse(value)?.toISOString() ?? null;
}

/** "Dec 1" (this year) or "Dec 1, 2027"; "" for a missing or invalid time. */
export function formatDay(iso: string, now: Date = new Date()): string {
  const date = parse(iso);
  if (!date) return "";
  return date.toLocaleDateString(undefined, {
    month: "short",
    day: "numeric",
    ...yearIfNotThis(date, now),
  });
}

/** "Dec 1, 9:30 AM" (this year) or "Dec 1, 2025, 9:30 AM"; "" for a missing or invalid time. */
export function formatDateTime(iso: string, now: Date = new Date()): string {
  const date = parse(iso);
  if (!date) return "";
  return date.toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    ...yearIfNotThis(date, now),
    hour: "numeric",
    minute: "2-digit",
  });
}

export function formatTime(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
}

/** "in 2 min", "in 40 s", or "now" for a retry time; later ones by the clock. */
export function untilText(at: number, now = Date.now()): string {
  const seconds = Math.round((at - now) / 1000);
  if (seconds <= 0) return "now";
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `in ${minutes} min`;
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  return sameDay
    ? `at ${formatTime(at)}`
    : `on ${formatDateTime(new Date(at).toISOString(), new Date(now))}`;
}

/** "@maya" from "maya@example.com": the handle shown on the X and LinkedIn previews. */
export function handleFromEmail(email: string): string {
  return `@${email.split("@")[0] || "you"}`;
}

/** "3 times", "1 time" */
export function timesText(count: number): string {
  return `${count} ${count === 1 ? "time" : "times"}`;
}

/**
 * An amount in ISO 4217 minor units as the reader's locale writes money: 250000 USD →
 * "$2,500" (en-US), 150000 EUR → "1.500 €" (de); decimals only when there are any. Uses the
 * ISO digits (shared/currency.ts), not the runtime's display digits.
 */
export function formatMoney(valueMinor: number, currency: string, locale?: string): string {
  const major = majorUnits(valueMinor, currency);
  try {
    return new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: Number.isInteger(major) ? 0 : minorUnitDigits(currency),
      maximumFractionDigits: minorUnitDigits(currency),
    }).format(major);
  } catch {
    // A code the runtime does not know: the number and the code.
    return `${major.toLocaleString(locale)} ${currency}`;
  }
}

/**
 * A calendar day (a deadline read from an email is that day's UTC midnight) as the reader's
 * locale writes it, without shifting it to the day before in time zones west of UTC.
 */
export function formatCalendarDay(iso: string | null | undefined): string {
  if (!iso) return "";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "";
  return at.toLocaleDateString(undefined, {
    month: "short",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  });
}
