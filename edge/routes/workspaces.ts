import { and, asc, count, eq, gt, isNull, sql } from "drizzle-orm";
import { Hono } from "hono";
import { roleAtLeast } from "../../shared/roles";
import {
  createInvitationSchema,
  createWorkspaceSchema,
  invitationParamSchema,
  memberParamSchema,
  updateMemberSchema,
  updateWorkspaceSchema,
  workspaceParamSchema,
} from "../../shared/workspaces";
import type { AppEnv } from "../context";
import { audit } from "../db/audit";
import { listMemberships } from "../db/memberships";
import { invitations, users, workspaceMembers, workspaces } from "../db/schema";
import { ApiError, forbidden, notFound } from "../errors";
import { randomToken, sha256Hex } from "../lib/encoding";
import { newId } from "../lib/ids";
import { requireUser } from "../middleware/auth";
import { valid } from "../middleware/validate";
import { workspaceFromPath } from "../middleware/workspace";

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const invitationView = (row: typeof invitations.$inferSelect) => ({
  id: row.id,
  email: row.email,
  role: row.role,
  expiresAt: row.expiresAt.toISOString(),
  createdAt: row.createdAt.toISOString(),
});

export const workspaceRoutes = new Hono<AppEnv>()
  .use(requireUser)

  .get("/", async (c) => {
    return c.json({ success: true as const, data: await listMemberships(c.var.db, c.var.user.id) });
  })

  .post("/", valid("json", createWorkspaceSchema), async (c) => {
    const { name } = c.req.valid("json");
    const id = newId("ws");
    const db = c.var.db;
    const userId = c.var.user.id;
    await db.batch([
      db.insert(workspaces).values({ id, name, createdBy: userId }),
      db.insert(workspaceMembers).values({ workspaceId: id, userId, role: "owner" }),
      audit(db, {
        workspaceId: id,
        actorId: userId,
        action: "workspace.created",
        targetType: "workspace",
        targetId: id,
      }),
    ]);
    return c.json(
      { success: true as const, data: { id, name, plan: "free" as const, role: "owner" as const } },
      201,
    );
  })

  .get("/:id", valid("param", workspaceParamSchema), workspaceFromPath("member"), async (c) => {
    const [row] = await c.var.db
      .select()
      .from(workspaces)
      .where(eq(workspaces.id, c.var.workspace.id));
    if (!row) throw notFound("Workspace not found");
    const [members] = await c.var.db
      .select({ count: count() })
      .from(workspaceMembers)
      .where(eq(workspaceMembers.workspaceId, row.id));
    return c.json({
      success: true as const,
      data: {
        id: row.id,
        name: row.name,
        plan: row.plan,
        brandVoice: row.brandVoice ?? { description: "", samples: [] },
        settings: row.settings ?? {},
        role: c.var.workspace.role,
        memberCount: members?.count ?? 0,
        createdAt: row.createdAt.toISOString(),
      },
    });
  })

  .patch(
    "/:id",
    valid("param", workspaceParamSchema),
    workspaceFromPath("admin"),
    valid("json", updateWorkspaceSchema),
    async (c) => {
      const changes = c.req.valid("json");
      const db = c.var.db;
      const [updated] = await db
        .update(workspaces)
        .set({ ...changes, updatedAt: new Date() })
        .where(eq(workspaces.id, c.var.workspace.id))
        .returning({
          id: workspaces.id,
          name: workspaces.name,
          plan: workspaces.plan,
          brandVoice: workspaces.brandVoice,
          settings: workspaces.settings,
        });
      await audit(db, {
        workspaceId: c.var.workspace.id,
        actorId: c.var.user.id,
        action: "workspace.updated",
        targetType: "workspace",
        targetId: c.var.workspace.id,
        metadata: { fields: Object.keys(changes) },
      });
      return c.json({ success: true as const, data: updated });
    },
  )

  .delete("/:id", valid("param", workspaceParamSchema), workspaceFromPath("owner"), async (c) => {
    const { id, name } = c.var.workspace;
    const db = c.var.db;
    // Members, content, deals and the rest go with it (ON DELETE CASCADE).
    await db.batch([
      db.delete(workspaces).where(eq(workspaces.id, id)),
      audit(db, {
        workspaceId: null,
        actorId: c.var.user.id,
        action: "workspace.deleted",
        targetType: "workspace",
        targetId: id,
        metadata: { name },
      }),
    ]);
    return c.json({ success: true as const, data: { id, deleted: true } });
  })

  .get(
    "/:id/members",
    valid("param", workspaceParamSchema),
    workspaceFromPath("member"),
    async (c) => {
      const members = await c.var.db
        .select({
          userId: users.id,
          email: users.email,
          name: users.name,
          role: workspaceMembers.role,
          joinedAt: workspaceMembers.createdAt,
        })
        .from(workspaceMembers)
        .innerJoin(users, eq(users.id, workspaceMembers.userId))
        .where(eq(workspaceMembers.workspaceId, c.var.workspace.id))
        .orderBy(asc(workspaceMembers.createdAt));
      return c.json({ success: true as const, data: members });
    },
  )

  .patch(
    "/:id/members/:userId",
    valid("param", memberParamSchema),
    workspaceFromPath("admin"),
    valid("json", updateMemberSchema),
    async (c) => {
      const { userId } = c.req.valid("param");
      const { role } = c.req.valid("json");
      const target = await findMember(c.var.db, c.var.workspace.id, userId);
      // Only owners grant or take away ownership; admins manage admins and members.
      if ((role === "owner" || target.role === "owner") && c.var.workspace.role !== "owner") {
        throw forbidden("Only an owner can change ownership");
      }
      const [changed] = await c.var.db
        .update(workspaceMembers)
        .set({ role })
        .where(memberRow(c.var.workspace.id, userId, { keepAnOwner: role !== "owner" }))
        .returning({ userId: workspaceMembers.userId });
      if (!changed) throw lastOwner();
      await audit(c.var.db, {
        workspaceId: c.var.workspace.id,
        actorId: c.var.user.id,
        action: "member.role_changed",
        targetType: "user",
        targetId: userId,
        metadata: { from: target.role, to: role },
      });
      return c.json({ success: true as const, data: { userId, role } });
    },
  )

  .delete(
    "/:id/members/:userId",
    valid("param", memberParamSchema),
    workspaceFromPath("member"),
    async (c) => {
      const { userId } = c.req.valid("param");
      const actor = c.var.workspace.role;
      const leaving = userId === c.var.user.id;
      const target = await findMember(c.var.db, c.var.workspace.id, userId);
      // Anyone may leave; removing others needs admin, and removing an admin or owner needs owner.
      if (!leaving) {
        if (!roleAtLeast(actor, "admin"))
          throw forbidden("Only admins and owners can remove members");
        if (target.role !== "member" && actor !== "owner")
          throw forbidden("Only an owner can remove an admin or owner");
      }
      const [removed] = await c.var.db
        .delete(workspaceMembers)
        .where(memberRow(c.var.workspace.id, userId, { keepAnOwner: true }))
        .returning({ userId: workspaceMembers.userId });
      if (!removed) throw lastOwner();
      await audit(c.var.db, {
        workspaceId: c.var.workspace.id,
        actorId: c.var.user.id,
        action: leaving ? "member.left" : "member.removed",
        targetType: "user",
        targetId: userId,
      });
      return c.json({ success: true as const, data: { userId, removed: true } });
    },
  )

  .get(
    "/:id/invitations",
    valid("param", workspaceParamSchema),
    workspaceFromPath("admin"),
    async (c) => {
      const pending = await c.var.db
        .select()
        .from(invitations)
        .where(
          and(
            eq(invitations.workspaceId, c.var.workspace.id),
            isNull(invitations.acceptedAt),
            isNull(invitations.revokedAt),
            gt(invitations.expiresAt, new Date()),
          ),
        )
        .orderBy(asc(invitations.createdAt));
      return c.json({ success: true as const, data: pending.map(invitationView) });
    },
  )

  .post(
    "/:id/invitations",
    valid("param", workspaceParamSchema),
    workspaceFromPath("admin"),
    valid("json", createInvitationSchema),
    async (c) => {
      const { email, role } = c.req.valid("json");
      const db = c.var.db;
      const workspaceId = c.var.workspace.id;
      const [existing] = await db
        .select({ userId: users.id })
        .from(users)
        .innerJoin(workspaceMembers, eq(workspaceMembers.userId, users.id))
        .where(and(eq(users.email, email), eq(workspaceMembers.workspaceId, workspaceId)))
        .limit(1);
      if (existing)
        throw new ApiError(409, "CONFLICT", `${email} is already a member of this workspace`);

      const token = randomToken();
      const now = Date.now();
      const row = {
        id: newId("inv"),
        workspaceId,
        email,
        role,
        tokenHash: await sha256Hex(token),
        invitedBy: c.var.user.id,
        expiresAt: new Date(now + INVITATION_TTL_MS),
        createdAt: new Date(now),
      };
      await db.batch([
        // Inviting the same email again replaces the earlier link.
        db
          .update(invitations)
          .set({ revokedAt: new Date(now) })
          .where(
            and(
              eq(invitations.workspaceId, workspaceId),
              eq(invitations.email, email),
              isNull(invitations.acceptedAt),
              isNull(invitations.revokedAt),
            ),
          ),
        db.insert(invitations).values(row),
        audit(db, {
          workspaceId,
          actorId: c.var.user.id,
          action: "invitation.created",
          targetType: "invitation",
          targetId: row.id,
          metadata: { role },
        }),
      ]);
      // Until invitation emails are wired, the inviter gets the link to pass on.
      const inviteUrl = `${c.env.APP_ORIGIN}/invite?token=${encodeURIComponent(token)}`;
      return c.json(
        {
          success: true as const,
          data: {
            invitation: invitationView({
              ...row,
              acceptedAt: null,
              acceptedBy: null,
              revokedAt: null,
            }),
            inviteUrl,
          },
        },
        201,
      );
    },
  )

  .delete(
    "/:id/invitations/:invitationId",
    valid("param", invitationParamSchema),
    workspaceFromPath("admin"),
    async (c) => {
      const { invitationId } = c.req.valid("param");
      const db = c.var.db;
      const [revoked] = await db
        .update(invitations)
        .set({ revokedAt: new Date() })
        .where(
          and(
            eq(invitations.id, invitationId),
            eq(invitations.workspaceId, c.var.workspace.id),
            isNull(invitations.acceptedAt),
            isNull(invitations.revokedAt),
          ),
        )
        .returning({ id: invitations.id });
      if (!revoked) throw notFound("Invitation not found");
      await audit(db, {
        workspaceId: c.var.workspace.id,
        actorId: c.var.user.id,
        action: "invitation.revoked",
        targetType: "invitation",
        targetId: invitationId,
      });
      return c.json({ success: true as const, data: { id: invitationId, revoked: true } });
    },
  );

async function findMember(db: AppEnv["Variables"]["db"], workspaceId: string, userId: string) {
  const [member] = await db
    .select({ role: workspaceMembers.role })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)))
    .limit(1);
  if (!member) throw notFound("Member not found");
  return member;
}

/**
 * The member's row; with `keepAnOwner`, only while another owner remains. The check sits in
 * the same statement as the change, so two owners demoting each other at once cannot both win.
 */
function memberRow(workspaceId: string, userId: string, { keepAnOwner }: { keepAnOwner: boolean }) {
  return and(
    eq(workspaceMembers.workspaceId, workspaceId),
    eq(workspaceMembers.userId, userId),
    keepAnOwner
      ? sql`(${workspaceMembers.role} <> 'owner' OR (SELECT count(*) FROM ${workspaceMembers} AS owners WHERE owners.workspace_id = ${workspaceId} AND owners.role = 'owner') > 1)`
      : undefined,
  );
}

const lastOwner = () =>
  new ApiError(
    409,
    "LAST_OWNER",
    "A workspace needs at least one owner. Make someone else owner first.",
  );
