/**
 * The client's one error vocabulary: an API error `code` (or one a client adds) → the words a
 * creator reads. The side panel, the in-page buttons and the dashboard all say failures through
 * this table. Pure: no DOM, no browser or Workers APIs, no runtime imports (it ships in the
 * YouTube content script, whose budget is tight).
 */
import type { ErrorCode } from "../envelope";
import { formatDay } from "./format";

/** Codes a client adds to the API's own. */
export const CLIENT_ERROR_CODES = ["OFFLINE", "SIGNED_OUT", "UNKNOWN", "BAD_SENDER"] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

/** The facts of a failure, as an API envelope and the response headers give them. */
export interface ErrorFacts {
  code: string;
  /** The API's (or client's) own sentence: shown where the table says it is the best words. */
  message?: string;
  /** HTTP status; 0 when no answer came back. */
  status?: number;
  retryAfterSeconds?: number;
  details?: Record<string, unknown>;
}

/**
 * Where the words are read: the same code can mean something else. Offline in the panel means
 * "captures wait in the queue"; on a sign-in form it means "check the address"; during a
 * repurposing run, that the run's connection broke; on a page the creator signs in from the
 * side panel, not here.
 */
export type ErrorContext = "panel" | "signIn" | "repurpose" | "page";

type Words = string | ((error: ErrorFacts, context: ErrorContext) => string);

/** What an unexplained failure says. */
export const TRY_AGAIN = "Something went wrong. Try again.";
/** The API's sentence is the most precise (field names, the move refused…), else `fallback`. */
const theirs =
  (fallback: string): Words =>
  (error) =>
    error.message?.trim() || fallback;
const sessionEnded: Words = (_error, context) =>
  context === "page"
    ? "Sign in from the CreatorOps side panel first."
    : "Your session ended. Sign in again.";

export const ERROR_WORDS: Record<ErrorCode | ClientErrorCode, Words> = {
  VALIDATION_ERROR: theirs("Some of this isn't valid. Check it and try again."),
  UNSUPPORTED_CONTENT_TYPE: "CreatorOps couldn't read that request. Update the extension.",
  PAYLOAD_TOO_LARGE: "That's too long to save. Shorten it and try again.",
  UNAUTHORIZED: sessionEnded,
  SESSION_EXPIRED: sessionEnded,
  SIGNED_OUT: sessionEnded,
  INVALID_CREDENTIALS: "That email and password don't match. Check them and try again.",
  FORBIDDEN: "Your role in this workspace doesn't allow that.",
  CSRF_REJECTED: "CreatorOps refused a request from another site. Reload the page.",
  NOT_FOUND: "This item no longer exists in this workspace.",
  METHOD_NOT_ALLOWED: "CreatorOps can't do that here. Update the extension.",
  CONFLICT: theirs("Someone changed this at the same time. Reload and try again."),
  EMAIL_TAKEN: "An account with this email already exists. Sign in instead.",
  WORKSPACE_REQUIRED: "Pick a workspace first.",
  LAST_OWNER: theirs("A workspace needs an owner. Make someone else owner first."),
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
  INVALID_STATUS_TRANSITION: theirs("That status change isn't allowed."),
  SCHEDULE_TIME_REQUIRED: "Pick a date and time to schedule this for.",
  SCHEDULE_TIME_PAST: "That time has passed. Pick a time in the future.",
  IDEMPOTENCY_KEY_REUSED: "This was already sent with different content. Try again.",
  RESTORE_WINDOW_PASSED: "Deleted items can be restored for 30 days; this one is gone.",
  RULE_VIOLATION: theirs(
    "This breaks the platform's rules. Fix the problems shown and save again.",
  ),
  AI_UNAVAILABLE: "The AI is unavailable right now. Try again in a minute.",
  AI_OUTPUT_INVALID: "The AI's answer couldn't be used. Try again.",
  INTERNAL_ERROR: "CreatorOps had a problem on its side. Try again in a moment.",
  OFFLINE: (_error, context) =>
    context === "signIn"
      ? "You're offline or CreatorOps can't be reached. Check your connection or the API address in settings."
      : context === "repurpose"
        ? "Lost the connection before repurposing finished. Check your connection, then reopen the item to see what was saved."
        : "You're offline — captures are queued.",
  BAD_SENDER: "This page can't ask CreatorOps for that.",
  UNKNOWN: theirs(TRY_AGAIN),
};

/** The words for a failure; a code no table row knows keeps the message it came with. */
export function errorWords(error: ErrorFacts, context: ErrorContext = "panel"): string {
  const words = ERROR_WORDS[error.code as keyof typeof ERROR_WORDS];
  if (words === undefined) return error.message?.trim() || TRY_AGAIN;
  return typeof words === "string" ? words : words(error, context);
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
