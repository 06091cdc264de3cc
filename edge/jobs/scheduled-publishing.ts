/**
 * Scheduled publishing (every 15 minutes): each content item in status `scheduled` whose time
 * has passed, in every workspace, becomes one queue message; the consumer publishes it (with
 * an audit entry) and tells its creator (content/publish.ts). Items whose time passed while no
 * run happened are found by the next one.
 */
import type { JobMessage } from "../../shared/jobs";
import { contentPublishedKey, publishScheduledContent } from "../content/publish";
import type { Db } from "../db/client";
import { dueScheduledContent } from "../db/cross-workspace";
import { enqueuePages, type ItemResult, inWorkspace, SEND_BATCH_MAX } from "./enqueue";

type PublishMessage = Extract<JobMessage, { kind: "content_publish" }>;

export function enqueueScheduledPublishing(db: Db, queue: Queue, now: Date): Promise<number> {
  return enqueuePages(queue, {
    pageSize: SEND_BATCH_MAX,
    page: (after: { at: number; rowid: number } | undefined) =>
      dueScheduledContent(db, { now, limit: SEND_BATCH_MAX, after }),
    messages: (rows) =>
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
    cursor: (last) =>
      last.scheduledAt ? { at: last.scheduledAt.getTime(), rowid: last.rowid } : undefined,
  });
}

export function runContentPublish(db: Db, env: Env, message: PublishMessage): Promise<ItemResult> {
  return inWorkspace(db, env, message.workspaceId, (ctx) => publishScheduledContent(ctx, message));
}
