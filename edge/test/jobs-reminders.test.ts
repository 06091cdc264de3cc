/**
 * The reminder jobs against real D1, driven the way the platform drives them: the 15-minute
 * Cron Trigger (`worker.scheduled` with `createScheduledController`) finds the work and
 * enqueues it — `env.JOBS.send` / `sendBatch` are spied so nothing is really enqueued — and the
 * captured messages are then handed to the queue handler (`worker.queue` with
 * `createMessageBatch`). Emails go through the outbox sender (EMAIL_SENDER=outbox in
 * wrangler.toml), so `email_outbox` is what was sent.
 *
 * The cron jobs read every workspace, so a run may also carry other tests' work (digests,
 * follow-ups): every assertion looks at its own workspace's messages. Each test runs the cron
 * at its own instants, so no test's run is ever a claimed repeat of another's.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { JobMessage } from "../../shared/jobs";
import { createDb } from "../db/client";
import { dealStages, deals, emailOutbox, followups } from "../db/schema";
import { CLAIM_LEASE_MS } from "../email/deliver";
import { addMember, api, as, type RequestOptions, signUp, type TestUser } from "./helpers";
import {
  captureCron,
  createDeal,
  DAY,
  deliverMessages,
  expectStatus,
  HOUR,
  insertFollowup,
  MINUTE,
  ofWorkspace,
  QUARTER_HOUR,
  stageId,
} from "./jobs-helpers";

const db = createDb(env.DB);

afterEach(() => {
  vi.restoreAllMocks();
});

/** `hh:mm` UTC on `day` December 2026: each test owns its own day (or hours) of runs. */
const dec = (day: number, hour: number, minute = 0) => Date.UTC(2026, 11, day, hour, minute);

/** Runs the 15-minute cron at `scheduledTime` and answers what it enqueued (nothing is queued). */
const runCron = (scheduledTime: number, cron = QUARTER_HOUR) => captureCron(cron, scheduledTime);

/** Hands `bodies` to the queue handler as one batch; answers the message ids and the outcome. */
const deliver = (bodies: JobMessage[], attempts = 1, workerEnv: Env = env) =>
  deliverMessages(
    bodies.map((body) => ({ body, attempts })),
    { env: workerEnv },
  );

/** Delivers `bodies` and expects every one acked, none retried. */
async function deliverAllAcked(bodies: JobMessage[]) {
  const { ids, result } = await deliver(bodies);
  expect([...result.explicitAcks].sort()).toEqual([...ids].sort());
  expect(result.retryMessages).toEqual([]);
}

/** The delivery log's rows about `workspaceId` of `template`, oldest first. */
async function emailsOf(workspaceId: string, template: string) {
  const rows = await db.select().from(emailOutbox).where(eq(emailOutbox.workspaceId, workspaceId));
  return rows
    .filter((row) => row.template === template)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

async function followupRow(id: string) {
  const [row] = await db.select().from(followups).where(eq(followups.id, id));
  if (!row) throw new Error(`no follow-up ${id}`);
  return row;
}

// ─── The API: deals, stages, follow-ups ──────────────────────────────────────────────────

interface FollowupView {
  id: string;
  dealId: string;
  subject: string;
  body: string;
  dueAt: string;
  assigneeId: string | null;
}

/** Drafts a follow-up through the API (the offline template writes it), due at `dueAt`. */
async function draftFollowup(
  options: RequestOptions,
  dealId: string,
  body: { dueAt: number; assigneeId?: string | null },
): Promise<FollowupView> {
  const res = await api(`/api/deals/${dealId}/followup`, {
    ...options,
    body: { ...body, dueAt: new Date(body.dueAt).toISOString() },
  });
  expectStatus(res, 201);
  return res.body.data.followup;
}

async function patchFollowup(user: TestUser, id: string, body: Record<string, unknown>) {
  const res = await api(`/api/followups/${id}`, as(user, { method: "PATCH", body }));
  expectStatus(res, 200);
  return res.body.data as FollowupView;
}

const reminderKey = (followupId: string, dueAt: number) =>
  `followup-reminder:${followupId}:${dueAt}`;

/** What hono/html makes of user text in the HTML part. */
const escapeHtml = (text: string) =>
  text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");

/** A user, one deal in the first (open) stage, and a follow-up drafted on it due at `dueAt`. */
async function dueFollowup(label: string, dueAt: number) {
  const user = await signUp(label);
  const deal = await createDeal(user);
  const followup = await draftFollowup(as(user), deal.id, { dueAt });
  expect(followup.assigneeId).toBe(user.userId);
  return { user, deal, followup };
}

// ─── Follow-up reminders: what the cron enqueues ─────────────────────────────────────────

describe("follow-up reminders: what the 15-minute cron enqueues", () => {
  it("enqueues one exact message per due follow-up with sendBatch, and leaves out everything not due", async () => {
    const T = dec(3, 9);
    const { user, deal, followup } = await dueFollowup("fu-enqueue", T);

    // Drafted and then sent or cancelled through the API: no longer pending.
    const sent = await draftFollowup(as(user), deal.id, { dueAt: T - HOUR });
    await patchFollowup(user, sent.id, { status: "sent" });
    const cancelled = await draftFollowup(as(user), deal.id, { dueAt: T - HOUR });
    await patchFollowup(user, cancelled.id, { status: "cancelled" });
    // One millisecond after the run: not due yet.
    const notYetDue = await insertFollowup(user, deal.id, { dueAt: new Date(T + 1) });
    const reminded = await insertFollowup(user, deal.id, {
      dueAt: new Date(T - HOUR),
      reminderSentAt: new Date(T - 30 * MINUTE),
    });
    // Deals in a paid or lost stage, and a deleted deal. (Moving a deal to paid or lost cancels
    // its follow-ups; these stayed pending, so only the deal's state can keep them out.)
    const paidDeal = await createDeal(user, { stageId: await stageId(user, "paid") });
    const onPaid = await insertFollowup(user, paidDeal.id, { dueAt: new Date(T - HOUR) });
    const lostDeal = await createDeal(user, { stageId: await stageId(user, "lost") });
    const onLost = await insertFollowup(user, lostDeal.id, { dueAt: new Date(T - HOUR) });
    const deletedDeal = await createDeal(user);
    const onDeleted = await insertFollowup(user, deletedDeal.id, { dueAt: new Date(T - HOUR) });
    expectStatus(await api(`/api/deals/${deletedDeal.id}`, as(user, { method: "DELETE" })), 200);

    const run = await runCron(T);

    const expected = {
      kind: "followup_reminder",
      dedupeKey: reminderKey(followup.id, T),
      workspaceId: user.workspaceId,
      followupId: followup.id,
      dueAt: T,
    };
    expect(ofWorkspace(run.all, "followup_reminder", user.workspaceId)).toEqual([expected]);
    // Through sendBatch, as `{ body }` requests — never one `send` per reminder.
    expect(run.single.filter((message) => message.kind === "followup_reminder")).toEqual([]);
    const request = run.requests.flat().find((r) => {
      const body = (r as { body?: { followupId?: string } }).body;
      return body?.followupId === followup.id;
    });
    expect(request).toEqual({ body: expected });

    // None of the others appears anywhere in the run.
    const enqueued = new Set(
      run.all.flatMap((message) =>
        message.kind === "followup_reminder" ? [message.followupId] : [],
      ),
    );
    for (const id of [sent.id, cancelled.id, notYetDue, reminded, onPaid, onLost, onDeleted]) {
      expect(enqueued.has(id), id).toBe(false);
    }

    // The next quarter hour, the one not yet due at 09:00 is.
    const later = await runCron(T + 15 * MINUTE);
    expect(
      ofWorkspace(later.all, "followup_reminder", user.workspaceId).map((m) => m.followupId),
    ).toEqual([followup.id, notYetDue]);
  });

  it("sends 250 due follow-ups in sendBatch calls of 100, 100 and 50", async () => {
    // Long before every other test's follow-ups: this run finds only these 250.
    const T = Date.UTC(2025, 5, 2, 9);
    const user = await signUp("fu-batching");
    const deal = await createDeal(user);
    const prefix = `fu_batch_${crypto.randomUUID().slice(0, 8)}_`;
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250)
       INSERT INTO followups (id, workspace_id, deal_id, subject, body, due_at, assignee_id, created_by)
       SELECT ? || printf('%03d', i), ?, ?, 'Checking in', 'Hi there', ? - i * 1000, ?, ? FROM n`,
    )
      .bind(prefix, user.workspaceId, deal.id, T, user.userId, user.userId)
      .run();
    try {
      const run = await runCron(T);

      const reminderBatches = run.batches.filter((batch) =>
        batch.some((message) => message.kind === "followup_reminder"),
      );
      expect(reminderBatches.map((batch) => batch.length)).toEqual([100, 100, 50]);
      const messages = reminderBatches.flat();
      // Every message is one of ours, once, soonest first; nothing went through `send`.
      expect(messages.every((m) => m.kind === "followup_reminder")).toBe(true);
      const reminders = ofWorkspace(messages, "followup_reminder", user.workspaceId);
      expect(reminders).toHaveLength(250);
      const expectedIds = Array.from(
        { length: 250 },
        (_, index) => `${prefix}${String(250 - index).padStart(3, "0")}`,
      );
      expect(reminders.map((m) => m.followupId)).toEqual(expectedIds);
      expect(reminders.map((m) => m.dueAt)).toEqual(
        Array.from({ length: 250 }, (_, index) => T - (250 - index) * 1000),
      );
      expect(new Set(reminders.map((m) => m.dedupeKey)).size).toBe(250);
      expect(run.single.filter((message) => message.kind === "followup_reminder")).toEqual([]);
    } finally {
      // Not delivered here: keep them out of every later run of this file.
      await env.DB.prepare("UPDATE followups SET reminder_sent_at = ? WHERE deal_id = ?")
        .bind(T, deal.id)
        .run();
    }
  });
});

// ─── Follow-up reminders end to end ──────────────────────────────────────────────────────

describe("follow-up reminders through the consumer (outbox sender)", () => {
  it("emails the assignee the drafted follow-up and the deal's link, and marks it reminded", async () => {
    expect(env.EMAIL_SENDER).toBe("outbox");
    const T = dec(4, 9);
    const { user, deal, followup } = await dueFollowup("fu-e2e", T);
    expect((await followupRow(followup.id)).reminderSentAt).toBeNull();

    const run = await runCron(T);
    const messages = ofWorkspace(run.all, "followup_reminder", user.workspaceId);
    expect(messages).toHaveLength(1);
    await deliverAllAcked(messages);

    const emails = await emailsOf(user.workspaceId, "followup_reminder");
    expect(emails).toHaveLength(1);
    const [email] = emails as [(typeof emails)[number]];
    expect(email).toMatchObject({
      dedupeKey: reminderKey(followup.id, T),
      toEmail: user.email,
      template: "followup_reminder",
      status: "sent",
      attempts: 1,
      lastError: null,
    });
    expect(email.sentAt).toBeInstanceOf(Date);
    expect(email.subject).toContain(deal.title);
    const dealLink = `${env.APP_ORIGIN}/deals/${deal.id}`;
    expect(email.bodyText).toContain(followup.body);
    expect(email.bodyText).toContain(dealLink);
    // The due time, in the recipient's zone (UTC: they set none).
    expect(email.bodyText).toContain("is due Fri, Dec 4, 2026, 9:00 AM UTC");
    expect(email.bodyHtml).toContain(dealLink);
    for (const line of followup.body.split("\n").filter((l) => l.trim())) {
      expect(email.bodyHtml).toContain(escapeHtml(line));
    }
    expect((await followupRow(followup.id)).reminderSentAt).toBeInstanceOf(Date);
  });

  it("runs at 09:00, 09:15 and 09:30, each delivered before the next, send one email", async () => {
    const T = dec(5, 9);
    const { user, followup } = await dueFollowup("fu-three-runs", T);

    const enqueued: number[] = [];
    for (const at of [T, T + 15 * MINUTE, T + 30 * MINUTE]) {
      const messages = ofWorkspace((await runCron(at)).all, "followup_reminder", user.workspaceId);
      enqueued.push(messages.length);
      if (messages.length) await deliverAllAcked(messages);
    }
    // Reminded at 09:00: the later runs do not find it again.
    expect(enqueued).toEqual([1, 0, 0]);
    const emails = await emailsOf(user.workspaceId, "followup_reminder");
    expect(emails.map((e) => [e.dedupeKey, e.status])).toEqual([
      [reminderKey(followup.id, T), "sent"],
    ]);
  });

  it("the same run triggered twice enqueues nothing the second time and sends one email", async () => {
    const T = dec(6, 9);
    const { user, followup } = await dueFollowup("fu-repeat-run", T);

    const first = await runCron(T);
    const repeat = await runCron(T);
    // A claimed repeat does nothing at all — not even for other workspaces.
    expect(repeat.all).toEqual([]);
    expect(repeat.batches).toEqual([]);
    expect(repeat.single).toEqual([]);

    await deliverAllAcked(ofWorkspace(first.all, "followup_reminder", user.workspaceId));
    const emails = await emailsOf(user.workspaceId, "followup_reminder");
    expect(emails.map((e) => [e.dedupeKey, e.status])).toEqual([
      [reminderKey(followup.id, T), "sent"],
    ]);
  });

  it("two runs that both enqueue it before any consumer ran send one email", async () => {
    const T = dec(7, 9);
    const { user, followup } = await dueFollowup("fu-overlap", T);

    const first = ofWorkspace((await runCron(T)).all, "followup_reminder", user.workspaceId);
    const second = ofWorkspace(
      (await runCron(T + 15 * MINUTE)).all,
      "followup_reminder",
      user.workspaceId,
    );
    // Both runs found it (not reminded yet), with the same dedupe key.
    expect(first).toHaveLength(1);
    expect(second).toEqual(first);

    await deliverAllAcked([...first, ...second]);
    const emails = await emailsOf(user.workspaceId, "followup_reminder");
    expect(emails.map((e) => [e.dedupeKey, e.status])).toEqual([
      [reminderKey(followup.id, T), "sent"],
    ]);
  });

  it("two consumers handling both runs' messages at once send one email", async () => {
    const T = dec(8, 9);
    const { user, followup } = await dueFollowup("fu-concurrent", T);
    const first = ofWorkspace((await runCron(T)).all, "followup_reminder", user.workspaceId);
    const second = ofWorkspace(
      (await runCron(T + 15 * MINUTE)).all,
      "followup_reminder",
      user.workspaceId,
    );
    expect([first.length, second.length]).toEqual([1, 1]);

    const outcomes = await Promise.all([deliver(first), deliver(second)]);
    const emails = await emailsOf(user.workspaceId, "followup_reminder");
    expect(emails.map((e) => [e.dedupeKey, e.status])).toEqual([
      [reminderKey(followup.id, T), "sent"],
    ]);
    // Each message was either acked or retried once the other consumer's claim could have
    // expired (CLAIM_LEASE_MS); a retried one then finds it sent.
    const retried: JobMessage[] = [];
    outcomes.forEach(({ ids, result, retried: retries }, index) => {
      const acked = result.explicitAcks.includes(ids[0] as string);
      expect(acked !== (retries.length === 1), JSON.stringify(result)).toBe(true);
      if (!acked) {
        expect(retries).toEqual([{ msgId: ids[0], delaySeconds: CLAIM_LEASE_MS / 1000 }]);
        retried.push(...(index === 0 ? first : second));
      }
    });
    if (retried.length) await deliverAllAcked(retried);
    expect(await emailsOf(user.workspaceId, "followup_reminder")).toHaveLength(1);
  });

  it("a run missed for two hours: the 11:00 run enqueues the 09:00 follow-up and it is sent", async () => {
    const T = dec(9, 9);
    const { user, followup } = await dueFollowup("fu-missed", T);

    const run = await runCron(T + 2 * HOUR);
    const messages = ofWorkspace(run.all, "followup_reminder", user.workspaceId);
    expect(messages).toEqual([
      {
        kind: "followup_reminder",
        dedupeKey: reminderKey(followup.id, T),
        workspaceId: user.workspaceId,
        followupId: followup.id,
        dueAt: T,
      },
    ]);
    await deliverAllAcked(messages);
    const emails = await emailsOf(user.workspaceId, "followup_reminder");
    expect(emails.map((e) => [e.dedupeKey, e.status, e.toEmail])).toEqual([
      [reminderKey(followup.id, T), "sent", user.email],
    ]);
  });

  it("a follow-up snoozed after its reminder is reminded again at its new time, once", async () => {
    const T = dec(10, 9);
    const { user, followup } = await dueFollowup("fu-snooze", T);
    const firstRun = ofWorkspace((await runCron(T)).all, "followup_reminder", user.workspaceId);
    await deliverAllAcked(firstRun);
    expect(await emailsOf(user.workspaceId, "followup_reminder")).toHaveLength(1);

    const snoozedTo = T + 4 * HOUR;
    await patchFollowup(user, followup.id, { dueAt: new Date(snoozedTo).toISOString() });
    expect((await followupRow(followup.id)).reminderSentAt).toBeNull();

    // The old message redelivered now is stale: its due time is gone.
    await deliverAllAcked(firstRun);
    expect(await emailsOf(user.workspaceId, "followup_reminder")).toHaveLength(1);

    // Not due before its new time…
    const early = await runCron(snoozedTo - 15 * MINUTE);
    expect(ofWorkspace(early.all, "followup_reminder", user.workspaceId)).toEqual([]);
    // …then reminded under a new key.
    const due = ofWorkspace((await runCron(snoozedTo)).all, "followup_reminder", user.workspaceId);
    expect(due).toEqual([
      {
        kind: "followup_reminder",
        dedupeKey: reminderKey(followup.id, snoozedTo),
        workspaceId: user.workspaceId,
        followupId: followup.id,
        dueAt: snoozedTo,
      },
    ]);
    await deliverAllAcked(due);
    await deliverAllAcked(due);
    const emails = await emailsOf(user.workspaceId, "followup_reminder");
    expect(emails.map((e) => [e.dedupeKey, e.status])).toEqual([
      [reminderKey(followup.id, T), "sent"],
      [reminderKey(followup.id, snoozedTo), "sent"],
    ]);
    expect((await followupRow(followup.id)).reminderSentAt).toBeInstanceOf(Date);
  });
});

// ─── Who is reminded, and their settings ─────────────────────────────────────────────────

describe("who a follow-up reminder goes to", () => {
  it("the assignee; after they leave, the creator; when neither is a member, the workspace owner", async () => {
    const owner = await signUp("fu-owner");
    const assignee = await signUp("fu-assignee");
    const creator = await signUp("fu-creator");
    await addMember(owner, owner.workspaceId, assignee, "member");
    await addMember(owner, owner.workspaceId, creator, "member");
    const asCreator = { token: creator.token, workspaceId: owner.workspaceId };
    const deal = await createDeal(owner);

    /** Runs the cron at `at`, delivers this workspace's reminders, answers who got each. */
    const remindAt = async (at: number) => {
      const messages = ofWorkspace((await runCron(at)).all, "followup_reminder", owner.workspaceId);
      await deliverAllAcked(messages);
      const emails = await emailsOf(owner.workspaceId, "followup_reminder");
      return Object.fromEntries(emails.map((e) => [e.dedupeKey, e.toEmail]));
    };

    // 1. Drafted by the creator, assigned to the assignee: the assignee gets it.
    const T1 = dec(11, 9);
    const first = await draftFollowup(asCreator, deal.id, {
      dueAt: T1,
      assigneeId: assignee.userId,
    });
    expect(await remindAt(T1)).toEqual({ [reminderKey(first.id, T1)]: assignee.email });

    // 2. The assignee leaves: their follow-up, and one still naming them, go to its creator.
    const T2 = dec(11, 10);
    const second = await draftFollowup(asCreator, deal.id, {
      dueAt: T2,
      assigneeId: assignee.userId,
    });
    expectStatus(
      await api(`/api/workspaces/${owner.workspaceId}/members/${assignee.userId}`, {
        token: assignee.token,
        method: "DELETE",
      }),
      200,
    );
    const namingFormer = await insertFollowup(owner, deal.id, {
      dueAt: new Date(T2),
      assigneeId: assignee.userId,
      createdBy: creator.userId,
    });
    expect(await remindAt(T2)).toMatchObject({
      [reminderKey(second.id, T2)]: creator.email,
      [reminderKey(namingFormer, T2)]: creator.email,
    });

    // 3. The creator leaves too: nobody named is a member, so the owner gets it.
    const T3 = dec(11, 11);
    const third = await draftFollowup(asCreator, deal.id, { dueAt: T3, assigneeId: null });
    expectStatus(
      await api(`/api/workspaces/${owner.workspaceId}/members/${creator.userId}`, {
        token: owner.token,
        method: "DELETE",
      }),
      200,
    );
    const nobody = await insertFollowup(owner, deal.id, {
      dueAt: new Date(T3),
      assigneeId: null,
      createdBy: null,
    });
    const all = await remindAt(T3);
    expect(all).toMatchObject({
      [reminderKey(third.id, T3)]: owner.email,
      [reminderKey(nobody, T3)]: owner.email,
    });
    expect(Object.keys(all)).toHaveLength(5);
  });

  it("a member who turned follow-up reminders off: skipped, nothing sent, not enqueued again", async () => {
    const T = dec(12, 9);
    const { user, followup } = await dueFollowup("fu-off", T);
    const settings = await api("/api/auth/me/notifications", {
      token: user.token,
      method: "PATCH",
      body: { emails: { followup_reminder: false } },
    });
    expectStatus(settings, 200);
    expect(settings.body.data.emails.followup_reminder).toBe(false);

    const messages = ofWorkspace((await runCron(T)).all, "followup_reminder", user.workspaceId);
    expect(messages).toHaveLength(1);
    await deliverAllAcked(messages);

    const emails = await emailsOf(user.workspaceId, "followup_reminder");
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      dedupeKey: reminderKey(followup.id, T),
      toEmail: user.email,
      status: "skipped",
      sentAt: null,
      providerMessageId: null,
      bodyText: "",
      bodyHtml: "",
    });
    expect((await followupRow(followup.id)).reminderSentAt).toBeInstanceOf(Date);

    const next = await runCron(T + 15 * MINUTE);
    expect(ofWorkspace(next.all, "followup_reminder", user.workspaceId)).toEqual([]);
  });
});

// ─── Deliverables ────────────────────────────────────────────────────────────────────────

describe("deliverable reminders", () => {
  const TOMORROW = "2026-12-02T00:00:00.000Z";

  it("the day before, from 08:00 in the owner's zone (UTC): one message and one email, once", async () => {
    const user = await signUp("deliverable-utc");
    const deal = await createDeal(user, {
      deliverables: [
        { platform: "youtube", kind: "60-second integrated read", draftDueAt: TOMORROW },
        { platform: "instagram", kind: "Story", draftDueAt: TOMORROW, done: true },
        { platform: "tiktok", kind: "Short", draftDueAt: "2026-12-03T00:00:00.000Z" },
      ],
    });
    const res = await api(`/api/deals/${deal.id}`, as(user));
    const deliverables = res.body.data.deliverables as { id: string; kind: string }[];
    const read = deliverables.find((d) => d.kind === "60-second integrated read");
    if (!read) throw new Error("deliverable missing");
    const on = Date.parse(TOMORROW);

    // 07:00 UTC: before the owner's morning.
    const early = await runCron(Date.UTC(2026, 11, 1, 7));
    expect(ofWorkspace(early.all, "deliverable_due", user.workspaceId)).toEqual([]);

    const run = await runCron(Date.UTC(2026, 11, 1, 9));
    const messages = ofWorkspace(run.all, "deliverable_due", user.workspaceId);
    const key = `deliverable-due:${deal.id}:${read.id}:draft:${on}`;
    expect(messages).toEqual([
      {
        kind: "deliverable_due",
        dedupeKey: key,
        workspaceId: user.workspaceId,
        dealId: deal.id,
        deliverableId: read.id,
        milestone: "draft",
        on,
        userId: user.userId,
      },
    ]);
    await deliverAllAcked(messages);
    const emails = await emailsOf(user.workspaceId, "deliverable_due");
    expect(emails.map((e) => [e.dedupeKey, e.toEmail, e.status])).toEqual([
      [key, user.email, "sent"],
    ]);
    expect(emails[0]?.subject).toContain(deal.title);
    expect(emails[0]?.bodyText).toContain(`/deals/${deal.id}`);

    // The next run finds the key in the delivery log.
    const again = await runCron(Date.UTC(2026, 11, 1, 9, 15));
    expect(ofWorkspace(again.all, "deliverable_due", user.workspaceId)).toEqual([]);
    expect(await emailsOf(user.workspaceId, "deliverable_due")).toHaveLength(1);
  });

  it("uses the owner's own time zone: America/Los_Angeles is reminded from 08:00 Pacific", async () => {
    const user = await signUp("deliverable-la");
    const settings = await api("/api/auth/me/notifications", {
      token: user.token,
      method: "PATCH",
      body: { timeZone: "America/Los_Angeles" },
    });
    expectStatus(settings, 200);
    const deal = await createDeal(user, {
      deliverables: [{ platform: "youtube", kind: "Dedicated video", draftDueAt: TOMORROW }],
    });

    // 15:00Z is 07:00 in Los Angeles (PST): too early there, though UTC's 15:00 would do.
    const early = await runCron(Date.UTC(2026, 11, 1, 15));
    expect(ofWorkspace(early.all, "deliverable_due", user.workspaceId)).toEqual([]);

    // 17:00Z is 09:00 PST on Dec 1: tomorrow, there, is Dec 2.
    const run = await runCron(Date.UTC(2026, 11, 1, 17));
    const messages = ofWorkspace(run.all, "deliverable_due", user.workspaceId);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      dealId: deal.id,
      milestone: "draft",
      on: Date.parse(TOMORROW),
      userId: user.userId,
    });
    await deliverAllAcked(messages);
    expect(
      (await emailsOf(user.workspaceId, "deliverable_due")).map((e) => [e.toEmail, e.status]),
    ).toEqual([[user.email, "sent"]]);
  });

  it("in Los Angeles' evening it is still the local day before (UTC is already on the due day)", async () => {
    const user = await signUp("deliverable-la-evening");
    expectStatus(
      await api("/api/auth/me/notifications", {
        token: user.token,
        method: "PATCH",
        body: { timeZone: "America/Los_Angeles" },
      }),
      200,
    );
    const deal = await createDeal(user, {
      deliverables: [
        { platform: "youtube", kind: "Live stream", liveAt: "2026-12-16T00:00:00.000Z" },
      ],
    });
    // 2026-12-16T03:00Z is 19:00 on Dec 15 in Los Angeles: tomorrow there is Dec 16.
    const run = await runCron(Date.UTC(2026, 11, 16, 3));
    expect(ofWorkspace(run.all, "deliverable_due", user.workspaceId)).toMatchObject([
      { dealId: deal.id, milestone: "live", on: Date.UTC(2026, 11, 16) },
    ]);
  });
});

// ─── Invoices ────────────────────────────────────────────────────────────────────────────

describe("invoice reminders", () => {
  it("an unpaid invoice past its terms (Net 30 by default): one message and one email, once", async () => {
    // The consumer checks the terms against the real clock, so the invoices are dated from it.
    const now = Date.now();
    const user = await signUp("invoice");
    const sentAt = (days: number) => new Date(now - days * DAY).toISOString();
    const overdue = await createDeal(user, { invoiceSentAt: sentAt(31), valueMinor: 250000 });
    const notYet = await createDeal(user, { invoiceSentAt: sentAt(29) });
    const paid = await createDeal(user, { invoiceSentAt: sentAt(31) });
    await db
      .update(deals)
      .set({ paidAt: new Date(now - DAY) })
      .where(eq(deals.id, paid.id));
    const net60 = await createDeal(user, { invoiceSentAt: sentAt(31), paymentTermsDays: 60 });
    const lost = await createDeal(user, {
      invoiceSentAt: sentAt(31),
      stageId: await stageId(user, "lost"),
    });
    const [lostStage] = await db
      .select({ kind: dealStages.kind })
      .from(deals)
      .innerJoin(dealStages, eq(dealStages.id, deals.stageId))
      .where(eq(deals.id, lost.id));
    expect(lostStage).toEqual({ kind: "lost" });

    const run = await runCron(now);
    const invoiceSentAt = Date.parse(sentAt(31));
    const messages = ofWorkspace(run.all, "invoice_overdue", user.workspaceId);
    const key = `invoice-overdue:${overdue.id}:${invoiceSentAt}`;
    expect(messages).toEqual([
      {
        kind: "invoice_overdue",
        dedupeKey: key,
        workspaceId: user.workspaceId,
        dealId: overdue.id,
        invoiceSentAt,
        userId: user.userId,
      },
    ]);
    for (const left of [notYet, paid, net60, lost]) {
      expect(messages.map((m) => m.dealId)).not.toContain(left.id);
    }

    await deliverAllAcked(messages);
    const emails = await emailsOf(user.workspaceId, "invoice_overdue");
    expect(emails.map((e) => [e.dedupeKey, e.toEmail, e.status])).toEqual([
      [key, user.email, "sent"],
    ]);
    expect(emails[0]?.subject).toContain(overdue.title);

    // Sent: the next run leaves it out.
    const again = await runCron(now + 15 * MINUTE);
    expect(ofWorkspace(again.all, "invoice_overdue", user.workspaceId)).toEqual([]);
  });

  it("an invoice reminder turned off while its email waits for a retry is settled, not enqueued every 15 minutes", async () => {
    const now = Date.now();
    const user = await signUp("invoice-off-mid-retry");
    const invoiceSentAt = now - 40 * DAY;
    const deal = await createDeal(user, { invoiceSentAt: new Date(invoiceSentAt).toISOString() });
    const key = `invoice-overdue:${deal.id}:${invoiceSentAt}`;

    const messages = ofWorkspace((await runCron(now)).all, "invoice_overdue", user.workspaceId);
    expect(messages.map((m) => m.dedupeKey)).toEqual([key]);

    // MailChannels is down: the email stays queued and the message is retried.
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    vi.spyOn(globalThis, "fetch").mockImplementation(
      async () => new Response("upstream failure", { status: 503 }),
    );
    const mailChannelsEnv = {
      ...env,
      EMAIL_SENDER: "mailchannels",
      MAILCHANNELS_API_KEY: "mc-test-key",
    } as Env;
    const failing = await deliver(messages, 1, mailChannelsEnv);
    expect(failing.result.retryMessages).toHaveLength(1);
    expect((await emailsOf(user.workspaceId, "invoice_overdue"))[0]?.status).toBe("queued");

    // Before the retry, the owner turns invoice reminders off.
    expectStatus(
      await api("/api/auth/me/notifications", {
        token: user.token,
        method: "PATCH",
        body: { emails: { invoice_overdue: false } },
      }),
      200,
    );
    const retried = await deliver(messages, 2, mailChannelsEnv);
    expect(retried.result.explicitAcks).toEqual(retried.ids);
    expect(vi.mocked(globalThis.fetch)).toHaveBeenCalledTimes(1);

    // Turned off is settled: recorded as skipped, and no run enqueues it again.
    const [email] = await emailsOf(user.workspaceId, "invoice_overdue");
    expect(email).toMatchObject({ dedupeKey: key, status: "skipped" });
    const next = await runCron(now + 15 * MINUTE);
    expect(ofWorkspace(next.all, "invoice_overdue", user.workspaceId)).toEqual([]);
  });
});
