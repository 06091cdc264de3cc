import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import {
  type ActiveSession,
  findSession,
  type MemberOf,
  SESSION_COOKIE,
  type SessionUser,
} from "../auth/sessions";
import type { AppEnv } from "../context";
import type { MembershipWanted } from "../db/cross-workspace";
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
  // The scheme name is case-insensitive (RFC 9110 §11.1).
  const bearer = /^bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "");
  if (bearer?.[1]) return { token: bearer[1], via: "bearer" as const };
  if (cookie) return { token: cookie, via: "cookie" as const };
  return undefined;
}

/**
 * Signs the request in (401 without a live session) and answers the memberships asked for,
 * read in the same query as the session.
 */
export async function authenticate<E extends AppEnv & { Variables: AuthVariables }>(
  c: Context<E>,
  wanted: MembershipWanted,
): Promise<MemberOf[]> {
  const credentials = sessionToken(c, getCookie(c, SESSION_COOKIE));
  if (!credentials?.token) throw new ApiError(401, "UNAUTHORIZED", "Sign in to continue");
  const lookup = await findSession(c.var.db, credentials.token, wanted);
  if (lookup.status === "expired") {
    throw new ApiError(401, "SESSION_EXPIRED", "Your session has expired. Sign in again.");
  }
  if (lookup.status === "missing") throw new ApiError(401, "UNAUTHORIZED", "Sign in to continue");
  c.set("session", lookup.session);
  c.set("user", lookup.session.user);
  c.set("userId", lookup.session.user.id);
  c.set("authVia", credentials.via);
  return lookup.memberships;
}

/** Routes that need a signed-in user but no workspace (account, workspace list, invitations). */
export const requireUser = createMiddleware<AppEnv & { Variables: AuthVariables }>(
  async (c, next) => {
    await authenticate(c, { kind: "none" });
    await next();
  },
);
