/**
 * Sessions are random 256-bit tokens. Only their SHA-256 is stored, so a leaked database
 * cannot be replayed as logins. The dashboard carries the token in an HTTP-only cookie; the
 * extension and API clients send it as a bearer token.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { AuthClient } from "../../shared/auth";
import type { PlanId } from "../../shared/plans";
import type { Role } from "../../shared/roles";
import type { Db } from "../db/client";
import { type MembershipWanted, sessionWithMembership } from "../db/cross-workspace";
import { sessions } from "../db/schema";
import { randomToken, sha256Hex } from "../lib/encoding";
import { newId } from "../lib/ids";

export const SESSION_COOKIE = "co_session";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The extension stays signed in longer: a creator should not re-sign-in every month. */
const SESSION_TTL_MS: Record<AuthClient, number> = {
  web: 30 * DAY_MS,
  extension: 90 * DAY_MS,
  api: 90 * DAY_MS,
};
/** last_used_at is refreshed at most this often, so reads do not each cost a write. */
const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
}

export interface ActiveSession {
  id: string;
  expiresAt: Date;
  user: SessionUser;
}

/** A new session row and its token; the caller inserts the row (alone or in a batch). */
export async function newSession(userId: string, client: AuthClient, userAgent?: string) {
  const token = randomToken();
  const now = Date.now();
  const row = {
    id: newId("ses"),
    userId,
    tokenHash: await sha256Hex(token),
    client,
    expiresAt: new Date(now + SESSION_TTL_MS[client]),
    lastUsedAt: new Date(now),
    userAgent: userAgent?.slice(0, 200) ?? null,
  } satisfies typeof sessions.$inferInsert;
  return { token, row };
}

export type SessionLookup =
  | { status: "active"; session: ActiveSession; memberships: MemberOf[] }
  | { status: "expired" }
  | { status: "missing" };

/** A workspace the session's user belongs to, with their role in it. */
export interface MemberOf {
  id: string;
  name: string;
  plan: PlanId;
  role: Role;
}

type SessionRow = Awaited<ReturnType<typeof sessionWithMembership>>[number] &
  Partial<{
    workspaceId: string | null;
    workspaceName: string | null;
    plan: PlanId | null;
    role: Role | null;
  }>;

/**
 * The session of a token, its user and the memberships asked for, in one D1 query (plus a
 * write at most every five minutes to refresh `last_used_at`).
 */
export async function findSession(
  db: Db,
  token: string,
  wanted: MembershipWanted = { kind: "none" },
): Promise<SessionLookup> {
  const tokenHash = await sha256Hex(token);
  // Rows without the membership columns (wanted "none") read them as undefined.
  const rows = (await sessionWithMembership(db, tokenHash, wanted)) as SessionRow[];
  const found = rows[0];
  if (!found || found.revokedAt) return { status: "missing" };
  const now = Date.now();
  if (found.expiresAt.getTime() <= now) return { status: "expired" };
  if (now - found.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db
      .update(sessions)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(sessions.id, found.sessionId));
  }
  const memberships: MemberOf[] = [];
  for (const row of rows) {
    if (row.workspaceId && row.workspaceName && row.plan && row.role) {
      memberships.push({
        id: row.workspaceId,
        name: row.workspaceName,
        plan: row.plan,
        role: row.role,
      });
    }
  }
  return {
    status: "active",
    session: {
      id: found.sessionId,
      expiresAt: found.expiresAt,
      user: { id: found.userId, email: found.email, name: found.name },
    },
    memberships,
  };
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}
