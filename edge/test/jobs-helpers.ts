/**
 * Shared helpers for the jobs tests: driving the cron (`worker.scheduled`, with `env.JOBS`
 * spied so nothing is really enqueued) and the queue consumer (`worker.queue` with
 * `createMessageBatch`), and the CRM fixtures the reminder tests build on.
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { expect, vi } from "vitest";
import type { JobMessage } from "../../shared/jobs";
import { createDb } from "../db/client";
import { emailOutbox, followups } from "../db/schema";
import worker from "../index";
import { api, as, type RequestOptions, type TestUser } from "./helpers";

export const JOBS_QUEUE = "creatorops-jobs";
export const DLQ = "creatorops-jobs-dlq";

/** The 15-minute Cron Trigger, as wrangler.toml spells it. */
export const QUARTER_HOUR = "*/15 * * * *";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const db = createDb(env.DB);

// ─── The cron ────────────────────────────────────────────────────────────────────────────

/** What was handed to `env.JOBS` while it was captured. */
export interface CronRun {
  /** Every message, whether through `send` or `sendBatch`, in order. */
  all: JobMessage[];
  /** What went through `send`, one call each. */
  single: JobMessage[];
  /** What went through `sendBatch`, all calls together. */
  batched: JobMessage[];
  /** What went through `sendBatch`, one array per call. */
  batches: JobMessage[][];
  /** The requests `sendBatch` was given, as given (`{ body }` each), one array per call. */
  requests: unknown[][];
}

export interface CaptureOptions {
  /** A `sendBatch` carrying a message of this kind throws (a simulated queue failure). */
  failOn?: JobMessage["kind"];
}

/**
 * Spies `env.JOBS.send` and `sendBatch` so they capture their messages instead of enqueueing
 * them; answers the capture (filled in as the spies are called) and a restore.
 */
export function captureJobs(options: CaptureOptions = {}) {
  const run: CronRun = { all: [], single: [], batched: [], batches: [], requests: [] };
  const send = vi.spyOn(env.JOBS, "send").mockImplementation(async (body: unknown) => {
    run.single.push(body as JobMessage);
    run.all.push(body as JobMessage);
    return undefined as never;
  });
  const sendBatch = vi.spyOn(env.JOBS, "sendBatch").mockImplementation(async (requests) => {
    const list = [...requests];
    const bodies = list.map((request) => request.body as JobMessage);
    if (options.failOn && bodies.some((body) => body.kind === options.failOn))
      throw new Error("Queue send failed: simulated");
    run.requests.push(list);
    run.batches.push(bodies);
    run.batched.push(...bodies);
    run.all.push(...bodies);
    return undefined as never;
  });
  const restore = () => {
    send.mockRestore();
    sendBatch.mockRestore();
  };
  return { run, restore };
}

/** Runs the cron handler for (`cron`, `scheduledTime`) and answers what it enqueued. */
export async function captureCron(
  cron: string,
  scheduledTime: number,
  options: CaptureOptions = {},
): Promise<CronRun> {
  const { run, restore } = captureJobs(options);
  try {
    await worker.scheduled(createScheduledController({ cron, scheduledTime }), env);
  } finally {
    restore();
  }
  return run;
}

/**
 * Runs the cron handler with `sendBatch` failing on `failOn`; the run must fail. Answers what it
 * enqueued all the same, and its error.
 */
export async function captureFailedCron(
  cron: string,
  scheduledTime: number,
  failOn: JobMessage["kind"],
): Promise<CronRun & { error: Error }> {
  const { run, restore } = captureJobs({ failOn });
  try {
    await worker.scheduled(createScheduledController({ cron, scheduledTime }), env);
  } catch (error) {
    return { ...run, error: error as Error };
  } finally {
    restore();
  }
  throw new Error(`the ${cron} run at ${scheduledTime} did not fail`);
}

/** The messages of `kind` about `workspaceId` among `messages`. */
export function ofWorkspace<K extends JobMessage["kind"]>(
  messages: JobMessage[],
  kind: K,
  workspaceId: string,
): Extract<JobMessage, { kind: K }>[] {
  return messages.filter(
    (message): message is Extract<JobMessage, { kind: K }> =>
      message.kind === kind && "workspaceId" in message && message.workspaceId === workspaceId,
  );
}

// ─── The queue consumer ──────────────────────────────────────────────────────────────────

export interface Delivery {
  id?: string;
  body: unknown;
  attempts?: number;
}

/**
 * Hands `messages` to the queue handler as one batch of `queue` (the jobs queue unless given);
 * answers the batch, the message ids, the ack/retry outcome, and the delay each retry asked for.
 */
export async function deliverMessages(
  messages: Delivery[],
  options: { queue?: string; env?: Env } = {},
) {
  const ids = messages.map((m) => m.id ?? `msg-${crypto.randomUUID()}`);
  const batch = createMessageBatch(
    options.queue ?? JOBS_QUEUE,
    messages.map((m, index) => ({
      id: ids[index] as string,
      timestamp: new Date(),
      attempts: m.attempts ?? 1,
      body: m.body,
    })),
  );
  // The pool's queue result records that a message was retried, not the delay it asked for.
  const delays = new Map<string, number | undefined>();
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    vi.spyOn(message, "retry").mockImplementation((retryOptions) => {
      delays.set(message.id, retryOptions?.delaySeconds);
      retry(retryOptions);
    });
  }
  const ctx = createExecutionContext();
  await worker.queue(batch, options.env ?? env);
  const result = await getQueueResult(batch, ctx);
  const retried = result.retryMessages.map(({ msgId }: { msgId: string }) => ({
    msgId,
    delaySeconds: delays.get(msgId),
  }));
  return { batch, ids, result, delays, retried };
}

/** How many messages of a delivery were acked and how many retried. */
export const ackCounts = (result: { explicitAcks: unknown[]; retryMessages: unknown[] }) => ({
  acked: result.explicitAcks.length,
  retried: result.retryMessages.length,
});

/** The `dead_jobs` rows recorded for `messageId`. */
export async function deadJobs(messageId: string) {
  const { results } = await env.DB.prepare(
    "SELECT queue, message_id, body, attempts, error FROM dead_jobs WHERE message_id = ?",
  )
    .bind(messageId)
    .all<{
      queue: string;
      message_id: string;
      body: string | null;
      attempts: number;
      error: string | null;
    }>();
  return results;
}

/** The delivery log's rows for `dedupeKey`. */
export async function outboxRows(dedupeKey: string) {
  return db.select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, dedupeKey));
}

// ─── CRM fixtures: deals, stages, follow-ups ─────────────────────────────────────────────

export function expectStatus(res: { status: number; body: unknown }, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
}

export interface DealView {
  id: string;
  title: string;
  ownerId: string | null;
  stageId: string;
}

/** A deal created through the API (in `user`'s workspace unless `options` say otherwise). */
export async function createDeal(
  user: TestUser,
  body: Record<string, unknown> = {},
  options: RequestOptions = as(user),
): Promise<DealView> {
  const res = await api("/api/deals", {
    ...options,
    body: { title: `Northwind headphones ${crypto.randomUUID().slice(0, 6)}`, ...body },
  });
  expectStatus(res, 201);
  return res.body.data;
}

export async function stageId(user: TestUser, kind: "open" | "won" | "paid" | "lost") {
  const res = await api("/api/deals/stages", as(user));
  expectStatus(res, 200);
  const stage = (res.body.data as { id: string; kind: string }[]).find((s) => s.kind === kind);
  if (!stage) throw new Error(`no ${kind} stage`);
  return stage.id;
}

/**
 * A pending follow-up written straight into D1 (for states the API will not produce), in
 * `user`'s workspace unless `fields` say otherwise, assigned to and created by `user`.
 */
export async function insertFollowup(
  user: { userId: string; workspaceId: string },
  dealId: string,
  fields: Partial<typeof followups.$inferInsert> & { dueAt: Date },
) {
  const id = `fu_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await db.insert(followups).values({
    id,
    workspaceId: user.workspaceId,
    dealId,
    to: { name: "Priya Shah", email: "priya@northwind.example" },
    subject: "Checking in on the headphones campaign",
    body: "Hi Priya,\n\nJust checking in on the brief.\n\nThanks!",
    createdBy: user.userId,
    assigneeId: user.userId,
    ...fields,
  });
  return id;
}
