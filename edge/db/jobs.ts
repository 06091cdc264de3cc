/**
 * Bulk jobs a client can poll. Each item's outcome is written once into the job's `result`
 * map; the conditional UPDATE makes a redelivered queue message a no-op.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { jobs } from "./schema";

export interface JobItemOutcome {
  status: "succeeded" | "failed";
  variantIds?: string[];
  error?: { code: string; message: string };
}

export type JobRow = typeof jobs.$inferSelect;

export function jobView(row: JobRow) {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    total: row.total,
    done: row.done,
    items: (row.result ?? {}) as Record<string, JobItemOutcome>,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Records one item's outcome unless it was already recorded; true when this call recorded it. */
export async function recordJobItem(
  db: Db,
  jobId: string,
  itemId: string,
  outcome: JobItemOutcome,
) {
  const path = `$."${itemId.replace(/"/g, "")}"`;
  const rows = await db.all<{ id: string }>(sql`
    UPDATE ${jobs}
    SET done = done + 1,
        result = json_set(coalesce(result, '{}'), ${path}, json(${JSON.stringify(outcome)})),
        status = CASE WHEN done + 1 >= total THEN 'succeeded' ELSE 'running' END,
        updated_at = ${Date.now()}
    WHERE id = ${jobId} AND json_extract(coalesce(result, '{}'), ${path}) IS NULL
    RETURNING id`);
  return rows.length > 0;
}

export async function isJobItemRecorded(db: Db, jobId: string, itemId: string): Promise<boolean> {
  const path = `$."${itemId.replace(/"/g, "")}"`;
  const rows = await db.all<{ found: number }>(
    sql`SELECT 1 AS found FROM ${jobs} WHERE id = ${jobId} AND json_extract(coalesce(result, '{}'), ${path}) IS NOT NULL`,
  );
  return rows.length > 0;
}
