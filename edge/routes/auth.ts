import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { type AuthClient, signinSchema, signupSchema } from "../../shared/auth";
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from "../auth/password";
import { newSession, revokeSession, SESSION_COOKIE } from "../auth/sessions";
import type { AppEnv } from "../context";
import { listMemberships } from "../db/memberships";
import { auditLog, sessions, users, workspaceMembers, workspaces } from "../db/schema";
import { isUniqueViolation } from "../db/unique";
import { ApiError } from "../errors";
import { newId } from "../lib/ids";
import { requireUser } from "../middleware/auth";
import { valid } from "../middleware/validate";
import { AUTH_LIMITS, enforceLimit } from "../rate-limits";

/** The client's IP as Cloudflare reports it; one bucket for unknown callers (local tools). */
const clientIp = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP") ?? "unknown";

/**
 * Hands the session to the client: an HTTP-only cookie for the dashboard (the token never
 * reaches page scripts), the token itself for the extension and API clients.
 */
function issueSession(
  c: Context<AppEnv>,
  client: AuthClient,
  session: { token: string; row: { expiresAt: Date } },
) {
  if (client === "web") {
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      secure: true,
      sameSite: "Lax",
      path: "/",
      expires: session.row.expiresAt,
    });
    return { expiresAt: session.row.expiresAt.toISOString() };
  }
  return { token: session.token, expiresAt: session.row.expiresAt.toISOString() };
}

export const authRoutes = new Hono<AppEnv>()
  .post("/signup", valid("json", signupSchema), async (c) => {
    const input = c.req.valid("json");
    await enforceLimit(c.env, `signup:ip:${clientIp(c)}`, AUTH_LIMITS.signupPerIp);

    const userId = newId("usr");
    const workspaceId = newId("ws");
    const name = input.name ?? input.email.split("@")[0] ?? input.email;
    const session = await newSession(userId, input.client, c.req.header("User-Agent"));
    const db = c.var.db;
    try {
      // One batch = one transaction: a user never exists without their personal workspace.
      await db.batch([
        db.insert(users).values({
          id: userId,
          email: input.email,
          name,
          passwordHash: await hashPassword(input.password),
        }),
        db
          .insert(workspaces)
          .values({ id: workspaceId, name: `${name}'s workspace`, createdBy: userId }),
        db.insert(workspaceMembers).values({ workspaceId, userId, role: "owner" }),
        db.insert(sessions).values(session.row),
        db.insert(auditLog).values({
          id: newId("aud"),
          workspaceId,
          actorId: userId,
          action: "workspace.created",
          targetType: "workspace",
          targetId: workspaceId,
        }),
      ]);
    } catch (error) {
      if (isUniqueViolation(error, "users.email")) {
        throw new ApiError(
          409,
          "EMAIL_TAKEN",
          "An account with this email already exists. Sign in instead.",
        );
      }
      throw error;
    }
    return c.json(
      {
        success: true as const,
        data: {
          user: { id: userId, email: input.email, name },
          workspaceId,
          ...issueSession(c, input.client, session),
        },
      },
      201,
    );
  })

  .post("/signin", valid("json", signinSchema), async (c) => {
    const input = c.req.valid("json");
    await enforceLimit(c.env, `signin:ip:${clientIp(c)}`, AUTH_LIMITS.signinPerIp);
    await enforceLimit(c.env, `signin:email:${input.email}`, AUTH_LIMITS.signinPerEmail);

    const [user] = await c.var.db.select().from(users).where(eq(users.email, input.email)).limit(1);
    // Unknown emails still cost one hash, so timing does not reveal which emails have accounts.
    const passwordOk = await verifyPassword(
      input.password,
      user?.passwordHash ?? DUMMY_PASSWORD_HASH,
    );
    if (!user?.passwordHash || !passwordOk) {
      throw new ApiError(401, "INVALID_CREDENTIALS", "Email or password is incorrect");
    }
    const session = await newSession(user.id, input.client, c.req.header("User-Agent"));
    await c.var.db.insert(sessions).values(session.row);
    return c.json({
      success: true as const,
      data: {
        user: { id: user.id, email: user.email, name: user.name },
        ...issueSession(c, input.client, session),
      },
    });
  })

  .post("/signout", requireUser, async (c) => {
    await revokeSession(c.var.db, c.var.session.id);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
    return c.json({ success: true as const, data: { signedOut: true } });
  })

  .get("/me", requireUser, async (c) => {
    const memberships = await listMemberships(c.var.db, c.var.user.id);
    return c.json({
      success: true as const,
      data: {
        user: c.var.user,
        sessionExpiresAt: c.var.session.expiresAt.toISOString(),
        workspaces: memberships,
      },
    });
  });
