import { type JobMessage, jobMessageSchema } from "../../shared/jobs";
import { createDb, type Db } from "../db/client";
import { deadJobs } from "../db/schema";
import { newId } from "../lib/ids";
import { logLine } from "../log";
import { runHousekeeping } from "./housekeeping";
import { abandonJobItem, type ItemResult, repurposeJobItem } from "./repurpose-item";

/** Retry delays grow with each attempt so a struggling dependency gets room to recover. */
const retryDelaySeconds = (attempts: number) => Math.min(30 * 2 ** (attempts - 1), 15 * 60);

async function runJob(db: Db, env: Env, job: JobMessage): Promise<ItemResult> {
  switch (job.kind) {
    case "housekeeping": {
      const removed = await runHousekeeping(db);
      logLine("info", { action: "job.housekeeping", dedupeKey: job.dedupeKey, removed });
      return { outcome: "done" };
    }
    case "repurpose":
      return repurposeJobItem(db, env, job);
  }
}

function recordDead(db: Db, queue: string, message: Message<unknown>, error: string) {
  return db
    .insert(deadJobs)
    .values({
      id: newId("dlq"),
      queue,
      messageId: message.id,
      body: message.body,
      attempts: message.attempts,
      error,
    })
    .onConflictDoNothing({ target: deadJobs.messageId });
}

/** The jobs queue: each message is acked when done, retried on failure, never left implicit. */
export async function consumeJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    const parsed = jobMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      // A malformed message will never succeed: ack it so it is not retried, and keep a record.
      await recordDead(db, batch.queue, message, "invalid message");
      message.ack();
      continue;
    }
    const job = parsed.data;
    try {
      const result = await runJob(db, env, job);
      if (result.outcome === "done") message.ack();
      else
        message.retry({ delaySeconds: result.delaySeconds ?? retryDelaySeconds(message.attempts) });
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
    await recordDead(db, batch.queue, message, "retries exhausted");
    const parsed = jobMessageSchema.safeParse(message.body);
    if (parsed.success && parsed.data.kind === "repurpose") await abandonJobItem(db, parsed.data);
    message.ack();
  }
}
