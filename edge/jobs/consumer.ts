/**
 * The jobs queue's consumer: each message is validated against the one message union
 * (shared/jobs.ts), dispatched to its job, and acked or retried explicitly with backoff. A
 * malformed or unknown message is recorded in `dead_jobs` and acked — retrying cannot fix it.
 * After `max_retries` (wrangler.toml) the platform moves a message to the dead-letter queue,
 * whose consumer records it in `dead_jobs`. Every job is idempotent, so a redelivered message
 * sends no second email and counts nothing twice.
 */
import { type JobMessage, jobMessageSchema } from "../../shared/jobs";
import { createDb, type Db } from "../db/client";
import { deadJobs } from "../db/schema";
import { giveUpEmail, sendRecordedEmail } from "../email/deliver";
import { newId } from "../lib/ids";
import { errorText, logLine } from "../log";
import { runDeliverableDue, runInvoiceOverdue } from "./deal-reminders";
import { runDigest } from "./digest";
import { type ItemResult, itemResult } from "./enqueue";
import { runFollowupReminder } from "./followup-reminders";
import { runHousekeeping } from "./housekeeping";
import { abandonJobItem, repurposeJobItem } from "./repurpose-item";
import { runContentPublish } from "./scheduled-publishing";
import { runUsageRollup } from "./usage-rollup";

/** Retry delays grow with each attempt so a struggling dependency gets room to recover. */
export const retryDelaySeconds = (attempts: number) => Math.min(30 * 2 ** (attempts - 1), 15 * 60);

async function runJob(db: Db, env: Env, job: JobMessage): Promise<ItemResult> {
  switch (job.kind) {
    case "housekeeping": {
      const removed = await runHousekeeping(db);
      logLine("info", { action: "job.housekeeping", dedupeKey: job.dedupeKey, removed });
      return { outcome: "done" };
    }
    case "repurpose":
      return repurposeJobItem(db, env, job);
    case "followup_reminder":
      return runFollowupReminder(db, env, job);
    case "deliverable_due":
      return runDeliverableDue(db, env, job);
    case "invoice_overdue":
      return runInvoiceOverdue(db, env, job);
    case "content_publish":
      return runContentPublish(db, env, job);
    case "digest":
      return runDigest(db, env, job);
    case "usage_rollup":
      return runUsageRollup(db, job);
    case "send_email":
      return itemResult(await sendRecordedEmail(db, env, job.dedupeKey));
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
      const kind = (message.body as { kind?: unknown } | null)?.kind;
      await recordDead(
        db,
        batch.queue,
        message,
        typeof kind === "string" &&
          !jobMessageSchema.options.some((o) => o.shape.kind.value === kind)
          ? `unknown message kind "${kind.slice(0, 40)}"`
          : `invalid message: ${parsed.error.issues
              .slice(0, 3)
              .map((issue) => `${issue.path.join(".") || "(root)"} ${issue.message}`)
              .join("; ")}`,
      );
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
        error: errorText(error),
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
    // Emails no cron run will enqueue again — one written by a request (an invitation), or the
    // notice of an item already published — are marked failed in the log. Reminders stay
    // queued there, and the next cron run enqueues them again.
    if (
      parsed.success &&
      (parsed.data.kind === "send_email" || parsed.data.kind === "content_publish")
    )
      await giveUpEmail(db, parsed.data.dedupeKey, "retries exhausted");
    message.ack();
  }
}
