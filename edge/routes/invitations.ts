import { Hono } from "hono";
import { acceptInvitationSchema } from "../../shared/workspaces";
import type { AppEnv } from "../context";
import { requireUser } from "../middleware/auth";
import { valid } from "../middleware/validate";
import { acceptInvitation } from "../workspaces/invitations";

/** `/api/invitations`: the invitee's side (the inviter's is under `/api/workspaces/:id`). */
export const invitationRoutes = new Hono<AppEnv>().post(
  "/accept",
  requireUser,
  valid("json", acceptInvitationSchema),
  async (c) => {
    const { token } = c.req.valid("json");
    const data = await acceptInvitation(c.var.db, c.env, c.var.user, token);
    return c.json({ success: true as const, data });
  },
);
