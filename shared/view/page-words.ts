/**
 * The error words a page can need (the YouTube content script's buttons): what saving from a
 * page, or a message a page sends, can fail with. The content script's budget is tight, so it
 * carries these rather than the whole table; error-words.ts builds the full table on them. Pure:
 * no DOM, no browser or Workers APIs, no runtime imports.
 */

/** The facts of a failure, as an API envelope and the response headers give them. */
export interface ErrorFacts {
  code: string;
  /** The extension's own sentence, where a row says it is the best words (never a server's). */
  message?: string;
  /** HTTP status; 0 when no answer came back. */
  status?: number;
  retryAfterSeconds?: number;
  details?: Record<string, unknown>;
  /** The fields a VALIDATION_ERROR names (`title`, `tags.0`) with zod's own text (never shown). */
  issues?: readonly { path: string; message: string }[];
}

/**
 * Where the words are read: the same code can mean something else. Offline in the panel means
 * "captures wait in the queue"; on a sign-in form it means "check the address"; during a
 * repurposing run, that the run's connection broke; on a page the creator signs in from the
 * side panel, not here.
 */
export type ErrorContext = "panel" | "signIn" | "repurpose" | "page";

export type Words = string | ((error: ErrorFacts, context: ErrorContext) => string);

/** What an unexplained failure says. */
export const TRY_AGAIN = "Something went wrong. Try again.";

const sessionEnded: Words = (_error, context) =>
  context === "page"
    ? "Sign in from the CreatorOps side panel first."
    : "Your session ended. Sign in again.";

/** The rows a page can need; every other code reads as TRY_AGAIN there. */
export const PAGE_WORDS = {
  VALIDATION_ERROR: "Some of this isn't valid. Check it and try again.",
  PAYLOAD_TOO_LARGE: "That's too long to save. Shorten it and try again.",
  UNAUTHORIZED: sessionEnded,
  SESSION_EXPIRED: sessionEnded,
  SIGNED_OUT: sessionEnded,
  FORBIDDEN: "Your role in this workspace doesn't allow that.",
  WORKSPACE_REQUIRED: "Pick a workspace first.",
  BAD_SENDER: "This page can't ask CreatorOps for that.",
  // The extension's own sentence ("CreatorOps is restarting…"), never a server's.
  UNKNOWN: ({ message }) => message?.trim() || TRY_AGAIN,
} satisfies Record<string, Words>;

/** The words for a failure from `table`; a code it has no row for gets general words. */
export function wordsFrom(
  table: Record<string, Words>,
  error: ErrorFacts,
  context: ErrorContext,
): string {
  const words = Object.hasOwn(table, error.code) ? table[error.code] : undefined;
  if (words === undefined) return TRY_AGAIN;
  return typeof words === "string" ? words : words(error, context);
}

/** The words for a failure, read on a page. */
export const pageErrorWords = (error: ErrorFacts) => wordsFrom(PAGE_WORDS, error, "page");
