import { Hono } from "hono";
import type { AppEnv } from "../context";
import { usageSummary } from "../db/usage";
import { workspaceFromHeader } from "../middleware/workspace";

/** This month's AI credits: used, left, per feature, and when they reset. */
export const usageRoutes = new Hono<AppEnv>().get("/", workspaceFromHeader("member"), async (c) => {
  const summary = await usageSummary(c.var.scope, c.var.workspace.plan);
  return c.json({ success: true as const, data: summary });
});
