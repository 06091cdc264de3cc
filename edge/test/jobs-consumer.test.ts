/**
 * The jobs queue's consumer (edge/jobs/consumer.ts) on real D1: every message acked or retried
 * explicitly, with backoff; poison messages acked and recorded in `dead_jobs`; redelivered
 * messages sending nothing twice. Messages are handed to the queue handler with
 * `createMessageBatch`; emails go through the outbox sender unless a test says otherwise
 * (MailChannels faked at the fetch boundary with its real answers).
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { JobMessage } from "../../shared/jobs";
import { createDb } from "../db/client";
import { emailOutbox, followups } from "../db/schema";
import { CLAIM_LEASE_MS } from "../email/deliver";
import { MAILCHANNELS_SEND_URL } from "../email/mailchannels";
import { retryDelaySeconds } from "../jobs/consumer";
import { runFollowupReminder } from "../jobs/followup-reminders";
import { api, as, signUp, type TestUser, uniqueEmail } from "./helpers";
import {
  captureJobs,
  DLQ,
  deadJobs,
  deliverMessages,
  HOUR,
  JOBS_QUEUE,
  outboxRows,
} from "./jobs-helpers";

const db = createDb(env.DB);

afterEach(() => {
  vi.restoreAllMocks();
});

type ReminderMessage = Extract<JobMessage, { kind: "followup_reminder" }>;

/** The deployment's MailChannels settings on top of the test env. */
const mailChannelsEnv = {
  ...env,
  EMAIL_SENDER: "mailchannels",
  MAILCHANNELS_API_KEY: "mc-consumer-test-key",
} as Env;

async function reminderSentAt(followupId: string) {
  const [row] = await db
    .select({ at: followups.reminderSentAt })
    .from(followups)
    .where(eq(followups.id, followupId));
  if (!row) throw new Error(`no follow-up ${followupId}`);
  return row.at;
}

/** A user, a deal (through the API) and a pending follow-up on it due an hour ago. */
async function dueReminder(label: string): Promise<{ user: TestUser; message: ReminderMessage }> {
  const user = await signUp(label);
  const res = await api("/api/deals", as(user, { body: { title: `Deal ${label}` } }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const dueAt = Date.now() - HOUR;
  const id = `fu_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await db.insert(followups).values({
    id,
    workspaceId: user.workspaceId,
    dealId: res.body.data.id,
    to: { name: "Priya Shah", email: "priya@northwind.example" },
    subject: "Checking in",
    body: "Hi Priya, any news on the brief?",
    dueAt: new Date(dueAt),
    assigneeId: user.userId,
    createdBy: user.userId,
  });
  return {
    user,
    message: {
      kind: "followup_reminder",
      dedupeKey: `followup-reminder:${id}:${dueAt}`,
      workspaceId: user.workspaceId,
      followupId: id,
      dueAt,
    },
  };
}

/** MailChannels' 202 for an accepted message. */
const accepted = (messageId: string) =>
  new Response(
    JSON.stringify({
      request_id: "req_1",
      results: [{ index: 0, message_id: messageId, status: "sent", reason: null }],
    }),
    { status: 202, headers: { "Content-Type": "application/json" } },
  );

const refused = (status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ errors: [`refused with ${status}`] }), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });

/** Fakes MailChannels with `answers` in turn (the last one repeats). */
function fakeMailChannels(...answers: (() => Response)[]) {
  let calls = 0;
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== MAILCHANNELS_SEND_URL) throw new Error(`unexpected fetch of ${url}`);
    const answer = answers[Math.min(calls, answers.length - 1)] as () => Response;
    calls += 1;
    return answer();
  });
}

/** Keeps the JSON log lines the Worker writes (instead of printing them); answers them. */
function captureLogs(): string[] {
  const lines: string[] = [];
  for (const level of ["log", "info", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
  }
  return lines;
}

/**
 * The real D1 binding, except that every statement is refused as D1 refuses them when its
 * connection drops.
 */
function unavailable(d1: D1Database): D1Database {
  const rejected = () => Promise.reject(new Error("D1_ERROR: Network connection lost."));
  const statement = {
    bind: () => statement,
    run: rejected,
    all: rejected,
    raw: rejected,
    first: rejected,
  };
  return new Proxy(d1, {
    get(target, property) {
      if (property === "prepare") return () => statement;
      if (property === "batch") return rejected;
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("acks and retries", () => {
  it("acks a message whose email was sent", async () => {
    const { user, message } = await dueReminder("consumer-ack");
    const { ids, result } = await deliverMessages([{ body: message }]);
    expect(result.outcome).toBe("ok");
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    expect(await outboxRows(message.dedupeKey)).toMatchObject([
      { status: "sent", toEmail: user.email, template: "followup_reminder" },
    ]);
    expect(await reminderSentAt(message.followupId)).toBeInstanceOf(Date);
  });

  it("a retryable provider failure answers retry and keeps the email queued with its error; the next attempt sends it", async () => {
    const { message } = await dueReminder("consumer-retryable");
    const logs = captureLogs();
    const fetchSpy = fakeMailChannels(
      () => new Response("upstream failure", { status: 500 }),
      () => accepted("mc-after-retry"),
    );

    const first = await runFollowupReminder(db, mailChannelsEnv, message);
    expect(first).toEqual({ outcome: "retry" });
    const [queued] = await outboxRows(message.dedupeKey);
    expect(queued).toMatchObject({ status: "queued", attempts: 1, sentAt: null });
    expect(queued?.lastError).toContain("500");
    // Not reminded yet: a later run finds it again.
    expect(await reminderSentAt(message.followupId)).toBeNull();

    const second = await runFollowupReminder(db, mailChannelsEnv, message);
    expect(second).toEqual({ outcome: "done" });
    expect(fetchSpy).toHaveBeenCalledTimes(2);
    expect(await outboxRows(message.dedupeKey)).toMatchObject([
      { status: "sent", attempts: 2, providerMessageId: "mc-after-retry", lastError: null },
    ]);
    expect(await reminderSentAt(message.followupId)).toBeInstanceOf(Date);
    expect(logs.join("\n")).toContain('"action":"email.retry"');
  });

  it("a permanent refusal (400) is done: the row is failed and the email is never tried again", async () => {
    const { message } = await dueReminder("consumer-refused");
    const logs = captureLogs();
    const fetchSpy = fakeMailChannels(() => refused(400));

    expect(await runFollowupReminder(db, mailChannelsEnv, message)).toEqual({ outcome: "done" });
    const [failed] = await outboxRows(message.dedupeKey);
    expect(failed).toMatchObject({ status: "failed", attempts: 1, sentAt: null });
    expect(failed?.lastError).toContain("400");
    // Settled for good: the follow-up is not reminded again.
    expect(await reminderSentAt(message.followupId)).toBeInstanceOf(Date);

    // Redelivered (directly and through the queue): acked, nothing reaches MailChannels.
    expect(await runFollowupReminder(db, mailChannelsEnv, message)).toEqual({ outcome: "done" });
    const { ids, result } = await deliverMessages([{ body: message, attempts: 2 }], {
      env: mailChannelsEnv,
    });
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(await outboxRows(message.dedupeKey)).toMatchObject([{ status: "failed", attempts: 1 }]);
    expect(logs.join("\n")).toContain('"action":"email.failed"');
  });

  it("at the queue, a provider failure is retried after retryDelaySeconds(attempts), or the provider's Retry-After", async () => {
    const { message } = await dueReminder("consumer-queue-retry");
    captureLogs();
    fakeMailChannels(
      () => new Response("upstream failure", { status: 503 }),
      () => refused(429, { "Retry-After": "90" }),
      () => accepted("mc-third-time"),
    );

    const first = await deliverMessages([{ body: message, attempts: 3 }], { env: mailChannelsEnv });
    expect(first.result.explicitAcks).toEqual([]);
    expect(first.retried).toEqual([{ msgId: first.ids[0], delaySeconds: retryDelaySeconds(3) }]);
    expect(retryDelaySeconds(3)).toBe(120);
    expect(await outboxRows(message.dedupeKey)).toMatchObject([{ status: "queued", attempts: 1 }]);

    const second = await deliverMessages([{ body: message, attempts: 4 }], {
      env: mailChannelsEnv,
    });
    expect(second.result.explicitAcks).toEqual([]);
    expect(second.retried).toEqual([{ msgId: second.ids[0], delaySeconds: 90 }]);

    const third = await deliverMessages([{ body: message, attempts: 5 }], { env: mailChannelsEnv });
    expect(third.result.explicitAcks).toEqual(third.ids);
    expect(third.result.retryMessages).toEqual([]);
    expect(await outboxRows(message.dedupeKey)).toMatchObject([
      { status: "sent", attempts: 3, providerMessageId: "mc-third-time" },
    ]);
  });

  it("a job that throws (D1 unavailable) is retried with retryDelaySeconds(attempts), and sends once D1 is back", async () => {
    const { message } = await dueReminder("consumer-throws");
    const down = { ...env, DB: unavailable(env.DB) } as Env;
    const logs = captureLogs();

    for (const attempts of [1, 2, 4]) {
      const { ids, result, retried } = await deliverMessages([{ body: message, attempts }], {
        env: down,
      });
      expect(result.outcome).toBe("ok");
      expect(result.explicitAcks).toEqual([]);
      expect(retried).toEqual([{ msgId: ids[0], delaySeconds: retryDelaySeconds(attempts) }]);
    }
    expect(await outboxRows(message.dedupeKey)).toEqual([]);
    // Each failure is logged once, with the message id and its attempt.
    const failures = logs
      .filter((line) => line.includes('"action":"job.followup_reminder.failed"'))
      .map((line) => JSON.parse(line) as { messageId: string; attempts: number; level: string });
    expect(failures.map((f) => [f.level, f.attempts])).toEqual([
      ["error", 1],
      ["error", 2],
      ["error", 4],
    ]);

    const { ids, result } = await deliverMessages([{ body: message, attempts: 5 }]);
    expect(result.explicitAcks).toEqual(ids);
    expect(await outboxRows(message.dedupeKey)).toMatchObject([{ status: "sent" }]);
  });

  it("a reminder another consumer is sending is retried once its claim could have expired, then acked", async () => {
    const { user, message } = await dueReminder("consumer-in-flight");
    // Another consumer claimed this email a moment ago and is still sending it.
    await db.insert(emailOutbox).values({
      id: `eml_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`,
      workspaceId: user.workspaceId,
      dedupeKey: message.dedupeKey,
      toEmail: user.email,
      template: "followup_reminder",
      subject: "Follow up",
      bodyText: "",
      bodyHtml: "",
      status: "sending",
      attempts: 1,
      claimedAt: new Date(),
    });

    const first = await deliverMessages([{ body: message, attempts: 1 }]);
    expect(first.result.explicitAcks).toEqual([]);
    expect(first.retried).toEqual([{ msgId: first.ids[0], delaySeconds: CLAIM_LEASE_MS / 1000 }]);
    expect(await outboxRows(message.dedupeKey)).toMatchObject([{ status: "sending", attempts: 1 }]);
    expect(await reminderSentAt(message.followupId)).toBeNull();

    // The other consumer finished: the retried message finds it sent and sends nothing.
    await db
      .update(emailOutbox)
      .set({ status: "sent", sentAt: new Date() })
      .where(eq(emailOutbox.dedupeKey, message.dedupeKey));
    const second = await deliverMessages([{ body: message, attempts: 2 }]);
    expect(second.result.explicitAcks).toEqual(second.ids);
    expect(second.retried).toEqual([]);
    expect(await outboxRows(message.dedupeKey)).toMatchObject([{ status: "sent", attempts: 1 }]);
    expect(await reminderSentAt(message.followupId)).toBeInstanceOf(Date);
  });

  it("the backoff doubles from 30 seconds and stops at 15 minutes", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(retryDelaySeconds)).toEqual([
      30, 60, 120, 240, 480, 900, 900, 900,
    ]);
  });
});

describe("poison messages", () => {
  it("a body that is not an object is acked, not retried, and recorded naming the problem", async () => {
    const bodies: unknown[] = ["just a string", 42, null, ["followup_reminder"]];
    const { ids, result } = await deliverMessages(bodies.map((body) => ({ body })));
    expect([...result.explicitAcks].sort()).toEqual([...ids].sort());
    expect(result.retryMessages).toEqual([]);
    for (const [index, id] of ids.entries()) {
      const rows = await deadJobs(id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ queue: JOBS_QUEUE, attempts: 1 });
      expect(rows[0]?.error).toMatch(/^invalid message: /);
      expect(rows[0]?.error?.toLowerCase()).toContain("expected object");
      const stored = rows[0]?.body;
      expect(stored === null || stored === undefined ? null : JSON.parse(stored)).toEqual(
        bodies[index],
      );
    }
  });

  it("an unknown kind is acked and recorded as an unknown kind", async () => {
    const { ids, result } = await deliverMessages([
      { body: { kind: "send_fax", dedupeKey: "fax:1" }, attempts: 2 },
    ]);
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    expect(await deadJobs(ids[0] as string)).toMatchObject([
      { queue: JOBS_QUEUE, attempts: 2, error: 'unknown message kind "send_fax"' },
    ]);
  });

  it("a known kind with a missing or mistyped field is acked and recorded naming the field", async () => {
    const missing = {
      kind: "followup_reminder",
      dedupeKey: "followup-reminder:x:1",
      workspaceId: "ws_x",
      dueAt: 1,
    };
    const mistyped = {
      kind: "usage_rollup",
      dedupeKey: "u",
      workspaceId: "ws_x",
      day: "yesterday",
    };
    const { ids, result } = await deliverMessages([{ body: missing }, { body: mistyped }]);
    expect([...result.explicitAcks].sort()).toEqual([...ids].sort());
    expect(result.retryMessages).toEqual([]);
    const [missingRow] = await deadJobs(ids[0] as string);
    expect(missingRow?.error).toMatch(/^invalid message: followupId /);
    const [mistypedRow] = await deadJobs(ids[1] as string);
    expect(mistypedRow?.error).toMatch(/^invalid message: day /);
  });

  it("the dead-letter queue records a message once, however often it is redelivered", async () => {
    const { message } = await dueReminder("consumer-dlq");
    const id = `dlq-${crypto.randomUUID()}`;
    for (const attempts of [6, 7, 8]) {
      const { result } = await deliverMessages([{ id, body: message, attempts }], { queue: DLQ });
      expect(result.explicitAcks).toEqual([id]);
      expect(result.retryMessages).toEqual([]);
    }
    const rows = await deadJobs(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ queue: DLQ, attempts: 6, error: "retries exhausted" });
    expect(JSON.parse(rows[0]?.body ?? "null")).toEqual(message);
    // Recording it sends nothing.
    expect(await outboxRows(message.dedupeKey)).toEqual([]);
  });
});

describe("dead-lettered emails", () => {
  it("an invitation's email is given up (failed); a reminder's stays queued for the next run to send", async () => {
    const owner = await signUp("consumer-dlq-emails");
    const { run: enqueued } = captureJobs();
    const res = await api(`/api/workspaces/${owner.workspaceId}/invitations`, {
      token: owner.token,
      body: { email: uniqueEmail("dlq-invitee"), role: "member" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [sendEmail] = enqueued.single;
    if (sendEmail?.kind !== "send_email") throw new Error("no send_email message");

    const { message: reminder } = await dueReminder("consumer-dlq-reminder");
    captureLogs();
    fakeMailChannels(() => new Response("upstream failure", { status: 500 }));
    expect(await runFollowupReminder(db, mailChannelsEnv, reminder)).toEqual({
      outcome: "retry",
    });
    vi.mocked(globalThis.fetch).mockRestore();

    const { ids, result } = await deliverMessages(
      [
        { body: sendEmail, attempts: 6 },
        { body: reminder, attempts: 6 },
      ],
      { queue: DLQ },
    );
    expect([...result.explicitAcks].sort()).toEqual([...ids].sort());
    expect(await outboxRows(sendEmail.dedupeKey)).toMatchObject([
      { status: "failed", lastError: "retries exhausted", sentAt: null },
    ]);
    // The invitation email is not sent by a late redelivery either.
    await deliverMessages([{ body: sendEmail, attempts: 7 }]);
    expect(await outboxRows(sendEmail.dedupeKey)).toMatchObject([{ status: "failed" }]);

    expect(await outboxRows(reminder.dedupeKey)).toMatchObject([{ status: "queued" }]);
    expect(await reminderSentAt(reminder.followupId)).toBeNull();
    // Enqueued again by a later run, it is sent.
    const again = await deliverMessages([{ body: reminder }]);
    expect(again.result.explicitAcks).toEqual(again.ids);
    expect(await outboxRows(reminder.dedupeKey)).toMatchObject([{ status: "sent" }]);
  });
});

describe("a dead-lettered publishing notice", () => {
  it("is given up in the log (the item is published; no cron run enqueues it again)", async () => {
    const owner = await signUp("consumer-dlq-publish");
    const message: JobMessage = {
      kind: "content_publish",
      dedupeKey: `content-published:cnt_dlq_${crypto.randomUUID()}:1700000000000`,
      workspaceId: owner.workspaceId,
      contentId: "cnt_dlq",
      scheduledAt: 1_700_000_000_000,
    };
    await db.insert(emailOutbox).values({
      id: `eml_${crypto.randomUUID()}`,
      workspaceId: owner.workspaceId,
      dedupeKey: message.dedupeKey,
      toEmail: owner.email,
      template: "content_published",
      subject: "Published: a video",
      status: "queued",
      lastError: "MailChannels answered 503",
    });
    const { ids, result } = await deliverMessages([{ body: message, attempts: 6 }], { queue: DLQ });
    expect(result.explicitAcks).toEqual(ids);
    expect(await outboxRows(message.dedupeKey)).toMatchObject([
      { status: "failed", lastError: "retries exhausted" },
    ]);
  });
});

describe("redelivery", () => {
  it("a follow-up reminder delivered twice in two batches, then twice in one, sends one email", async () => {
    const { message } = await dueReminder("consumer-redelivery");
    for (const attempts of [1, 2]) {
      const { ids, result } = await deliverMessages([{ body: message, attempts }]);
      expect(result.explicitAcks).toEqual(ids);
      expect(result.retryMessages).toEqual([]);
    }
    const { ids, result } = await deliverMessages([{ body: message }, { body: message }]);
    expect([...result.explicitAcks].sort()).toEqual([...ids].sort());
    expect(result.retryMessages).toEqual([]);
    expect(await outboxRows(message.dedupeKey)).toMatchObject([{ status: "sent", attempts: 1 }]);
  });

  it("the same message twice in the first batch sends one email", async () => {
    const { message } = await dueReminder("consumer-twice-in-batch");
    const { ids, result } = await deliverMessages([{ body: message }, { body: message }]);
    expect([...result.explicitAcks].sort()).toEqual([...ids].sort());
    expect(result.retryMessages).toEqual([]);
    expect(await outboxRows(message.dedupeKey)).toMatchObject([{ status: "sent", attempts: 1 }]);
  });

  it("an invitation's send_email message delivered twice sends one email", async () => {
    const owner = await signUp("consumer-invite");
    const { run: enqueued } = captureJobs();
    const invitee = uniqueEmail("invitee");
    const res = await api(`/api/workspaces/${owner.workspaceId}/invitations`, {
      token: owner.token,
      body: { email: invitee, role: "member" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const dedupeKey = `invitation:${res.body.data.invitation.id}`;
    expect(enqueued.single).toEqual([{ kind: "send_email", dedupeKey }]);
    // Recorded by the request, sent by the consumer.
    expect(await outboxRows(dedupeKey)).toMatchObject([
      { status: "queued", toEmail: invitee, template: "invitation" },
    ]);

    for (const attempts of [1, 2]) {
      const { ids, result } = await deliverMessages([{ body: enqueued.single[0], attempts }]);
      expect(result.explicitAcks).toEqual(ids);
      expect(result.retryMessages).toEqual([]);
    }
    const both = await deliverMessages([
      { body: enqueued.single[0] },
      { body: enqueued.single[0] },
    ]);
    expect([...both.result.explicitAcks].sort()).toEqual([...both.ids].sort());
    const rows = await outboxRows(dedupeKey);
    expect(rows).toMatchObject([{ status: "sent", attempts: 1, toEmail: invitee }]);
    expect(rows[0]?.sentAt).toBeInstanceOf(Date);
  });
});
