import type { JobMessage } from "../../shared/jobs";

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
