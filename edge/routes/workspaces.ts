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
 * in and resolves the membership in one step (`workspaceFromPath`). The path is validated
 * first, so a malformed id is a 400 naming the parameter.
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

  .get("/:id", valid("param", workspaceParamSchema), workspaceFromPath("member"), async (c) => {
    const data = await getWorkspace(c.var.ctx);
    return c.json({ success: true as const, data });
  })

  .patch(
    "/:id",
    valid("param", workspaceParamSchema),
    workspaceFromPath("admin"),
    valid("json", updateWorkspaceSchema),
    async (c) => {
      const data = await updateWorkspace(c.var.ctx, c.req.valid("json"));
      return c.json({ success: true as const, data });
    },
  )

  .delete("/:id", valid("param", workspaceParamSchema), workspaceFromPath("owner"), async (c) => {
    const data = await deleteWorkspace(c.var.ctx);
    return c.json({ success: true as const, data });
  })

  .get(
    "/:id/members",
    valid("param", workspaceParamSchema),
    workspaceFromPath("member"),
    async (c) => {
      const data = await listMembers(c.var.ctx);
      return c.json({ success: true as const, data });
    },
  )

  .patch(
    "/:id/members/:userId",
    valid("param", memberParamSchema),
    workspaceFromPath("admin"),
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
    valid("param", memberParamSchema),
    workspaceFromPath("member"),
    async (c) => {
      const data = await removeMember(c.var.ctx, c.req.valid("param").userId);
      return c.json({ success: true as const, data });
    },
  )

  .get(
    "/:id/invitations",
    valid("param", workspaceParamSchema),
    workspaceFromPath("admin"),
    async (c) => {
      const data = await listPendingInvitations(c.var.ctx);
      return c.json({ success: true as const, data });
    },
  )

  .post(
    "/:id/invitations",
    valid("param", workspaceParamSchema),
    workspaceFromPath("admin"),
    valid("json", createInvitationSchema),
    async (c) => {
      const data = await inviteMember(c.var.ctx, c.req.valid("json"));
      return c.json({ success: true as const, data }, 201);
    },
  )

  .delete(
    "/:id/invitations/:invitationId",
    valid("param", invitationParamSchema),
    workspaceFromPath("admin"),
    async (c) => {
      const data = await revokeInvitation(c.var.ctx, c.req.valid("param").invitationId);
      return c.json({ success: true as const, data });
    },
  );
