/** The response envelope every API route answers with. */
/** Every error code the API answers; clients map each to words (shared/view). */
export const ERROR_CODES = [
  "VALIDATION_ERROR",
  "UNSUPPORTED_CONTENT_TYPE",
  "PAYLOAD_TOO_LARGE",
  "UNAUTHORIZED",
  "SESSION_EXPIRED",
  "INVALID_CREDENTIALS",
  "FORBIDDEN",
  "CSRF_REJECTED",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "EMAIL_TAKEN",
  "WORKSPACE_REQUIRED",
  "LAST_OWNER",
  "INVITATION_INVALID",
  "RATE_LIMITED",
  "QUOTA_EXCEEDED",
  "INVALID_STATUS_TRANSITION",
  "SCHEDULE_TIME_REQUIRED",
  "SCHEDULE_TIME_PAST",
  "IDEMPOTENCY_KEY_REUSED",
  "RESTORE_WINDOW_PASSED",
  "RULE_VIOLATION",
  "AI_UNAVAILABLE",
  "AI_OUTPUT_INVALID",
  "UNSUBSCRIBE_LINK_INVALID",
  "INTERNAL_ERROR",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiIssue {
  path: string;
  message: string;
}

export interface ApiErrorBody {
  message: string;
  code: ErrorCode;
  issues?: ApiIssue[];
  /** Machine-readable extras, e.g. `resetsAt` with QUOTA_EXCEEDED. */
  details?: Record<string, unknown>;
  requestId?: string;
}

export type ApiSuccess<T> = { success: true; data: T };
export type ApiFailure = { success: false; error: ApiErrorBody };
export type ApiEnvelope<T> = ApiSuccess<T> | ApiFailure;
