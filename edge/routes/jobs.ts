import { eq, inArray, isNull } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { bulkRepurposeSchema } from "../../shared/content";
import type { JobMessage } from "../../shared/jobs";
import type { AppEnv } from "../context";
import { type JobRow, jobView } from "../db/jobs";
import { contentItems, jobs } from "../db/schema";
import { notFound } from "../errors";
import { newId } from "../lib/ids";
import { requireUser } from "../middleware/auth";
import { valid } from "../middleware/validate";
import { workspaceFromHeader } from "../middleware/workspace";

export const jobRoutes = new Hono<AppEnv>()
  .use(requireUser, workspaceFromHeader("member"))

  /** Repurposes many items through the jobs queue; poll GET /api/jobs/:id for progress. */
  .post("/repurpose", valid("json", bulkRepurposeSchema), async (c) => {
    const input = c.req.valid("json");
    const { scope, workspace, user } = c.var;
    const contentIds = [...new Set(input.contentIds)];
    const found = await scope
      .select(contentItems, inArray(contentItems.id, contentIds), isNull(contentItems.deletedAt))
      .limit(contentIds.length);
    const missing = contentIds.filter((id) => !found.some((row) => row.id === id));
    if (missing.length > 0) throw notFound(`Content item not found: ${missing.join(", ")}`);

    const now = new Date();
    const job: JobRow = {
      id: newId("job"),
      workspaceId: workspace.id,
      kind: "repurpose",
      status: "queued",
      total: contentIds.length,
      done: 0,
      result: {},
      error: null,
      createdBy: user.id,
      createdAt: now,
      updatedAt: now,
    };
    await scope.insert(jobs, job);
    const messages = contentIds.map((contentId): { body: JobMessage } => ({
      body: {
        kind: "repurpose",
        dedupeKey: `${job.id}:${contentId}`,
        jobId: job.id,
        workspaceId: workspace.id,
        userId: user.id,
        contentId,
        platforms: input.platforms,
        tone: input.tone,
        length: input.length,
      },
    }));
    await c.env.JOBS.sendBatch(messages);
    return c.json({ success: true as const, data: jobView(job) }, 202);
  })

  .get("/:id", valid("param", z.object({ id: z.string().min(1).max(64) })), async (c) => {
    const [row] = await c.var.scope.select(jobs, eq(jobs.id, c.req.valid("param").id)).limit(1);
    if (!row) throw notFound("Job not found");
    return c.json({ success: true as const, data: jobView(row as JobRow) });
  });
