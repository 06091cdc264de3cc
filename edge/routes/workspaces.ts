import { Hono } from "hono";
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
import { requireUser } from "../middleware/auth";
import { valid } from "../middleware/validate";
import { workspaceFromPath } from "../middleware/workspace";
import { inviteMember, listPendingInvitations, revokeInvitation } from "../workspaces/invitations";
import { changeMemberRole, listMembers, removeMember } from "../workspaces/members";
import {
  createWorkspace,
  deleteWorkspace,
  getWorkspace,
  listMyWorkspaces,
  updateWorkspace,
} from "../workspaces/workspaces";

/**
 * `/api/workspaces`: the list and creation need only a signed-in user; every `/:id` route signs
 * in and resolves the membership in one step (`workspaceFromPath`): signed out is a 401
 * whatever the id, and a malformed id of a signed-in caller is a 400 naming `id`.
 */
export const workspaceRoutes = new Hono<AppEnv>()
  .get("/", requireUser, async (c) => {
    const data = await listMyWorkspaces(c.var.db, c.var.user.id);
    return c.json({ success: true as const, data });
  })

  .post("/", requireUser, valid("json", createWorkspaceSchema), async (c) => {
    const data = await createWorkspace(c.var.db, c.var.user, c.req.valid("json"));
    return c.json({ success: true as const, data }, 201);
  })

  .get("/:id", workspaceFromPath("member"), valid("param", workspaceParamSchema), async (c) => {
    const data = await getWorkspace(c.var.ctx);
    return c.json({ success: true as const, data });
  })

  .patch(
    "/:id",
    workspaceFromPath("admin"),
    valid("param", workspaceParamSchema),
    valid("json", updateWorkspaceSchema),
    async (c) => {
      const data = await updateWorkspace(c.var.ctx, c.req.valid("json"));
      return c.json({ success: true as const, data });
    },
  )

  .delete("/:id", workspaceFromPath("owner"), valid("param", workspaceParamSchema), async (c) => {
    const data = await deleteWorkspace(c.var.ctx);
    return c.json({ success: true as const, data });
  })

  .get(
    "/:id/members",
    workspaceFromPath("member"),
    valid("param", workspaceParamSchema),
    async (c) => {
      const data = await listMembers(c.var.ctx);
      return c.json({ success: true as const, data });
    },
  )

  .patch(
    "/:id/members/:userId",
    workspaceFromPath("admin"),
    valid("param", memberParamSchema),
    valid("json", updateMemberSchema),
    async (c) => {
      const { userId } = c.req.valid("param");
      const data = await changeMemberRole(c.var.ctx, userId, c.req.valid("json").role);
      return c.json({ success: true as const, data });
    },
  )

  // Any member may leave; the use case checks the role needed to remove someone else.
  .delete(
    "/:id/members/:userId",
    workspaceFromPath("member"),
    valid("param", memberParamSchema),
    async (c) => {
      const data = await removeMember(c.var.ctx, c.req.valid("param").userId);
      return c.json({ success: true as const, data });
    },
  )

  .get(
    "/:id/invitations",
    workspaceFromPath("admin"),
    valid("param", workspaceParamSchema),
    async (c) => {
      const data = await listPendingInvitations(c.var.ctx);
      return c.json({ success: true as const, data });
    },
  )

  .post(
    "/:id/invitations",
    workspaceFromPath("admin"),
    valid("param", workspaceParamSchema),
    valid("json", createInvitationSchema),
    async (c) => {
      const data = await inviteMember(c.var.ctx, c.req.valid("json"), c.var.user);
      return c.json({ success: true as const, data }, 201);
    },
  )

  .delete(
    "/:id/invitations/:invitationId",
    workspaceFromPath("admin"),
    valid("param", invitationParamSchema),
    async (c) => {
      const data = await revokeInvitation(c.var.ctx, c.req.valid("param").invitationId);
      return c.json({ success: true as const, data });
    },
  );
