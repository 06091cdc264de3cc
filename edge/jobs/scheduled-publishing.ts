/**
 * Scheduled publishing (every 15 minutes): each content item in status `scheduled` whose time
 * has passed, in every workspace, becomes one queue message; the consumer publishes it (with
 * an audit entry) and tells its creator (content/publish.ts). Items whose time passed while no
 * run happened are found by the next one.
 */
import type { JobMessage } from "../../shared/jobs";
import { contentPublishedKey, publishScheduledContent } from "../content/publish";
import type { Db } from "../db/client";
import { dueScheduledContent, type ScanCursor } from "../db/cross-workspace";
import { loadWorkspaceContext } from "../db/workspace-context";
import {
  enqueueAll,
  type ItemResult,
  itemResult,
  MAX_BATCHES_PER_RUN,
  SEND_BATCH_MAX,
} from "./enqueue";

type PublishMessage = Extract<JobMessage, { kind: "content_publish" }>;

export async function enqueueScheduledPublishing(db: Db, queue: Queue, now: Date): Promise<number> {
  let after: ScanCursor | undefined;
  let total = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const rows = await dueScheduledContent(db, { now, limit: SEND_BATCH_MAX, after });
    if (rows.length === 0) break;
    total += await enqueueAll(
      queue,
      rows.flatMap((row) =>
        row.scheduledAt
          ? [
              {
                kind: "content_publish" as const,
                dedupeKey: contentPublishedKey(row.id, row.scheduledAt.getTime()),
                workspaceId: row.workspaceId,
                contentId: row.id,
                scheduledAt: row.scheduledAt.getTime(),
              },
            ]
          : [],
      ),
    );
    const last = rows[rows.length - 1];
    if (rows.length < SEND_BATCH_MAX || !last?.scheduledAt) break;
    after = { at: last.scheduledAt.getTime(), id: last.id };
  }
  return total;
}

export async function runContentPublish(
  db: Db,
  env: Env,
  message: PublishMessage,
): Promise<ItemResult> {
  const ctx = await loadWorkspaceContext(db, env, message.workspaceId, null);
  if (!ctx) return { outcome: "done" };
  return itemResult(await publishScheduledContent(ctx, message));
}
