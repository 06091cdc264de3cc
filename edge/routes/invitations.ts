import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { Hono } from "hono";
import { acceptInvitationSchema } from "../../shared/workspaces";
import type { AppEnv } from "../context";
import { audit } from "../db/audit";
import { invitations, workspaceMembers, workspaces } from "../db/schema";
import { ApiError, forbidden } from "../errors";
import { sha256Hex } from "../lib/encoding";
import { requireUser } from "../middleware/auth";
import { valid } from "../middleware/validate";

const invalid = () =>
  new ApiError(
    400,
    "INVITATION_INVALID",
    "This invitation link is invalid, already used or expired. Ask for a new one.",
  );

export const invitationRoutes = new Hono<AppEnv>().post(
  "/accept",
  requireUser,
  valid("json", acceptInvitationSchema),
  async (c) => {
    const { token } = c.req.valid("json");
    const db = c.var.db;
    const user = c.var.user;
    const tokenHash = await sha256Hex(token);
    const [invitation] = await db
      .select()
      .from(invitations)
      .where(eq(invitations.tokenHash, tokenHash))
      .limit(1);
    if (!invitation || invitation.revokedAt || invitation.expiresAt.getTime() <= Date.now())
      throw invalid();
    if (invitation.acceptedAt && invitation.acceptedBy !== user.id) throw invalid();
    if (invitation.email !== user.email) {
      throw forbidden(
        `This invitation was sent to ${invitation.email}. Sign in with that email to accept it.`,
      );
    }

    const now = new Date();
    // Claiming the invitation and adding the member happen in one transaction; the conditional
    // UPDATE makes the token single-use even when two accepts race.
    const [claimed] = await db.batch([
      db
        .update(invitations)
        .set({ acceptedAt: now, acceptedBy: user.id })
        .where(
          and(
            eq(invitations.id, invitation.id),
            isNull(invitations.acceptedAt),
            isNull(invitations.revokedAt),
            gt(invitations.expiresAt, now),
          ),
        )
        .returning({ id: invitations.id }),
      db
        .insert(workspaceMembers)
        .select(
          db
            .select({
              workspaceId: invitations.workspaceId,
              userId: sql<string>`${user.id}`.as("user_id"),
              role: invitations.role,
              createdAt: sql<Date>`${now.getTime()}`.as("created_at"),
            })
            .from(invitations)
            .where(and(eq(invitations.id, invitation.id), eq(invitations.acceptedBy, user.id))),
        )
        .onConflictDoNothing(),
    ]);
    if (claimed.length > 0) {
      await audit(db, {
        workspaceId: invitation.workspaceId,
        actorId: user.id,
        action: "invitation.accepted",
        targetType: "invitation",
        targetId: invitation.id,
      });
    }

    const [workspace] = await db
      .select({
        id: workspaces.id,
        name: workspaces.name,
        plan: workspaces.plan,
        role: workspaceMembers.role,
      })
      .from(workspaceMembers)
      .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
      .where(
        and(
          eq(workspaceMembers.workspaceId, invitation.workspaceId),
          eq(workspaceMembers.userId, user.id),
        ),
      );
    if (!workspace) throw invalid();
    return c.json({ success: true as const, data: { workspace } });
  },
);
