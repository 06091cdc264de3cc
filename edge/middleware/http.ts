/** Cross-cutting HTTP behaviour: request ids and logs, CORS, security headers, body rules, CSRF. */
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { SESSION_COOKIE } from "../auth/sessions";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";
import { logLine } from "../log";
import { sessionToken } from "./auth";

/**
 * JSON bodies above this are refused with 413 before any parsing. It fits the largest content
 * item the schemas allow (shared/limits.ts: 100,000 + 50,000 + … UTF-16 units, up to 3 bytes
 * each in UTF-8), with room for JSON escapes.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

export function allowedOrigins(env: Env): string[] {
  const extensions = env.EXTENSION_ORIGINS.split(",").map((origin) => origin.trim());
  return [env.APP_ORIGIN, ...extensions].filter(Boolean);
}

/** One JSON line per request: ids, route and timing; never bodies, tokens or cookies. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  await next();
  logLine(c.res.status >= 500 ? "error" : "info", {
    requestId: c.var.requestId,
    userId: c.var.userId ?? null,
    workspaceId: c.var.workspaceId ?? null,
    action: `${c.req.method} ${c.req.routePath}`,
    status: c.res.status,
    duration: Date.now() - started,
  });
});

export const corsForKnownOrigins = createMiddleware<AppEnv>((c, next) =>
  cors({
    origin: (origin) => (allowedOrigins(c.env).includes(origin) ? origin : null),
    credentials: true,
    allowHeaders: ["Content-Type", "Authorization", "X-Workspace-Id", "Idempotency-Key"],
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
    exposeHeaders: ["X-Request-Id", "Retry-After"],
    maxAge: 600,
  })(c, next),
);

export const limitBodySize = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(
      413,
      "PAYLOAD_TOO_LARGE",
      `Request bodies are limited to ${MAX_BODY_BYTES / 1024 / 1024} MB`,
    );
  },
});

/**
 * The one route that takes a form body: RFC 8058's one-click unsubscribe, which mail clients
 * POST as `List-Unsubscribe=One-Click`, form-encoded or multipart.
 */
const FORM_ROUTES = new Set(["/api/email/unsubscribe"]);
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/** Every request body is JSON; anything else is refused before it reaches a handler. */
export const requireJsonBodies = createMiddleware<AppEnv>(async (c, next) => {
  const hasBody = c.req.raw.body !== null && c.req.header("Content-Length") !== "0";
  const mediaType = c.req.header("Content-Type")?.split(";")[0]?.trim().toLowerCase();
  const formAllowed = FORM_ROUTES.has(c.req.path) && mediaType && FORM_TYPES.has(mediaType);
  if (hasBody && mediaType !== "application/json" && !formAllowed) {
    throw new ApiError(
      400,
      "UNSUPPORTED_CONTENT_TYPE",
      "Send the body as JSON with Content-Type: application/json",
    );
  }
  await next();
});

/**
 * Cookie-authenticated writes must come from an allowed origin (the dashboard's own). Bearer
 * requests are exempt: a browser never attaches a bearer token on its own. (Hono's `csrf`
 * middleware only inspects form-like content types, so JSON writes need this check.)
 */
export const csrfForCookieSessions = createMiddleware<AppEnv>(async (c, next) => {
  // The same reading as sign-in: a request that signs in with the cookie is checked, whatever
  // other Authorization header it carries.
  if (sessionToken(c, getCookie(c, SESSION_COOKIE))?.via !== "cookie") return next();
  if (["GET", "HEAD", "OPTIONS"].includes(c.req.method)) return next();
  const origin = c.req.header("Origin");
  const fetchSite = c.req.header("Sec-Fetch-Site");
  if (fetchSite === "same-origin" || (origin && allowedOrigins(c.env).includes(origin)))
    return next();
  throw new ApiError(
    403,
    "CSRF_REJECTED",
    "This request did not come from the CreatorOps dashboard",
  );
});
