import { Hono } from "hono";
import { bulkRepurposeSchema } from "../../shared/content";
import { idParamSchema } from "../../shared/ids";
import { findJob, queueBulkRepurpose } from "../content/bulk-repurpose";
import type { AppEnv } from "../context";
import { valid } from "../middleware/validate";
import { workspaceFromHeader } from "../middleware/workspace";

export const jobRoutes = new Hono<AppEnv>()
  .use(workspaceFromHeader("member"))

  /** Repurposes many items through the jobs queue; poll GET /api/jobs/:id for progress. */
  .post("/repurpose", valid("json", bulkRepurposeSchema), async (c) => {
    const data = await queueBulkRepurpose(c.var.ctx, c.req.valid("json"));
    return c.json({ success: true as const, data }, 202);
  })

  .get("/:id", valid("param", idParamSchema), async (c) => {
    const data = await findJob(c.var.ctx, c.req.valid("param").id);
    return c.json({ success: true as const, data });
  });
