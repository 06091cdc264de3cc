/**
 * Budget (Performance: "the reminder cron with 10,000 due follow-ups across 100 workspaces"):
 *  - the cron side (`enqueueFollowupReminders`) runs one D1 query per batch of 100 due
 *    follow-ups (plus, at most, one more that finds the last page empty) and one `sendBatch` of
 *    at most 100 messages per batch: its queries grow with batches, never with rows, and it
 *    enqueues every due follow-up of the fixture (followup-fixture.ts) exactly once;
 *  - the consumer side (`runFollowupReminder`) costs a fixed number of D1 queries per email —
 *    the workspace, the follow-up, the recipient, the delivery log's record + claim (one batch),
 *    the delivery log's finish, the follow-up's reminder mark — and a redelivered message stops
 *    after the follow-up read (already reminded) and writes no second email.
 * Figures are printed as `BENCH {json}` lines for `npm run bench`. Timings are reported, never
 * asserted.
 */
import { env } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { type JobMessage, jobMessageSchema } from "../../shared/jobs";
import { followupReminderKey } from "../crm/reminders";
import { createDb } from "../db/client";
import { MAX_BATCHES_PER_RUN, SEND_BATCH_MAX } from "../jobs/enqueue";
import { enqueueFollowupReminders, runFollowupReminder } from "../jobs/followup-reminders";
import { countingD1, type RecordedStatement, roundTrips, rowsRead } from "./counting-d1";
import { dueFollowupIds, NOW, seedFollowupFixture } from "./followup-fixture";

type FollowupReminderMessage = Extract<JobMessage, { kind: "followup_reminder" }>;

/** Cloudflare Queues' limit on one `sendBatch` call's total size. */
const SEND_BATCH_MAX_BYTES = 256 * 1024;
/** The partial index entry, the follow-up, its deal and the deal's stage (followups.bench-test.ts). */
const ROWS_PER_FOLLOWUP = 4;
const ROWS_SLACK_PER_QUERY = 10;
/** Emails sent by the consumer run, taken evenly from the cron run's messages. */
const SAMPLE = 50;
/**
 * D1 statements per reminder email, as designed: the workspace (workspaceForJob), the
 * follow-up with its deal and stage, the recipient (member, user, email settings), the delivery
 * log's record + claim (2 statements, one batch), the delivery log's finish, the follow-up's
 * reminder mark.
 */
const STATEMENTS_PER_EMAIL = 7;
/** The same in round trips: the record + claim batch is one. */
const ROUND_TRIPS_PER_EMAIL = 6;
/** A redelivered message: the workspace, then the follow-up read finds it reminded (stale). */
const STATEMENTS_PER_REDELIVERY = 2;
const CLOCK_NOTE =
  "workerd's clock only advances on I/O (each D1 answer): the time to the last D1 answer, with CPU time after it not counted and the queue faked (no Queues round trips)";

beforeAll(seedFollowupFixture);

/** The cron run's messages, in the order they were enqueued; the consumer test reads them. */
const enqueued: FollowupReminderMessage[] = [];

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median =
    sorted.length % 2
      ? (sorted[Math.floor(middle)] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { min: sorted[0] ?? Number.NaN, median, max: sorted.at(-1) ?? Number.NaN };
}

/** `select workspaces`, `insert email_outbox (batch)`…: what each recorded statement is. */
function label(statement: RecordedStatement) {
  const verb = statement.sql.trimStart().split(/\s+/)[0]?.toLowerCase() ?? "?";
  const table =
    verb === "select"
      ? /\bfrom\s+"(\w+)"/i.exec(statement.sql)?.[1]
      : /^\s*(?:insert\s+into|update|delete\s+from)\s+"(\w+)"/i.exec(statement.sql)?.[1];
  const returning = /\breturning\b/i.test(statement.sql) ? " returning" : "";
  return `${verb} ${table ?? "?"}${returning}${statement.batch === undefined ? "" : " (batch)"}`;
}

const countOf = async (sql: string) => Number(await env.DB.prepare(sql).first<number>("n"));

it("the reminder cron over 10,000 follow-ups in 100 workspaces: D1 queries grow with batches, one sendBatch of ≤ 100 per batch", async () => {
  const expected = dueFollowupIds();
  const log: RecordedStatement[] = [];
  const batchSizes: number[] = [];
  const batchBytes: number[] = [];
  let singleSends = 0;
  const metadata = { metrics: { backlogCount: 0, backlogBytes: 0 } };
  const queue: Queue = {
    async send(body) {
      singleSends++;
      enqueued.push(body as FollowupReminderMessage);
      return { metadata };
    },
    async sendBatch(requests) {
      const list = [...requests];
      batchSizes.push(list.length);
      batchBytes.push(new TextEncoder().encode(JSON.stringify(list)).byteLength);
      enqueued.push(...list.map((request) => request.body as FollowupReminderMessage));
      return { metadata };
    },
    async metrics() {
      return metadata.metrics;
    },
  };

  const startedAt = performance.now();
  const startedAtDate = Date.now();
  const total = await enqueueFollowupReminders(
    createDb(countingD1(env.DB, log)),
    queue,
    new Date(NOW),
  );
  const wallMs = performance.now() - startedAt;
  const wallMsDate = Date.now() - startedAtDate;

  // Re-run each recorded read (the cron run writes nothing) for D1's own rows_read.
  const reads = await rowsRead(env.DB, log);
  const rowsReadTotal = reads.reduce((sum, rows) => sum + rows, 0);
  const sizes = stats(batchSizes);
  const figures = {
    kind: "reminders-cron",
    name: "reminder cron run (10,000 follow-ups in 100 workspaces, due follow-ups enqueued)",
    dueInFixture: expected.length,
    enqueued: total,
    queries: log.length,
    roundTrips: roundTrips(log),
    sendBatchCalls: batchSizes.length,
    sendCalls: singleSends,
    messagesPerSendBatch: { min: sizes.min, max: sizes.max },
    maxSendBatchBytes: Math.max(...batchBytes),
    rowsRead: rowsReadTotal,
    rowsReadPerMessage: Number((rowsReadTotal / enqueued.length).toFixed(2)),
    maxRowsReadPerQuery: Math.max(...reads),
    wallMs: Number(wallMs.toFixed(1)),
    wallMsDateNow: wallMsDate,
    wallMsPerBatch: Number((wallMs / Math.max(batchSizes.length, 1)).toFixed(2)),
    clock: CLOCK_NOTE,
  };
  console.log(`BENCH ${JSON.stringify(figures)}`);

  // Every due follow-up once, soonest first, as the message the consumer expects.
  expect(total).toBe(expected.length);
  expect(enqueued.length).toBe(expected.length);
  expect(enqueued.map((message) => message.followupId)).toEqual(expected);
  for (const message of enqueued) {
    expect(jobMessageSchema.parse(message)).toEqual(message);
    expect(message.kind).toBe("followup_reminder");
    expect(message.dedupeKey).toBe(followupReminderKey(message.followupId, message.dueAt));
  }
  // One sendBatch per batch of ≤ 100, nothing sent alone, each batch within the size limit.
  expect(singleSends).toBe(0);
  expect(batchSizes.length).toBe(Math.ceil(expected.length / SEND_BATCH_MAX));
  expect(batchSizes.length).toBeLessThanOrEqual(MAX_BATCHES_PER_RUN);
  for (const size of batchSizes) {
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThanOrEqual(SEND_BATCH_MAX);
  }
  for (const bytes of batchBytes) expect(bytes).toBeLessThan(SEND_BATCH_MAX_BYTES);
  // D1: one query per batch, plus at most the one that finds the last page empty; no batches.
  expect(log.length).toBeLessThanOrEqual(batchSizes.length + 1);
  expect(roundTrips(log)).toBe(log.length);
  // Rows read stay in proportion to what was enqueued (the due-follow-ups query's own budget).
  expect(rowsReadTotal).toBeLessThanOrEqual(
    ROWS_PER_FOLLOWUP * enqueued.length + ROWS_SLACK_PER_QUERY * log.length,
  );
});

it("the reminder consumer: a fixed number of D1 queries per email, and a redelivery sends nothing", async () => {
  expect(enqueued.length, "the cron run above enqueued the messages").toBeGreaterThan(SAMPLE);
  expect(env.EMAIL_SENDER).toBe("outbox");
  // Bound by edge/bench/vitest.config.ts; without it every email would wait (retry).
  expect(env.EMAIL_TOKEN_SECRET?.length ?? 0).toBeGreaterThanOrEqual(16);
  const sample = Array.from(
    { length: SAMPLE },
    (_, k) => enqueued[Math.floor((k * enqueued.length) / SAMPLE)] as FollowupReminderMessage,
  );
  expect(new Set(sample.map((message) => message.followupId)).size).toBe(SAMPLE);
  const outboxBefore = await countOf("SELECT count(*) AS n FROM email_outbox");

  async function deliverAll() {
    const perMessage: RecordedStatement[][] = [];
    const outcomes: string[] = [];
    const startedAt = performance.now();
    for (const message of sample) {
      const log: RecordedStatement[] = [];
      const result = await runFollowupReminder(createDb(countingD1(env.DB, log)), env, message);
      outcomes.push(result.outcome);
      perMessage.push(log);
    }
    return { perMessage, outcomes, wallMs: performance.now() - startedAt };
  }

  // First delivery: every sampled follow-up is emailed to its workspace's owner.
  const first = await deliverAll();
  const queries = stats(first.perMessage.map((log) => log.length));
  const trips = stats(first.perMessage.map(roundTrips));
  const firstStatements = first.perMessage[0]?.map(label) ?? [];
  console.log(
    `BENCH ${JSON.stringify({
      kind: "reminders-consumer",
      name: `reminder consumer, ${SAMPLE} messages (first delivery, outbox sender)`,
      messages: SAMPLE,
      outcomes: countBy(first.outcomes),
      queriesPerEmail: queries,
      roundTripsPerEmail: trips,
      statements: firstStatements,
      queries: first.perMessage.reduce((sum, log) => sum + log.length, 0),
      wallMs: Number(first.wallMs.toFixed(1)),
      wallMsPerEmail: Number((first.wallMs / SAMPLE).toFixed(2)),
      clock: CLOCK_NOTE,
    })}`,
  );
  const keys = sample.map((message) => message.dedupeKey);
  const placeholders = keys.map(() => "?").join(", ");
  const sent = await env.DB.prepare(
    `SELECT count(*) AS n FROM email_outbox WHERE status = 'sent' AND attempts = 1 AND dedupe_key IN (${placeholders})`,
  )
    .bind(...keys)
    .first<number>("n");
  const outboxAfterFirst = await countOf("SELECT count(*) AS n FROM email_outbox");
  const ids = sample.map((message) => message.followupId);
  const reminded = await env.DB.prepare(
    `SELECT count(*) AS n FROM followups WHERE reminder_sent_at IS NOT NULL AND id IN (${ids.map(() => "?").join(", ")})`,
  )
    .bind(...ids)
    .first<number>("n");

  // Redelivery of the same 50: nothing is sent or recorded again.
  const again = await deliverAll();
  const redelivered = stats(again.perMessage.map((log) => log.length));
  const outboxAfterAgain = await countOf("SELECT count(*) AS n FROM email_outbox");
  const stillOnce = await env.DB.prepare(
    `SELECT count(*) AS n FROM email_outbox WHERE status = 'sent' AND attempts = 1 AND dedupe_key IN (${placeholders})`,
  )
    .bind(...keys)
    .first<number>("n");
  console.log(
    `BENCH ${JSON.stringify({
      kind: "reminders-redelivery",
      name: `reminder consumer, the same ${SAMPLE} messages redelivered`,
      messages: SAMPLE,
      outcomes: countBy(again.outcomes),
      queriesPerMessage: redelivered,
      roundTripsPerMessage: stats(again.perMessage.map(roundTrips)),
      statements: again.perMessage[0]?.map(label) ?? [],
      newEmailRows: outboxAfterAgain - outboxAfterFirst,
      wallMs: Number(again.wallMs.toFixed(1)),
      clock: CLOCK_NOTE,
    })}`,
  );

  expect(first.outcomes.every((outcome) => outcome === "done")).toBe(true);
  expect(Number(sent)).toBe(SAMPLE);
  expect(outboxAfterFirst - outboxBefore).toBe(SAMPLE);
  expect(Number(reminded)).toBe(SAMPLE);
  for (const [index, log] of first.perMessage.entries()) {
    expect(log.length, `statements for ${sample[index]?.followupId}`).toBeLessThanOrEqual(
      STATEMENTS_PER_EMAIL,
    );
    expect(roundTrips(log), `round trips for ${sample[index]?.followupId}`).toBeLessThanOrEqual(
      ROUND_TRIPS_PER_EMAIL,
    );
  }
  expect(again.outcomes.every((outcome) => outcome === "done")).toBe(true);
  expect(outboxAfterAgain).toBe(outboxAfterFirst);
  expect(Number(stillOnce)).toBe(SAMPLE);
  for (const log of again.perMessage) {
    expect(log.length).toBeLessThanOrEqual(STATEMENTS_PER_REDELIVERY);
  }
});

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
