/**
 * The words for a failure in the extension's pages (side panel, options), from the one table
 * (shared/view/error-words.ts). Content scripts use the smaller page-words table instead.
 */
import {
  type ErrorContext,
  errorWords,
  isSessionLostCode,
  TRY_AGAIN,
} from "../../shared/view/error-words";
import { ExtensionError } from "./errors";

/** The words for any failure, from the one table. */
export function explain(error: unknown, context?: ErrorContext): string {
  if (!(error instanceof ExtensionError)) return TRY_AGAIN;
  const { code, message, status, extras } = error;
  return errorWords({ ...extras, code, message, status }, context);
}

/** The session is gone: the panel goes back to sign-in. */
export function isSessionLost(error: unknown): boolean {
  return error instanceof ExtensionError && isSessionLostCode(error.code);
}
