import type { JobMessage } from "../../shared/jobs";
import { repurposeContent } from "../content/repurpose";
import type { Db } from "../db/client";
import { findContent } from "../db/content";
import { isJobItemRecorded, recordJobItem } from "../db/jobs";
import { loadWorkspaceContext } from "../db/workspace-context";
import { ApiError } from "../errors";
import type { ItemResult } from "./enqueue";

type RepurposeMessage = Extract<JobMessage, { kind: "repurpose" }>;

/** Failures that another attempt cannot fix: recorded on the job, not retried. */
const FINAL_CODES = new Set(["QUOTA_EXCEEDED", "NOT_FOUND", "AI_OUTPUT_INVALID"]);

/** One item of a bulk repurposing job; safe to run twice (the second run is a no-op). */
export async function repurposeJobItem(
  db: Db,
  env: Env,
  message: RepurposeMessage,
): Promise<ItemResult> {
  if (await isJobItemRecorded(db, message.jobId, message.contentId)) return { outcome: "done" };
  const ctx = await loadWorkspaceContext(db, env, message.workspaceId, message.userId);
  // The member who queued the job has left the workspace since: their job stops with them.
  if (ctx && !ctx.workspace.role) {
    await recordJobItem(db, message.jobId, message.contentId, {
      status: "failed",
      error: { code: "FORBIDDEN", message: "The member who queued this job left the workspace" },
    });
    return { outcome: "done" };
  }
  const item = ctx && (await findContent(ctx.scope, message.contentId));
  if (!ctx || !item) {
    await recordJobItem(db, message.jobId, message.contentId, {
      status: "failed",
      error: { code: "NOT_FOUND", message: "The content item no longer exists" },
    });
    return { outcome: "done" };
  }
  try {
    const outcome = await repurposeContent(ctx, {
      item,
      platforms: message.platforms,
      tone: message.tone,
      length: message.length,
      replaceEdited: message.replaceEdited,
    });
    await recordJobItem(db, message.jobId, message.contentId, {
      status: "succeeded",
      variantIds: outcome.variants.map((variant) => variant.id),
    });
    return { outcome: "done" };
  } catch (error) {
    if (error instanceof ApiError && FINAL_CODES.has(error.code)) {
      await recordJobItem(db, message.jobId, message.contentId, {
        status: "failed",
        error: { code: error.code, message: error.message },
      });
      return { outcome: "done" };
    }
    if (error instanceof ApiError && error.code === "RATE_LIMITED") {
      return { outcome: "retry", delaySeconds: Number(error.headers?.["Retry-After"]) || 30 };
    }
    return { outcome: "retry" };
  }
}

/** Called when the queue gives up on an item: the job still completes, with this item failed. */
export async function abandonJobItem(db: Db, message: RepurposeMessage): Promise<void> {
  await recordJobItem(db, message.jobId, message.contentId, {
    status: "failed",
    error: {
      code: "AI_UNAVAILABLE",
      message: "Repurposing kept failing; try this item again later",
    },
  });
}
