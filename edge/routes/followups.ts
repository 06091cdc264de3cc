import { Hono } from "hono";
import { listFollowupsQuerySchema, updateFollowupSchema } from "../../shared/crm";
import { idParamSchema } from "../../shared/ids";
import type { AppEnv } from "../context";
import { listFollowups, updateFollowup } from "../crm/followups";
import { valid } from "../middleware/validate";
import { workspaceFromHeader } from "../middleware/workspace";

/**
 * The current workspace's follow-ups (edge/crm/followups.ts); drafting one is
 * `POST /api/deals/:id/followup`.
 */
export const followupRoutes = new Hono<AppEnv>()
  .use(workspaceFromHeader("member"))

  .get("/", valid("query", listFollowupsQuerySchema), async (c) => {
    const data = await listFollowups(c.var.ctx, c.req.valid("query"));
    return c.json({ success: true as const, data });
  })

  /** Edit, snooze (a later `dueAt`), mark sent, cancel, or take back to pending. */
  .patch("/:id", valid("param", idParamSchema), valid("json", updateFollowupSchema), async (c) => {
    const data = await updateFollowup(c.var.ctx, c.req.valid("param").id, c.req.valid("json"));
    return c.json({ success: true as const, data });
  });
