/**
 * The client's one error vocabulary: an API error `code` (or one a client adds) → the words a
 * creator reads, in our words (never a server's sentence). The side panel and the dashboard say
 * failures through this table; the in-page buttons through the rows of it a page can need
 * (page-words.ts, which this table builds on). Pure: no DOM, no browser or Workers APIs.
 */
import type { ErrorCode } from "../envelope";
import { formatDay } from "./format";
import {
  type ErrorContext,
  type ErrorFacts,
  PAGE_WORDS,
  type Words,
  wordsFrom,
} from "./page-words";

/** Codes a client adds to the API's own. */
export const CLIENT_ERROR_CODES = [
  "OFFLINE",
  "SIGNED_OUT",
  "UNKNOWN",
  "BAD_SENDER",
  "UNSUPPORTED_CAPTURE",
] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

export { type ErrorContext, type ErrorFacts, TRY_AGAIN } from "./page-words";

/** The fields a request can name, in plain words; `*` is any position in a list. */
const FIELD_NAMES: Record<string, string> = {
  title: "title",
  body: "text",
  notes: "notes",
  tags: "tags",
  "tags.*": "tag",
  platforms: "platforms",
  parts: "posts",
  "parts.*": "post",
  status: "status",
  scheduledAt: "scheduled time",
  "source.url": "source address",
  "source.videoId": "video",
  "source.channel": "channel name",
  "source.description": "description",
  "source.selection": "selection",
  email: "email",
  password: "password",
  name: "name",
};
const PLURAL = new Set(["notes", "tags", "platforms", "posts"]);

/**
 * One field's problem in our words ("The title is too long (300 characters at most)."), from
 * the field's path and the limit in the validator's text; null for a field we cannot name.
 */
function fieldWords({ path, message }: { path: string; message: string }): string | null {
  const name = FIELD_NAMES[path.replace(/\.\d+(?=\.|$)/g, ".*")];
  if (!name) return null;
  const is = PLURAL.has(name) ? "are" : "is";
  const [, side, amount] = /([<>])=?\s*(\d+)/.exec(message) ?? [];
  const limit = Number(amount);
  if (side === "<" && /\bcharacters\b/.test(message)) {
    return `The ${name} ${is} too long (${limit} characters at most).`;
  }
  if (side === "<" && /\bitems\b/.test(message)) {
    return `There are too many ${name} (${limit} at most).`;
  }
  if (side === ">" && limit <= 1) return `The ${name} can't be empty.`;
  if (side === ">" && /\bcharacters\b/.test(message)) {
    return `The ${name} ${is} too short (at least ${limit} characters).`;
  }
  return `The ${name} ${is} not valid.`;
}

const invalid: Words = ({ issues }) => {
  const named = [...new Set((issues ?? []).map(fieldWords).filter(Boolean))];
  return named.length > 0
    ? named.slice(0, 3).join(" ")
    : "Some of this isn't valid. Check it and try again.";
};

export const ERROR_WORDS: Record<ErrorCode | ClientErrorCode, Words> = {
  // PAYLOAD_TOO_LARGE, UNAUTHORIZED, SESSION_EXPIRED, SIGNED_OUT, FORBIDDEN, WORKSPACE_REQUIRED,
  // BAD_SENDER and UNKNOWN: as a page says them.
  ...PAGE_WORDS,
  VALIDATION_ERROR: invalid,
  UNSUPPORTED_CONTENT_TYPE: "CreatorOps couldn't read that request. Update the extension.",
  INVALID_CREDENTIALS: "That email and password don't match. Check them and try again.",
  CSRF_REJECTED: "CreatorOps refused a request from another site. Reload the page.",
  NOT_FOUND: "This item no longer exists in this workspace.",
  METHOD_NOT_ALLOWED: "CreatorOps can't do that here. Update the extension.",
  CONFLICT: "That clashes with something already in this workspace. Reload and check.",
  EMAIL_TAKEN: "An account with this email already exists. Sign in instead.",
  LAST_OWNER: "A workspace needs an owner. Make someone else owner first.",
  INVITATION_INVALID: "This invitation has expired or was already used.",
  RATE_LIMITED: ({ retryAfterSeconds: seconds }) =>
    seconds
      ? `Too many tries. Wait ${seconds} ${seconds === 1 ? "second" : "seconds"} and try again.`
      : "Too many tries. Wait a moment and try again.",
  QUOTA_EXCEEDED: ({ details }) => {
    const resetsAt = details?.resetsAt;
    const day = typeof resetsAt === "string" ? formatDay(resetsAt) : "";
    return day
      ? `You've used this month's AI credits. They reset on ${day}.`
      : "You've used this month's AI credits.";
  },
  INVALID_STATUS_TRANSITION: "That status change isn't allowed.",
  SCHEDULE_TIME_REQUIRED: "Pick a date and time to schedule this for.",
  SCHEDULE_TIME_PAST: "That time has passed. Pick a time in the future.",
  IDEMPOTENCY_KEY_REUSED: "This was already sent with different content. Try again.",
  RESTORE_WINDOW_PASSED: "Deleted items can be restored for 30 days; this one is gone.",
  RULE_VIOLATION: "This breaks the platform's rules. Fix the problems shown and save again.",
  AI_UNAVAILABLE: "The AI is unavailable right now. Try again in a minute.",
  AI_OUTPUT_INVALID: "The AI's answer couldn't be used. Try again.",
  UNSUBSCRIBE_LINK_INVALID:
    "This unsubscribe link isn't valid. Use the link from the email itself.",
  INTERNAL_ERROR: "CreatorOps had a problem on its side. Try again in a moment.",
  OFFLINE: (_error, context) =>
    context === "signIn"
      ? "You're offline or CreatorOps can't be reached. Check your connection or the API address in settings."
      : context === "repurpose"
        ? "Lost the connection before repurposing finished. Check your connection, then reopen the item to see what was saved."
        : "You're offline — captures are queued.",
  UNSUPPORTED_CAPTURE:
    "This version of CreatorOps can't send this kind of capture. Update the extension, or discard it.",
};

/** The words for a failure; a code no table row knows (a newer API's) gets general words. */
export function errorWords(error: ErrorFacts, context: ErrorContext = "panel"): string {
  return wordsFrom(ERROR_WORDS, error, context);
}

/** Codes that mean the session is gone: the client goes back to sign-in. */
const SESSION_LOST: ReadonlySet<string> = new Set<ErrorCode | ClientErrorCode>([
  "SIGNED_OUT",
  "UNAUTHORIZED",
  "SESSION_EXPIRED",
]);

export function isSessionLostCode(code: string): boolean {
  return SESSION_LOST.has(code);
}
