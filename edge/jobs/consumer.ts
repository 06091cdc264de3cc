import { jobMessageSchema } from "../../shared/jobs";
import { createDb } from "../db/client";
import { deadJobs } from "../db/schema";
import { newId } from "../lib/ids";
import { logLine } from "../log";
import { runHousekeeping } from "./housekeeping";

/** Retry delays grow with each attempt so a struggling dependency gets room to recover. */
const retryDelaySeconds = (attempts: number) => Math.min(30 * 2 ** (attempts - 1), 15 * 60);

/** The jobs queue: each message is acked when done, retried on failure, never left implicit. */
export async function consumeJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    const parsed = jobMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      // A malformed message will never succeed: ack it so it is not retried, and keep a record.
      await db
        .insert(deadJobs)
        .values({
          id: newId("dlq"),
          queue: batch.queue,
          messageId: message.id,
          body: message.body,
          attempts: message.attempts,
          error: "invalid message",
        })
        .onConflictDoNothing();
      message.ack();
      continue;
    }
    const job = parsed.data;
    try {
      switch (job.kind) {
        case "housekeeping": {
          const removed = await runHousekeeping(db);
          logLine("info", { action: "job.housekeeping", dedupeKey: job.dedupeKey, removed });
          break;
        }
      }
      message.ack();
    } catch (error) {
      logLine("error", {
        action: `job.${job.kind}.failed`,
        messageId: message.id,
        attempts: message.attempts,
        error: error instanceof Error ? error.message : "unknown",
      });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/** The dead-letter queue: record each poison message once (redelivery is a no-op). */
export async function recordDeadJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    await db
      .insert(deadJobs)
      .values({
        id: newId("dlq"),
        queue: batch.queue,
        messageId: message.id,
        body: message.body,
        attempts: message.attempts,
        error: "retries exhausted",
      })
      .onConflictDoNothing({ target: deadJobs.messageId });
    message.ack();
  }
}
