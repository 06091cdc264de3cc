import { Hono } from "hono";
import type { AppEnv } from "../context";

/** Liveness without touching the database (also the baseline for load benchmarks). */
export const healthRoutes = new Hono<AppEnv>().get("/", (c) =>
  c.json({ success: true as const, data: { ok: true } }),
);
