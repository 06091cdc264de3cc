import { Hono } from "hono";
import type { AppEnv } from "../context";
import { workspaceFromHeader } from "../middleware/workspace";

/** Sponsors of the current workspace (edge/crm/sponsors.ts). */
export const sponsorRoutes = new Hono<AppEnv>().use(workspaceFromHeader("member"));
