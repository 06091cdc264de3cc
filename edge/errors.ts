import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiFailure, ApiIssue, ErrorCode } from "../shared/envelope";
import type { AppEnv } from "./context";
import { errorText, logLine } from "./log";

/** Handlers throw these; `onError` turns them into the envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ApiIssue[],
    readonly headers?: Record<string, string>,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (what = "Not found") => new ApiError(404, "NOT_FOUND", what);
export const forbidden = (message = "Your role does not allow this") =>
  new ApiError(403, "FORBIDDEN", message);

/** Any zod failure (classic or core), reduced to field paths and messages. */
interface ZodFailure {
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
}

export function validationError(error: ZodFailure): ApiError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
  const summary = issues
    .slice(0, 3)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join("; ");
  return new ApiError(400, "VALIDATION_ERROR", `Invalid input — ${summary}`, issues);
}

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: "VALIDATION_ERROR",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  429: "RATE_LIMITED",
};

function failure(
  code: ErrorCode,
  message: string,
  requestId: string,
  issues?: ApiIssue[],
  details?: Record<string, unknown>,
) {
  const body: ApiFailure = { success: false, error: { message, code, requestId } };
  if (issues) body.error.issues = issues;
  if (details) body.error.details = details;
  return body;
}

/**
 * Any thrown value as the envelope's failure body, its HTTP status and headers. The error
 * handler answers it as JSON; a stream that fails midway sends the same body in its last event.
 */
export function errorResponse(
  err: unknown,
  requestId: string,
): { status: ContentfulStatusCode; body: ApiFailure; headers: Record<string, string> } {
  if (err instanceof ApiError) {
    return {
      status: err.status,
      body: failure(err.code, err.message, requestId, err.issues, err.details),
      headers: err.headers ?? {},
    };
  }
  if (err instanceof HTTPException) {
    const code = CODE_BY_STATUS[err.status] ?? "INTERNAL_ERROR";
    return {
      status: err.status,
      body: failure(code, err.message || "Request rejected", requestId),
      headers: {},
    };
  }
  // Unexpected: log the error class and message only (never request bodies or secrets).
  logLine("error", {
    requestId,
    action: "unhandled_error",
    error: errorText(err),
  });
  return {
    status: 500,
    body: failure("INTERNAL_ERROR", "Something went wrong on our side", requestId),
    headers: {},
  };
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const { status, body, headers } = errorResponse(err, c.get("requestId"));
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json(body, status);
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  c.json(
    failure("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`, c.get("requestId")),
    404,
  );
