import type { Context } from "hono";
import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { type AuthClient, signinSchema, signupSchema } from "../../shared/auth";
import { notificationSettingsPatchSchema } from "../../shared/notifications";
import { signIn } from "../accounts/signin";
import { type IssuedSession, signUp } from "../accounts/signup";
import { revokeSession, SESSION_COOKIE } from "../auth/sessions";
import { issueCalendarFeedToken } from "../calendar/feed-token";
import type { AppEnv } from "../context";
import { notificationSettings, updateNotificationSettings } from "../email/preferences";
import { requireUser } from "../middleware/auth";
import { valid } from "../middleware/validate";
import { workspaceFromHeader } from "../middleware/workspace";
import { listMyWorkspaces } from "../workspaces/workspaces";

/** The client's IP as Cloudflare reports it; one bucket for unknown callers (local tools). */
const clientIp = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP") ?? "unknown";

/**
 * Hands the session to the client: an HTTP-only cookie for the dashboard (the token never
 * reaches page scripts), the token itself for the extension and API clients.
 */
function issueSession(c: Context<AppEnv>, client: AuthClient, session: IssuedSession) {
  if (client === "web") {
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      secure: true,
      sameSite: "Lax",
      path: "/",
      expires: session.expiresAt,
    });
    return { expiresAt: session.expiresAt.toISOString() };
  }
  return { token: session.token, expiresAt: session.expiresAt.toISOString() };
}

export const authRoutes = new Hono<AppEnv>()
  .post("/signup", valid("json", signupSchema), async (c) => {
    const input = c.req.valid("json");
    const { user, workspaceId, session } = await signUp(c.var.db, c.env, {
      ...input,
      ip: clientIp(c),
      userAgent: c.req.header("User-Agent"),
    });
    return c.json(
      {
        success: true as const,
        data: { user, workspaceId, ...issueSession(c, input.client, session) },
      },
      201,
    );
  })

  .post("/signin", valid("json", signinSchema), async (c) => {
    const input = c.req.valid("json");
    const { user, session } = await signIn(c.var.db, c.env, {
      ...input,
      ip: clientIp(c),
      userAgent: c.req.header("User-Agent"),
    });
    return c.json({
      success: true as const,
      data: { user, ...issueSession(c, input.client, session) },
    });
  })

  .post("/signout", requireUser, async (c) => {
    await revokeSession(c.var.db, c.var.session.id);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
    return c.json({ success: true as const, data: { signedOut: true } });
  })

  .get("/me", requireUser, async (c) => {
    const workspaces = await listMyWorkspaces(c.var.db, c.var.user.id);
    return c.json({
      success: true as const,
      data: {
        user: c.var.user,
        sessionExpiresAt: c.var.session.expiresAt.toISOString(),
        workspaces,
      },
    });
  })

  /** The caller's email settings: `{ timeZone, digest, emails: { <kind>: boolean } }`. */
  .get("/me/notifications", requireUser, async (c) => {
    const data = await notificationSettings(c.var.db, c.var.user);
    return c.json({ success: true as const, data });
  })

  /**
   * Changes the caller's email settings (any subset; `timeZone` is an IANA zone). A new time
   * zone, or the digest turned on, moves the next digest to the next local 08:00.
   */
  .patch(
    "/me/notifications",
    requireUser,
    valid("json", notificationSettingsPatchSchema),
    async (c) => {
      const data = await updateNotificationSettings(c.var.db, c.var.user, c.req.valid("json"));
      return c.json({ success: true as const, data });
    },
  )

  /**
   * Creates or rotates the caller's calendar feed token for the workspace of `X-Workspace-Id`
   * (any member, for themselves): 201 with `{ url, createdAt }`. The old URL answers 404 at once.
   */
  .post("/me/calendar-token", workspaceFromHeader("member"), async (c) => {
    const data = await issueCalendarFeedToken(c.var.ctx);
    return c.json({ success: true as const, data }, 201);
  });
