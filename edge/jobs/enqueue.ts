import type { JobMessage } from "../../shared/jobs";
import type { Db } from "../db/client";
import { loadWorkspaceContext, type WorkspaceContext } from "../db/workspace-context";

/** Cloudflare Queues takes at most 100 messages (and 256 KB) per `sendBatch` call. */
export const SEND_BATCH_MAX = 100;

/**
 * At most this many batches per job and cron run (10,000 messages): a run stays well inside a
 * cron invocation's limits, and what is left is found by the next run — nothing is keyed on a
 * run's time, so nothing is dropped.
 */
export const MAX_BATCHES_PER_RUN = 100;

/** Enqueues `messages` with one `sendBatch` per 100. Answers how many were sent. */
export async function enqueueAll(queue: Queue, messages: JobMessage[]): Promise<number> {
  for (let start = 0; start < messages.length; start += SEND_BATCH_MAX) {
    await queue.sendBatch(messages.slice(start, start + SEND_BATCH_MAX).map((body) => ({ body })));
  }
  return messages.length;
}

/** How a use case's answer maps onto the queue: retry later, or done (acked). */
export type ItemResult = { outcome: "done" } | { outcome: "retry"; delaySeconds?: number };

export function itemResult(outcome: { status: string; delaySeconds?: number }): ItemResult {
  return outcome.status === "retry"
    ? { outcome: "retry", delaySeconds: outcome.delaySeconds }
    : { outcome: "done" };
}

/**
 * A cron job's loop: reads one page of a cross-workspace query after `cursor`, turns its rows
 * into messages, enqueues them (one `sendBatch` per 100), and goes on from the page's last row
 * until a page comes back short — at most `MAX_BATCHES_PER_RUN` pages. One D1 query per page
 * (plus what `messages` reads). Answers how many messages were enqueued.
 */
export async function enqueuePages<Row, Cursor>(
  queue: Queue,
  job: {
    pageSize: number;
    page: (after: Cursor | undefined) => Promise<Row[]>;
    messages: (rows: Row[]) => JobMessage[] | Promise<JobMessage[]>;
    /** Where the next page starts; undefined ends the walk. */
    cursor: (last: Row) => Cursor | undefined;
  },
): Promise<number> {
  let after: Cursor | undefined;
  let total = 0;
  for (let page = 0; page < MAX_BATCHES_PER_RUN; page++) {
    const rows = await job.page(after);
    if (rows.length === 0) break;
    total += await enqueueAll(queue, await job.messages(rows));
    const last = rows[rows.length - 1];
    after = last === undefined ? undefined : job.cursor(last);
    if (rows.length < job.pageSize || after === undefined) break;
  }
  return total;
}

/**
 * A consumer's step for a message about one workspace: builds the workspace context (no member
 * acts) and runs `work`; a workspace deleted since the message was sent is done.
 */
export async function inWorkspace(
  db: Db,
  env: Env,
  workspaceId: string,
  work: (ctx: WorkspaceContext) => Promise<{ status: string; delaySeconds?: number }>,
): Promise<ItemResult> {
  const ctx = await loadWorkspaceContext(db, env, workspaceId, null);
  return ctx ? itemResult(await work(ctx)) : { outcome: "done" };
}
