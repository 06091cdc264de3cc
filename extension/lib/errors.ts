import type { ApiIssue, ErrorCode } from "../../shared/envelope";

/** Codes the extension adds to the API's own. */
export type ExtensionErrorCode = ErrorCode | "OFFLINE" | "SIGNED_OUT" | "UNKNOWN" | "BAD_SENDER";

export interface ErrorExtras {
  retryAfterSeconds?: number;
  details?: Record<string, unknown>;
  issues?: ApiIssue[];
}

/** A failure the UI can explain: a code to branch on and a message fit to show. */
export class ExtensionError extends Error {
  constructor(
    readonly code: ExtensionErrorCode | string,
    message: string,
    /** HTTP status; 0 when no answer came back. */
    readonly status = 0,
    readonly extras: ErrorExtras = {},
  ) {
    super(message);
    this.name = "ExtensionError";
  }

  /**
   * Worth trying again later: no answer, a server fault, a rate limit, or no session yet (a
   * capture waits for the creator to sign in again rather than being dropped).
   */
  get retryable() {
    return (
      this.status === 0 || this.status === 429 || this.status >= 500 || this.code === "SIGNED_OUT"
    );
  }
}

/** The plain, message-safe shape of an error. */
export interface ErrorView {
  code: string;
  message: string;
  status: number;
  retryAfterSeconds?: number;
  details?: Record<string, unknown>;
}

export function errorView(error: unknown): ErrorView {
  if (error instanceof ExtensionError) {
    return {
      code: error.code,
      message: error.message,
      status: error.status,
      ...(error.extras.retryAfterSeconds
        ? { retryAfterSeconds: error.extras.retryAfterSeconds }
        : {}),
      ...(error.extras.details ? { details: error.extras.details } : {}),
    };
  }
  return { code: "UNKNOWN", message: "Something went wrong in the extension", status: 0 };
}
