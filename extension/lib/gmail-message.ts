/**
 * A Gmail message as the page reads it (selectors/gmail.ts), and how the background makes it the
 * body of `POST /api/deals/capture-email`: the date title read as an instant in the browser's
 * time zone, every address checked as the server would and lower-cased, recipients deduplicated
 * and the sender never counted as one. Done here, not in the page: the Gmail content script's
 * size budget is 15 KB gzipped, and nothing here needs the page.
 */
import { type CaptureEmailInput, MAX_CAPTURED_BODY_CHARS } from "../../shared/crm";
import { ExtensionError } from "./errors";

/** An address as Gmail's header shows it: unchecked, in the case it was written. */
export interface RawMailbox {
  name?: string;
  email: string;
}

/** What the page reads of one open message; `dateTitle` is the date element's `title`. */
export interface GmailMessage {
  messageId: string;
  threadId?: string;
  threadUrl?: string;
  subject: string;
  from: RawMailbox;
  to: RawMailbox[];
  cc?: RawMailbox[];
  dateTitle: string;
  bodyText: string;
  /** A message of a captured conversation makes its own deal instead of joining the thread's. */
  newDeal?: boolean;
}

type Mailbox = { name?: string; email: string };

/** The same shape zod's `z.email()` accepts on the server: an address it would refuse is dropped. */
const EMAIL =
  /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** A checked, lower-cased address; its name only when it says more than the address. */
function mailbox(raw: RawMailbox): Mailbox | null {
  const email = raw.email.trim();
  if (!EMAIL.test(email)) return null;
  const lower = email.toLowerCase();
  const name = raw.name?.replace(/\s+/g, " ").trim().slice(0, MAX_NAME_CHARS);
  return name && name.toLowerCase() !== lower ? { name, email: lower } : { email: lower };
}

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const TIME = String.raw`(?:at )?(\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([ap])\.?m\.?)?`;
const MONTH_FIRST = new RegExp(
  String.raw`^([a-z]{3,9})\.? (\d{1,2}),? (?:(\d{4}),? )?${TIME}$`,
  "i",
);
const DAY_FIRST = new RegExp(String.raw`^(\d{1,2}) ([a-z]{3,9})\.?,? (?:(\d{4}),? )?${TIME}$`, "i");

function monthIndex(name: string): number {
  const lower = name.toLowerCase();
  return lower.length >= 3 ? MONTHS.findIndex((month) => month.startsWith(lower)) : -1;
}

/**
 * Gmail's date title ("Mon, Nov 30, 2026, 9:00 AM", "30 Nov 2026, 09:00", with Chrome's narrow
 * no-break space before AM/PM) → an ISO 8601 instant in UTC, reading the time in the browser's
 * time zone as Gmail shows it. A title without a year is taken as the latest such date not after
 * `now` (plus a day of slack). English month names only; null when unreadable.
 */
export function parseGmailDate(title: string, now: Date = new Date()): string | null {
  const text = title
    .replace(/[\u00a0\u2009\u202f]/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,? /i, "");
  const monthFirst = MONTH_FIRST.exec(text);
  const match = monthFirst ?? DAY_FIRST.exec(text);
  if (!match) return null;
  const [, a = "", b = "", yearText, hourText = "", minuteText = "", secondText, meridiem] = match;
  const month = monthIndex(monthFirst ? a : b);
  const day = Number(monthFirst ? b : a);
  let hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText ?? 0);
  if (month < 0 || minute > 59 || second > 59) return null;
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem.toLowerCase() === "p" ? 12 : 0);
  } else if (hour > 23) {
    return null;
  }
  const build = (year: number) => new Date(year, month, day, hour, minute, second);
  let year = yearText ? Number(yearText) : now.getFullYear();
  let date = build(year);
  if (!yearText && date.getTime() > now.getTime() + 86_400_000) date = build(--year);
  if (date.getFullYear() !== year || date.getMonth() !== month || date.getDate() !== day) {
    return null;
  }
  return date.toISOString();
}

/**
 * When Gmail's legacy message id says the message was received: its high bits (id >> 20) are
 * milliseconds since 1970 — observed on Gmail's ids, not documented by Google — so a date title
 * in a language the parser does not read still gives the instant. Null when it is not plausible
 * (before Gmail, or after `now`).
 */
export function dateFromMessageId(messageId: string, now: Date): string | null {
  if (!/^[0-9a-f]{11,16}$/i.test(messageId)) return null;
  const at = Number(BigInt(`0x${messageId}`) >> 20n);
  return at >= Date.UTC(2004, 0, 1) && at <= now.getTime() + 86_400_000
    ? new Date(at).toISOString()
    : null;
}

/** The API's limits (shared/crm.ts captureEmailSchema): what the page read is fitted to them. */
const MAX_RECIPIENTS = 100;
const MAX_NAME_CHARS = 200;
const MAX_SUBJECT_CHARS = 1000;

/**
 * The capture body for `message`, read at `now`.
 * @throws ExtensionError VALIDATION_ERROR when the sender's address or the date cannot be read
 *   (Gmail changed its page): nothing is queued that the API would refuse.
 */
export function captureEmailOf(message: GmailMessage, now: Date = new Date()): CaptureEmailInput {
  const from = mailbox(message.from);
  const date = parseGmailDate(message.dateTitle, now) ?? dateFromMessageId(message.messageId, now);
  if (!from || !date) {
    throw new ExtensionError(
      "VALIDATION_ERROR",
      from ? "This email's date can't be read" : "This email's sender can't be read",
      400,
    );
  }
  const seen = new Set([from.email]);
  const people = (list: readonly RawMailbox[] | undefined) =>
    (list ?? []).flatMap((raw) => {
      const person = mailbox(raw);
      if (!person || seen.has(person.email)) return [];
      seen.add(person.email);
      return [person];
    });
  const to = people(message.to).slice(0, MAX_RECIPIENTS);
  const cc = people(message.cc).slice(0, MAX_RECIPIENTS);
  return {
    messageId: message.messageId,
    ...(message.threadId ? { threadId: message.threadId } : {}),
    ...(message.threadUrl ? { threadUrl: message.threadUrl } : {}),
    subject: message.subject.slice(0, MAX_SUBJECT_CHARS),
    from,
    to,
    ...(cc.length ? { cc } : {}),
    date,
    // The server reads the first 50,000 characters; what it accepts at all is bounded too.
    bodyText: message.bodyText.slice(0, MAX_CAPTURED_BODY_CHARS),
    ...(message.newDeal !== undefined ? { newDeal: message.newDeal } : {}),
  };
}
