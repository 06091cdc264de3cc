/**
 * A failure as the extension carries it: a code to branch on, across the messaging boundary
 * as a plain ErrorView. What a creator reads comes from the one table of error words
 * (shared/view/error-words.ts, through explain.ts), never from here — and content scripts, which
 * import this, do not carry that table.
 */
import type { ApiIssue, ErrorCode } from "../../shared/envelope";
import type { ClientErrorCode } from "../../shared/view/error-words";

export type ExtensionErrorCode = ErrorCode | ClientErrorCode;

export interface ErrorExtras {
  retryAfterSeconds?: number;
  details?: Record<string, unknown>;
  issues?: ApiIssue[];
}

/** A failure the UI can explain: a code to branch on and the facts the words need. */
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
export interface ErrorView extends ErrorExtras {
  code: string;
  message: string;
  status: number;
}

export function errorView(error: unknown): ErrorView {
  if (error instanceof ExtensionError) {
    const { retryAfterSeconds, details, issues } = error.extras;
    return {
      code: error.code,
      message: error.message,
      status: error.status,
      ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
      ...(details ? { details } : {}),
      ...(issues ? { issues } : {}),
    };
  }
  return { code: "UNKNOWN", message: "Something went wrong in the extension", status: 0 };
}

/** An ErrorView back into an error, on the side that receives it. */
export function fromView({ code, message, status, ...extras }: ErrorView): ExtensionError {
  return new ExtensionError(code, message, status, extras);
}
