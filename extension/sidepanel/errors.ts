/** What the panel says about a failure, by code: the API's message is the fallback. */
import { ExtensionError } from "../lib/errors";

/** Codes that mean the session is gone: the panel goes back to sign-in. */
export const SESSION_LOST_CODES: ReadonlySet<string> = new Set([
  "SIGNED_OUT",
  "UNAUTHORIZED",
  "SESSION_EXPIRED",
]);

export function isSessionLost(error: unknown): boolean {
  return error instanceof ExtensionError && SESSION_LOST_CODES.has(error.code);
}

export function errorCode(error: unknown): string {
  return error instanceof ExtensionError ? error.code : "UNKNOWN";
}

function resetsOn(details: Record<string, unknown> | undefined): string | null {
  const resetsAt = details?.resetsAt;
  if (typeof resetsAt !== "string") return null;
  const date = new Date(resetsAt);
  if (Number.isNaN(date.getTime())) return null;
  return date.toLocaleDateString(undefined, { month: "long", day: "numeric" });
}

/**
 * A sentence fit to show. `context` changes what "offline" means: a failed sign-in cannot be
 * queued, a capture can.
 */
export function explainError(error: unknown, context: "panel" | "signIn" = "panel"): string {
  if (!(error instanceof ExtensionError)) return "Something went wrong. Try again.";
  switch (error.code) {
    case "INVALID_CREDENTIALS":
      return "That email and password don't match. Check them and try again.";
    case "RATE_LIMITED": {
      const seconds = error.extras.retryAfterSeconds;
      return seconds
        ? `Too many tries. Wait ${seconds} ${seconds === 1 ? "second" : "seconds"} and try again.`
        : "Too many tries. Wait a moment and try again.";
    }
    case "OFFLINE":
      return context === "signIn"
        ? "You're offline or CreatorOps can't be reached. Check your connection or the API address in settings."
        : "You're offline — captures are queued.";
    case "QUOTA_EXCEEDED": {
      const day = resetsOn(error.extras.details);
      return day
        ? `You've used this month's AI credits. They reset on ${day}.`
        : "You've used this month's AI credits.";
    }
    case "SIGNED_OUT":
    case "UNAUTHORIZED":
    case "SESSION_EXPIRED":
      return "Your session ended. Sign in again.";
    case "SCHEDULE_TIME_REQUIRED":
      return "Pick a date and time to schedule this for.";
    case "INVALID_STATUS_TRANSITION":
      return error.message || "That status change isn't allowed.";
    case "NOT_FOUND":
      return "This item no longer exists in this workspace.";
    case "AI_UNAVAILABLE":
      return "The AI is unavailable right now. Try again in a minute.";
    default:
      return error.message || "Something went wrong. Try again.";
  }
}
