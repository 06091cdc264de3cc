/**
 * The daily usage roll-up (03:00 UTC): one queue message per workspace for the UTC day that
 * just ended; the consumer recomputes that day from the source tables (db/usage.ts
 * `rollUpUsage`), so a repeated run or a redelivered message writes the same row again.
 */
import type { JobMessage } from "../../shared/jobs";
import type { Db } from "../db/client";
import { workspaceIds } from "../db/cross-workspace";
import { WorkspaceScope } from "../db/scope";
import { rollUpUsage } from "../db/usage";
import { enqueuePages, type ItemResult, SEND_BATCH_MAX } from "./enqueue";

type RollupMessage = Extract<JobMessage, { kind: "usage_rollup" }>;

/** The UTC day before `now` (`YYYY-MM-DD`): at 03:00 UTC, yesterday. */
export function dayBefore(now: Date): string {
  return new Date(now.getTime() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

export function enqueueUsageRollups(db: Db, queue: Queue, now: Date): Promise<number> {
  const day = dayBefore(now);
  return enqueuePages(queue, {
    pageSize: SEND_BATCH_MAX,
    page: (after: string | undefined) => workspaceIds(db, { limit: SEND_BATCH_MAX, after }),
    messages: (rows) =>
      rows.map((row) => ({
        kind: "usage_rollup" as const,
        dedupeKey: `usage-rollup:${row.id}:${day}`,
        workspaceId: row.id,
        day,
      })),
    cursor: (last) => last.id,
  });
}

export async function runUsageRollup(db: Db, message: RollupMessage): Promise<ItemResult> {
  await rollUpUsage(new WorkspaceScope(db, message.workspaceId), message.day);
  return { outcome: "done" };
}
