import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import {
  type ActiveSession,
  findSession,
  SESSION_COOKIE,
  type SessionUser,
} from "../auth/sessions";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";

export type AuthVariables = {
  user: SessionUser;
  session: ActiveSession;
  authVia: "bearer" | "cookie";
};

/** The session token from `Authorization: Bearer …` (extension, API) or the dashboard cookie. */
export function sessionToken(
  c: { req: { header(name: string): string | undefined } },
  cookie?: string,
) {
  const authorization = c.req.header("Authorization");
  if (authorization?.startsWith("Bearer ")) {
    return { token: authorization.slice("Bearer ".length).trim(), via: "bearer" as const };
  }
  if (cookie) return { token: cookie, via: "cookie" as const };
  return undefined;
}

export const requireUser = createMiddleware<AppEnv & { Variables: AuthVariables }>(
  async (c, next) => {
    const credentials = sessionToken(c, getCookie(c, SESSION_COOKIE));
    if (!credentials?.token) throw new ApiError(401, "UNAUTHORIZED", "Sign in to continue");
    const lookup = await findSession(c.var.db, credentials.token);
    if (lookup.status === "expired") {
      throw new ApiError(401, "SESSION_EXPIRED", "Your session has expired. Sign in again.");
    }
    if (lookup.status === "missing") throw new ApiError(401, "UNAUTHORIZED", "Sign in to continue");
    c.set("session", lookup.session);
    c.set("user", lookup.session.user);
    c.set("userId", lookup.session.user.id);
    c.set("authVia", credentials.via);
    await next();
  },
);
