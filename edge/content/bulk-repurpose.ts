/**
 * Repurposing many items through the jobs queue: one queue message per item, each carrying a
 * dedupe key, and a job row the client polls (`GET /api/jobs/:id`) as the consumer records
 * each item's outcome once (edge/jobs/repurpose-item.ts).
 */
import { eq, inArray, isNull } from "drizzle-orm";
import type { z } from "zod";
import type { bulkRepurposeSchema } from "../../shared/content";
import type { JobMessage } from "../../shared/jobs";
import { type JobRow, jobView } from "../db/jobs";
import { contentItems, jobs } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { notFound } from "../errors";
import { newId } from "../lib/ids";

/** @throws ApiError 404 NOT_FOUND naming the items that do not exist (nothing is queued). */
export async function queueBulkRepurpose(
  ctx: WorkspaceContext,
  input: z.output<typeof bulkRepurposeSchema>,
) {
  const { scope, workspace, user } = ctx;
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
    createdBy: user?.id ?? null,
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
      userId: user?.id ?? "",
      contentId,
      platforms: input.platforms,
      tone: input.tone,
      length: input.length,
      replaceEdited: input.replaceEdited,
    },
  }));
  await ctx.env.JOBS.sendBatch(messages);
  return jobView(job);
}

/** A job of this workspace. @throws ApiError 404 NOT_FOUND */
export async function findJob(ctx: WorkspaceContext, id: string) {
  const [row] = await ctx.scope.select(jobs, eq(jobs.id, id)).limit(1);
  if (!row) throw notFound("Job not found");
  return jobView(row as JobRow);
}
