/** The response envelope every API route answers with. */
export type ErrorCode =
  | "VALIDATION_ERROR"
  | "UNSUPPORTED_CONTENT_TYPE"
  | "PAYLOAD_TOO_LARGE"
  | "UNAUTHORIZED"
  | "SESSION_EXPIRED"
  | "INVALID_CREDENTIALS"
  | "FORBIDDEN"
  | "CSRF_REJECTED"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "CONFLICT"
  | "EMAIL_TAKEN"
  | "WORKSPACE_REQUIRED"
  | "LAST_OWNER"
  | "INVITATION_INVALID"
  | "RATE_LIMITED"
  | "QUOTA_EXCEEDED"
  | "INTERNAL_ERROR";

export interface ApiIssue {
  path: string;
  message: string;
}

export interface ApiErrorBody {
  message: string;
  code: ErrorCode;
  issues?: ApiIssue[];
  requestId?: string;
}

export type ApiSuccess<T> = { success: true; data: T };
export type ApiFailure = { success: false; error: ApiErrorBody };
export type ApiEnvelope<T> = ApiSuccess<T> | ApiFailure;
