import { Hono } from "hono";
import { pageQuerySchema } from "../../shared/pagination";
import type { AppEnv } from "../context";
import { valid } from "../middleware/validate";
import { workspaceFromHeader } from "../middleware/workspace";
import { auditLogPage } from "../workspaces/audit-log";

/** Who did what in the current workspace, newest first (admins and owners). */
export const auditLogRoutes = new Hono<AppEnv>().get(
  "/",
  workspaceFromHeader("admin"),
  valid("query", pageQuerySchema),
  async (c) => {
    const data = await auditLogPage(c.var.ctx, c.req.valid("query"));
    return c.json({ success: true as const, data });
  },
);
