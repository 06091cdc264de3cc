import { Hono } from "hono";
import type { AppEnv } from "../context";
import { workspaceFromHeader } from "../middleware/workspace";

/** The deal pipeline of the current workspace (edge/crm/deals.ts, stages.ts, pipeline.ts). */
export const dealRoutes = new Hono<AppEnv>().use(workspaceFromHeader("member"));
