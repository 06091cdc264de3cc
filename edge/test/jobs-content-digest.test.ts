/**
 * The cron jobs that publish scheduled content, send each member's daily digest at their local
 * 08:00, and roll up a workspace's usage for the day — driven as the platform drives them: the
 * scheduled handler enqueues (captured, never really sent), the queue handler runs each message.
 * The cron queries cross workspaces: every assertion looks only at this test's own rows.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { JobMessage } from "../../shared/jobs";
import { createDb } from "../db/client";
import { updateNotificationSettings } from "../email/preferences";
import { CRON_DAILY, CRON_QUARTER_HOUR } from "../jobs/cron";
import { api, as, signUp, type TestUser } from "./helpers";
import {
  ackCounts,
  type CronRun,
  captureCron,
  DAY,
  deliverMessages,
  HOUR,
  MINUTE,
} from "./jobs-helpers";

const db = createDb(env.DB);

afterEach(() => {
  vi.restoreAllMocks();
});

/** Delivers `bodies` as one batch to the jobs queue; answers how many were acked and retried. */
async function deliver(...bodies: JobMessage[]) {
  const { result } = await deliverMessages(bodies.map((body) => ({ body })));
  return { ...ackCounts(result), total: bodies.length };
}

async function all<T>(query: string, ...params: unknown[]): Promise<T[]> {
  const { results } = await env.DB.prepare(query)
    .bind(...params)
    .all<T>();
  return results;
}

async function first<T>(query: string, ...params: unknown[]): Promise<T | null> {
  return env.DB.prepare(query)
    .bind(...params)
    .first<T>();
}

interface OutboxRow {
  dedupe_key: string;
  to_email: string;
  template: string;
  subject: string;
  body_text: string | null;
  status: string;
  workspace_id: string | null;
}

const outboxByKey = (key: string) =>
  all<OutboxRow>(
    "SELECT dedupe_key, to_email, template, subject, body_text, status, workspace_id FROM email_outbox WHERE dedupe_key = ?",
    key,
  );

const outboxTo = (email: string, template: string) =>
  all<OutboxRow>(
    "SELECT dedupe_key, to_email, template, subject, body_text, status, workspace_id FROM email_outbox WHERE to_email = ? AND template = ?",
    email,
    template,
  );

const tag = () => crypto.randomUUID().slice(0, 8);

// ---------------------------------------------------------------------------------------------
// Scheduled publishing
// ---------------------------------------------------------------------------------------------

async function insertContent(
  user: TestUser,
  item: {
    status: string;
    scheduledAt: number | null;
    deletedAt?: number | null;
    title?: string;
  },
): Promise<string> {
  const id = `cnt_pub_${tag()}`;
  await env.DB.prepare(
    "INSERT INTO content_items (id, workspace_id, title, status, scheduled_at, deleted_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(
      id,
      user.workspaceId,
      item.title ?? `Item ${id}`,
      item.status,
      item.scheduledAt,
      item.deletedAt ?? null,
      user.userId,
    )
    .run();
  return id;
}

const contentRow = (id: string) =>
  first<{ status: string; scheduled_at: number | null; published_at: number | null }>(
    "SELECT status, scheduled_at, published_at FROM content_items WHERE id = ?",
    id,
  );

const publishAudits = (contentId: string) =>
  all<{ action: string; actor_id: string | null; workspace_id: string; metadata: string }>(
    "SELECT action, actor_id, workspace_id, metadata FROM audit_log WHERE target_id = ? AND action = 'content.published'",
    contentId,
  );

const publishMessages = (run: CronRun, ids: string[]) =>
  run.all.filter(
    (m): m is Extract<JobMessage, { kind: "content_publish" }> =>
      m.kind === "content_publish" && ids.includes(m.contentId),
  );

describe("scheduled publishing", () => {
  it("pages through 250 items due at the same instant, each enqueued once, 100 per sendBatch", async () => {
    const user = await signUp("publish-pages");
    // One instant for all: only the tie-break (the index's rowid) orders them across pages.
    const at = Date.UTC(2031, 0, 5, 10, 0);
    const ids: string[] = [];
    for (let start = 0; start < 250; start += 50) {
      const batch = Array.from({ length: 50 }, (_, n) => `cnt_page_${tag()}_${start + n}`);
      await env.DB.batch(
        batch.map((id) =>
          env.DB.prepare(
            "INSERT INTO content_items (id, workspace_id, title, status, scheduled_at, created_by) VALUES (?, ?, ?, 'scheduled', ?, ?)",
          ).bind(id, user.workspaceId, `Item ${id}`, at, user.userId),
        ),
      );
      ids.push(...batch);
    }
    const { batched, batches } = await captureCron(CRON_QUARTER_HOUR, at + 60_000);
    const sizes = batches.map((batch) => batch.length);
    const mine = batched.filter(
      (message) => message.kind === "content_publish" && message.workspaceId === user.workspaceId,
    );
    expect(mine.map((message) => (message as { contentId: string }).contentId).sort()).toEqual(
      [...ids].sort(),
    );
    // 250 due here (others' too, in this file's shared database): at least three calls, none over 100.
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
  });

  it("publishes a due item once: status, publishedAt, one audit entry, one email to its creator", async () => {
    const user = await signUp("publish");
    const runAt = Date.UTC(2026, 0, 5, 10, 0);
    const dueAt = runAt - 17 * MINUTE - 123;
    const due = await insertContent(user, {
      status: "scheduled",
      scheduledAt: dueAt,
      title: "My best mic under $100",
    });
    // Due exactly at the run's minute counts as due.
    const onTheMinute = await insertContent(user, { status: "scheduled", scheduledAt: runAt });
    const future = await insertContent(user, { status: "scheduled", scheduledAt: runAt + 1 });
    const idea = await insertContent(user, { status: "idea", scheduledAt: runAt - HOUR });
    const deleted = await insertContent(user, {
      status: "scheduled",
      scheduledAt: runAt - HOUR,
      deletedAt: runAt - 30 * MINUTE,
    });

    const run = await captureCron(CRON_QUARTER_HOUR, runAt);
    const mine = publishMessages(run, [due, onTheMinute, future, idea, deleted]);
    expect(mine).toEqual([
      {
        kind: "content_publish",
        dedupeKey: `content-published:${due}:${dueAt}`,
        workspaceId: user.workspaceId,
        contentId: due,
        scheduledAt: dueAt,
      },
      {
        kind: "content_publish",
        dedupeKey: `content-published:${onTheMinute}:${runAt}`,
        workspaceId: user.workspaceId,
        contentId: onTheMinute,
        scheduledAt: runAt,
      },
    ]);
    // The fan-out goes through sendBatch.
    expect(publishMessages({ ...run, all: run.batched }, [due])).toHaveLength(1);

    const message = mine[0] as JobMessage;
    expect(await deliver(message)).toEqual({ acked: 1, retried: 0, total: 1 });
    expect(await contentRow(due)).toEqual({
      status: "published",
      scheduled_at: dueAt,
      published_at: dueAt,
    });
    const audits = await publishAudits(due);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor_id: null, workspace_id: user.workspaceId });
    expect(JSON.parse(audits[0]?.metadata ?? "{}")).toEqual({
      scheduledAt: new Date(dueAt).toISOString(),
      by: "schedule",
    });
    const emails = await outboxByKey(`content-published:${due}:${dueAt}`);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      to_email: user.email,
      template: "content_published",
      status: "sent",
      workspace_id: user.workspaceId,
      subject: "Published: My best mic under $100",
    });
    expect(emails[0]?.body_text).toContain(`/content/${due}`);

    // Delivered again (a redelivery): nothing more.
    expect(await deliver(message)).toEqual({ acked: 1, retried: 0, total: 1 });
    expect(await publishAudits(due)).toHaveLength(1);
    expect(await outboxTo(user.email, "content_published")).toHaveLength(1);
    expect((await contentRow(due))?.published_at).toBe(dueAt);

    // The untouched items are as they were.
    expect((await contentRow(future))?.status).toBe("scheduled");
    expect((await contentRow(idea))?.status).toBe("idea");
    expect((await contentRow(deleted))?.status).toBe("scheduled");

    // The next run finds the published item no more (the other due one is still waiting).
    const next = await captureCron(CRON_QUARTER_HOUR, runAt + 15 * MINUTE);
    expect(
      publishMessages(next, [due, onTheMinute, idea, deleted]).map((m) => m.contentId),
    ).toEqual([onTheMinute]);
  });

  it("a message for an item rescheduled or deleted since it was enqueued publishes nothing", async () => {
    const user = await signUp("publish-stale");
    const runAt = Date.UTC(2026, 0, 6, 9, 15);
    const moved = await insertContent(user, { status: "scheduled", scheduledAt: runAt - MINUTE });
    const removed = await insertContent(user, {
      status: "scheduled",
      scheduledAt: runAt - 2 * MINUTE,
    });
    const run = await captureCron(CRON_QUARTER_HOUR, runAt);
    const messages = publishMessages(run, [moved, removed]);
    expect(messages.map((m) => m.contentId).sort()).toEqual([moved, removed].sort());

    // Rescheduled through the API (the API takes only future times), and deleted.
    const newTime = new Date(Date.now() + 7 * DAY);
    newTime.setUTCMilliseconds(0);
    const put = await api(`/api/content/${moved}`, {
      ...as(user),
      method: "PUT",
      body: { scheduledAt: newTime.toISOString() },
    });
    expect(put.status).toBe(200);
    const del = await api(`/api/content/${removed}`, { ...as(user), method: "DELETE" });
    expect(del.status).toBe(200);

    expect(await deliver(...messages)).toEqual({ acked: 2, retried: 0, total: 2 });
    expect(await contentRow(moved)).toEqual({
      status: "scheduled",
      scheduled_at: newTime.getTime(),
      published_at: null,
    });
    expect((await contentRow(removed))?.status).toBe("scheduled");
    expect((await contentRow(removed))?.published_at).toBeNull();
    expect(await publishAudits(moved)).toEqual([]);
    expect(await publishAudits(removed)).toEqual([]);
    expect(await outboxTo(user.email, "content_published")).toEqual([]);
  });

  it("publishes without an email when the creator turned publishing notices off (logged as skipped)", async () => {
    const user = await signUp("publish-off");
    const off = await api("/api/auth/me/notifications", {
      token: user.token,
      method: "PATCH",
      body: { emails: { content_published: false } },
    });
    expect(off.status).toBe(200);
    expect(off.body.data.emails.content_published).toBe(false);

    const runAt = Date.UTC(2026, 0, 7, 8, 30);
    const scheduledAt = runAt - 5 * MINUTE;
    const item = await insertContent(user, { status: "scheduled", scheduledAt });
    const [message] = publishMessages(await captureCron(CRON_QUARTER_HOUR, runAt), [item]);
    expect(message).toBeDefined();
    expect(await deliver(message as JobMessage)).toEqual({ acked: 1, retried: 0, total: 1 });

    expect(await contentRow(item)).toMatchObject({
      status: "published",
      published_at: scheduledAt,
    });
    expect(await publishAudits(item)).toHaveLength(1);
    const rows = await outboxByKey(`content-published:${item}:${scheduledAt}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "skipped", to_email: user.email });
    expect((await outboxTo(user.email, "content_published")).map((r) => r.status)).toEqual([
      "skipped",
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Daily digest
// ---------------------------------------------------------------------------------------------

const NEW_YORK = "America/New_York";

async function setTimeZone(user: TestUser, timeZone: string) {
  const res = await api("/api/auth/me/notifications", {
    token: user.token,
    method: "PATCH",
    body: { timeZone },
  });
  expect(res.status).toBe(200);
  expect(res.body.data.timeZone).toBe(timeZone);
}

/** Sets `user`'s next digest as if their settings had been saved at `now`. */
async function settleDigestAsOf(user: TestUser, now: number) {
  await updateNotificationSettings(db, { id: user.userId, email: user.email }, {}, new Date(now));
}

const digestNextAt = async (user: TestUser) =>
  (
    await first<{ digest_next_at: number | null }>(
      "SELECT digest_next_at FROM email_preferences WHERE email = ?",
      user.email,
    )
  )?.digest_next_at ?? null;

async function insertDeal(
  user: TestUser,
  deal: { title: string; createdAt: number; lastActivityAt?: number | null },
): Promise<string> {
  const id = `deal_dg_${tag()}`;
  await env.DB.prepare(
    "INSERT INTO deals (id, workspace_id, title, stage_id, owner_id, created_by, created_at, last_activity_at) SELECT ?, workspace_id, ?, id, ?, ?, ?, ? FROM deal_stages WHERE workspace_id = ? ORDER BY position LIMIT 1",
  )
    .bind(
      id,
      deal.title,
      user.userId,
      user.userId,
      deal.createdAt,
      deal.lastActivityAt ?? null,
      user.workspaceId,
    )
    .run();
  return id;
}

async function insertFollowup(
  user: TestUser,
  dealId: string,
  followup: { subject: string; dueAt: number; status?: string },
): Promise<string> {
  const id = `fup_dg_${tag()}`;
  await env.DB.prepare(
    "INSERT INTO followups (id, workspace_id, deal_id, subject, body, due_at, status, assignee_id, created_by) VALUES (?, ?, ?, ?, 'Checking in', ?, ?, ?, ?)",
  )
    .bind(
      id,
      user.workspaceId,
      dealId,
      followup.subject,
      followup.dueAt,
      followup.status ?? "pending",
      user.userId,
      user.userId,
    )
    .run();
  return id;
}

/** A New York member with one overdue follow-up, whose next digest is the first 08:00 after `asOf`. */
async function digestMember(label: string, asOf: number) {
  const user = await signUp(label);
  await setTimeZone(user, NEW_YORK);
  await settleDigestAsOf(user, asOf);
  const dealId = await insertDeal(user, { title: "Northwind headphones", createdAt: asOf - DAY });
  await insertFollowup(user, dealId, { subject: "Send the draft", dueAt: asOf - 3 * DAY });
  return { user, dealId };
}

const digestMessages = (run: CronRun, user: TestUser) =>
  run.all.filter(
    (m): m is Extract<JobMessage, { kind: "digest" }> =>
      m.kind === "digest" && m.userId === user.userId,
  );

const digestMessage = (user: TestUser, day: string, dueAt: number) => ({
  kind: "digest",
  dedupeKey: `digest:${user.userId}:${day}`,
  email: user.email,
  userId: user.userId,
  dueAt,
});

describe("daily digest", () => {
  it("goes out at 08:00 New York time in winter (13:00Z), lists what is due, and is sent once", async () => {
    const asOf = Date.UTC(2026, 0, 14, 20, 0); // 15:00 EST, 14 January
    const user = await signUp("digest-winter");
    await setTimeZone(user, NEW_YORK);
    await settleDigestAsOf(user, asOf);
    const at13 = Date.UTC(2026, 0, 15, 13, 0);
    expect(await digestNextAt(user)).toBe(at13);

    const fresh = await insertDeal(user, { title: "Northwind headphones", createdAt: asOf - DAY });
    // 40 days without activity in an open stage: stale.
    await insertDeal(user, { title: "Acme desk mats", createdAt: at13 - 40 * DAY });
    await insertFollowup(user, fresh, {
      subject: "Send the draft",
      dueAt: Date.UTC(2026, 0, 10, 15),
    });
    // 03:00Z on the 15th is still the 14th in New York: overdue on the 15th, not due today.
    await insertFollowup(user, fresh, {
      subject: "Confirm rates",
      dueAt: Date.UTC(2026, 0, 15, 3),
    });
    await insertFollowup(user, fresh, { subject: "Call Priya", dueAt: Date.UTC(2026, 0, 15, 20) });
    // Done: not listed.
    await insertFollowup(user, fresh, {
      subject: "Old thing",
      dueAt: Date.UTC(2026, 0, 9),
      status: "done",
    });

    // 12:00Z is 07:00 in New York: not yet.
    expect(
      digestMessages(await captureCron(CRON_QUARTER_HOUR, Date.UTC(2026, 0, 15, 12, 0)), user),
    ).toEqual([]);
    const first13 = digestMessages(await captureCron(CRON_QUARTER_HOUR, at13), user);
    expect(first13).toEqual([digestMessage(user, "2026-01-15", at13)]);
    // A run 15 minutes later, before the first message was delivered, enqueues the same digest.
    const again = digestMessages(await captureCron(CRON_QUARTER_HOUR, at13 + 15 * MINUTE), user);
    expect(again).toEqual(first13);

    expect(await deliver(...first13, ...again)).toEqual({ acked: 2, retried: 0, total: 2 });
    const key = `digest:${user.userId}:2026-01-15`;
    const emails = await outboxTo(user.email, "digest");
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      dedupe_key: key,
      status: "sent",
      workspace_id: null,
      subject: "Your day: 2 overdue, 1 due today, 1 stale deal",
    });
    const text = emails[0]?.body_text ?? "";
    expect(text).toContain("Your day (2026-01-15)");
    expect(text).toContain("Northwind headphones: Send the draft");
    expect(text).toContain("Northwind headphones: Confirm rates");
    expect(text).toContain("Northwind headphones: Call Priya");
    expect(text).toContain("Acme desk mats");
    expect(text).toContain(`/deals/${fresh}`);
    expect(text).not.toContain("Old thing");
    // Moved once, to the next day's 08:00 — not two days on.
    expect(await digestNextAt(user)).toBe(Date.UTC(2026, 0, 16, 13, 0));

    // The same minute again is a repeat; later runs that day find nothing due; a redelivery
    // sends nothing and moves nothing.
    expect(digestMessages(await captureCron(CRON_QUARTER_HOUR, at13), user)).toEqual([]);
    expect(digestMessages(await captureCron(CRON_QUARTER_HOUR, at13 + 30 * MINUTE), user)).toEqual(
      [],
    );
    expect(await deliver(...first13)).toEqual({ acked: 1, retried: 0, total: 1 });
    expect(await outboxTo(user.email, "digest")).toHaveLength(1);
    expect(await digestNextAt(user)).toBe(Date.UTC(2026, 0, 16, 13, 0));
  });

  it("goes out at 12:00Z in July (EDT)", async () => {
    const { user } = await digestMember("digest-summer", Date.UTC(2026, 6, 14, 20, 0));
    const at12 = Date.UTC(2026, 6, 15, 12, 0);
    expect(await digestNextAt(user)).toBe(at12);
    expect(digestMessages(await captureCron(CRON_QUARTER_HOUR, at12 - 15 * MINUTE), user)).toEqual(
      [],
    );
    const messages = digestMessages(await captureCron(CRON_QUARTER_HOUR, at12), user);
    expect(messages).toEqual([digestMessage(user, "2026-07-15", at12)]);
    await deliver(...messages);
    const emails = await outboxTo(user.email, "digest");
    expect(emails.map((e) => [e.dedupe_key, e.status, e.subject])).toEqual([
      [
        `digest:${user.userId}:2026-07-15`,
        "sent",
        "Your day: 1 overdue, 0 due today, 0 stale deals",
      ],
    ]);
    expect(await digestNextAt(user)).toBe(Date.UTC(2026, 6, 16, 12, 0));
  });

  it("follows the change to daylight saving time (8 March 2026): 13:00Z the day before, 12:00Z after", async () => {
    const { user } = await digestMember("digest-dst", Date.UTC(2026, 2, 6, 20, 0));
    const mar7 = Date.UTC(2026, 2, 7, 13, 0);
    const mar8 = Date.UTC(2026, 2, 8, 12, 0);
    const mar9 = Date.UTC(2026, 2, 9, 12, 0);
    expect(await digestNextAt(user)).toBe(mar7);

    expect(digestMessages(await captureCron(CRON_QUARTER_HOUR, mar7 - HOUR), user)).toEqual([]);
    const day1 = digestMessages(await captureCron(CRON_QUARTER_HOUR, mar7), user);
    expect(day1).toEqual([digestMessage(user, "2026-03-07", mar7)]);
    await deliver(...day1);
    // Not 24 hours later (13:00Z), but 23: the clocks moved an hour forward overnight.
    expect(await digestNextAt(user)).toBe(mar8);

    const day2 = digestMessages(await captureCron(CRON_QUARTER_HOUR, mar8), user);
    expect(day2).toEqual([digestMessage(user, "2026-03-08", mar8)]);
    await deliver(...day2);
    expect(await digestNextAt(user)).toBe(mar9);

    expect(digestMessages(await captureCron(CRON_QUARTER_HOUR, mar9 - 15 * MINUTE), user)).toEqual(
      [],
    );
    const day3 = digestMessages(await captureCron(CRON_QUARTER_HOUR, mar9), user);
    expect(day3).toEqual([digestMessage(user, "2026-03-09", mar9)]);
    await deliver(...day3);
    expect((await outboxTo(user.email, "digest")).map((e) => e.dedupe_key).sort()).toEqual([
      `digest:${user.userId}:2026-03-07`,
      `digest:${user.userId}:2026-03-08`,
      `digest:${user.userId}:2026-03-09`,
    ]);
    expect(await digestNextAt(user)).toBe(Date.UTC(2026, 2, 10, 12, 0));
  });

  it("with nothing due sends nothing, but still moves on to the next day", async () => {
    const user = await signUp("digest-empty");
    await setTimeZone(user, NEW_YORK);
    await settleDigestAsOf(user, Date.UTC(2026, 0, 19, 20, 0));
    const at = Date.UTC(2026, 0, 20, 13, 0);
    // A follow-up done already and one due tomorrow (local) are not in today's digest.
    const dealId = await insertDeal(user, { title: "Quiet deal", createdAt: at - DAY });
    await insertFollowup(user, dealId, { subject: "Done", dueAt: at - DAY, status: "done" });
    await insertFollowup(user, dealId, { subject: "Tomorrow", dueAt: Date.UTC(2026, 0, 21, 6) });

    const messages = digestMessages(await captureCron(CRON_QUARTER_HOUR, at), user);
    expect(messages).toEqual([digestMessage(user, "2026-01-20", at)]);
    expect(await deliver(...messages)).toEqual({ acked: 1, retried: 0, total: 1 });
    expect(await outboxTo(user.email, "digest")).toEqual([]);
    expect(await digestNextAt(user)).toBe(Date.UTC(2026, 0, 21, 13, 0));
  });

  it("is not sent to a member who turned it off, before or after it was enqueued", async () => {
    // Turned off before: nothing is due for them at all.
    const before = await digestMember("digest-off", Date.UTC(2026, 0, 21, 20, 0));
    const at = Date.UTC(2026, 0, 22, 13, 0);
    expect(await digestNextAt(before.user)).toBe(at);
    const off = await api("/api/auth/me/notifications", {
      token: before.user.token,
      method: "PATCH",
      body: { digest: false },
    });
    expect(off.status).toBe(200);
    expect(off.body.data.digest).toBe(false);
    expect(await digestNextAt(before.user)).toBeNull();

    // Turned off after the run enqueued it: the message sends nothing.
    const after = await digestMember("digest-off-late", Date.UTC(2026, 0, 21, 20, 0));
    const run = await captureCron(CRON_QUARTER_HOUR, at);
    expect(digestMessages(run, before.user)).toEqual([]);
    const late = digestMessages(run, after.user);
    expect(late).toHaveLength(1);
    const offLate = await api("/api/auth/me/notifications", {
      token: after.user.token,
      method: "PATCH",
      body: { digest: false },
    });
    expect(offLate.status).toBe(200);
    expect(await deliver(...late)).toEqual({ acked: 1, retried: 0, total: 1 });
    expect(await outboxTo(before.user.email, "digest")).toEqual([]);
    expect(await outboxTo(after.user.email, "digest")).toEqual([]);
    expect(await digestNextAt(after.user)).toBeNull();
  });

  it("is not sent to a member who changed time zone after it was enqueued", async () => {
    // runDigest's own contract: "A member who turned the digest off, or changed time zone,
    // since is not sent this one."
    const { user } = await digestMember("digest-moved", Date.UTC(2026, 0, 22, 20, 0));
    const at = Date.UTC(2026, 0, 23, 13, 0);
    const messages = digestMessages(await captureCron(CRON_QUARTER_HOUR, at), user);
    expect(messages).toEqual([digestMessage(user, "2026-01-23", at)]);
    await setTimeZone(user, "Asia/Tokyo");
    const movedTo = await digestNextAt(user);
    expect(movedTo).not.toBe(at);

    expect(await deliver(...messages)).toEqual({ acked: 1, retried: 0, total: 1 });
    expect(await outboxTo(user.email, "digest")).toEqual([]);
    // The new zone's next digest stands.
    expect(await digestNextAt(user)).toBe(movedTo);
  });

  it("more than four hours late is skipped and rescheduled; exactly four hours late still goes", async () => {
    const late = await digestMember("digest-late", Date.UTC(2026, 1, 9, 20, 0));
    const due = Date.UTC(2026, 1, 10, 13, 0);
    expect(await digestNextAt(late.user)).toBe(due);
    // The cron was down from 13:00Z to 18:00Z.
    const run = await captureCron(CRON_QUARTER_HOUR, Date.UTC(2026, 1, 10, 18, 0));
    expect(digestMessages(run, late.user)).toEqual([]);
    expect(await digestNextAt(late.user)).toBe(Date.UTC(2026, 1, 11, 13, 0));
    expect(await outboxTo(late.user.email, "digest")).toEqual([]);

    const edge = await digestMember("digest-late-edge", Date.UTC(2026, 1, 11, 20, 0));
    const edgeDue = Date.UTC(2026, 1, 12, 13, 0);
    expect(await digestNextAt(edge.user)).toBe(edgeDue);
    const edgeRun = await captureCron(CRON_QUARTER_HOUR, edgeDue + 4 * HOUR);
    const messages = digestMessages(edgeRun, edge.user);
    expect(messages).toEqual([digestMessage(edge.user, "2026-02-12", edgeDue)]);
    await deliver(...messages);
    expect((await outboxTo(edge.user.email, "digest")).map((e) => e.status)).toEqual(["sent"]);
    expect(await digestNextAt(edge.user)).toBe(Date.UTC(2026, 1, 13, 13, 0));
  });
});

// ---------------------------------------------------------------------------------------------
// Usage roll-up
// ---------------------------------------------------------------------------------------------

interface RollupRow {
  ai_calls: number;
  credits: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_micros: number;
  content_created: number;
  deals_created: number;
  emails_sent: number;
}

const rollups = (workspaceId: string) =>
  all<RollupRow & { day: string }>(
    "SELECT day, ai_calls, credits, prompt_tokens, completion_tokens, cost_micros, content_created, deals_created, emails_sent FROM usage_rollups WHERE workspace_id = ?",
    workspaceId,
  );

async function insertAiRequest(
  user: TestUser,
  row: {
    at: number;
    status: "ok" | "cached" | "error";
    credits: number;
    promptTokens: number;
    completionTokens: number;
    costMicros: number;
  },
) {
  await env.DB.prepare(
    "INSERT INTO ai_requests (id, workspace_id, user_id, feature, provider, model, prompt_tokens, completion_tokens, cost_micros, status, credits, created_at) VALUES (?, ?, ?, 'repurpose', 'offline', 'offline', ?, ?, ?, ?, ?, ?)",
  )
    .bind(
      `air_${tag()}`,
      user.workspaceId,
      user.userId,
      row.promptTokens,
      row.completionTokens,
      row.costMicros,
      row.status,
      row.credits,
      row.at,
    )
    .run();
}

describe("usage roll-up", () => {
  it("rolls up yesterday per workspace with exact counts, and recomputes rather than doubles", async () => {
    const user = await signUp("rollup");
    const quiet = await signUp("rollup-quiet");
    const day = "2026-02-03";
    const start = Date.UTC(2026, 1, 3);
    const end = start + DAY;

    const ok = { status: "ok" as const };
    await insertAiRequest(user, {
      ...ok,
      at: start + 10 * HOUR,
      credits: 3,
      promptTokens: 100,
      completionTokens: 50,
      costMicros: 1200,
    });
    await insertAiRequest(user, {
      ...ok,
      at: end - 1,
      credits: 2,
      promptTokens: 10,
      completionTokens: 5,
      costMicros: 300,
    });
    // A cache hit is not an AI call, and counts nothing.
    await insertAiRequest(user, {
      status: "cached",
      at: start + 12 * HOUR,
      credits: 0,
      promptTokens: 100,
      completionTokens: 100,
      costMicros: 0,
    });
    // The days around it are not this day.
    await insertAiRequest(user, {
      ...ok,
      at: start - 1,
      credits: 7,
      promptTokens: 700,
      completionTokens: 700,
      costMicros: 7000,
    });
    await insertAiRequest(user, {
      ...ok,
      at: end,
      credits: 9,
      promptTokens: 900,
      completionTokens: 900,
      costMicros: 9000,
    });

    const content = (id: string, at: number, deletedAt: number | null) =>
      env.DB.prepare(
        "INSERT INTO content_items (id, workspace_id, title, created_at, deleted_at) VALUES (?, ?, 'Item', ?, ?)",
      ).bind(id, user.workspaceId, at, deletedAt);
    const deal = (id: string, at: number) =>
      env.DB.prepare(
        "INSERT INTO deals (id, workspace_id, title, stage_id, created_at) SELECT ?, workspace_id, 'Deal', id, ? FROM deal_stages WHERE workspace_id = ? ORDER BY position LIMIT 1",
      ).bind(id, at, user.workspaceId);
    const email = (status: string, createdAt: number, sentAt: number | null) =>
      env.DB.prepare(
        "INSERT INTO email_outbox (id, workspace_id, dedupe_key, to_email, template, subject, status, sent_at, created_at) VALUES (?, ?, ?, 'someone@example.com', 'followup_reminder', 'Hi', ?, ?, ?)",
      ).bind(`eml_${tag()}`, user.workspaceId, `rollup-test:${tag()}`, status, sentAt, createdAt);
    await env.DB.batch([
      content(`cnt_ru_${tag()}`, start + HOUR, null),
      // Deleted since: it was still created that day.
      content(`cnt_ru_${tag()}`, start + 2 * HOUR, start + 3 * HOUR),
      content(`cnt_ru_${tag()}`, end, null),
      deal(`deal_ru_${tag()}`, start + 5 * HOUR),
      deal(`deal_ru_${tag()}`, start - HOUR),
      email("sent", start + 8 * HOUR, start + 9 * HOUR),
      // Queued that day (not sent), and one sent the next day.
      email("queued", start + 8 * HOUR, null),
      email("sent", end - HOUR, end + HOUR),
    ]);

    const run = await captureCron(CRON_DAILY, Date.UTC(2026, 1, 4, 3, 0));
    const rollupFor = (workspaceId: string) =>
      run.batched.filter(
        (m): m is Extract<JobMessage, { kind: "usage_rollup" }> =>
          m.kind === "usage_rollup" && m.workspaceId === workspaceId,
      );
    const mine = rollupFor(user.workspaceId);
    expect(mine).toEqual([
      {
        kind: "usage_rollup",
        dedupeKey: `usage-rollup:${user.workspaceId}:${day}`,
        workspaceId: user.workspaceId,
        day,
      },
    ]);
    expect(rollupFor(quiet.workspaceId)).toHaveLength(1);
    expect(run.single).toEqual([{ kind: "housekeeping", dedupeKey: "housekeeping:2026-02-04" }]);

    const expected = {
      day,
      ai_calls: 2,
      credits: 5,
      prompt_tokens: 110,
      completion_tokens: 55,
      cost_micros: 1500,
      content_created: 2,
      deals_created: 1,
      emails_sent: 1,
    };
    expect(await deliver(...mine, ...rollupFor(quiet.workspaceId))).toEqual({
      acked: 2,
      retried: 0,
      total: 2,
    });
    expect(await rollups(user.workspaceId)).toEqual([expected]);
    // Nothing happened in the quiet workspace that day: no row.
    expect(await rollups(quiet.workspaceId)).toEqual([]);

    // Redelivered: the same row, not doubled.
    await deliver(...mine);
    expect(await rollups(user.workspaceId)).toEqual([expected]);

    // A late AI request for that day: the roll-up run again recomputes the day.
    await insertAiRequest(user, {
      ...ok,
      at: start + 20 * HOUR,
      credits: 4,
      promptTokens: 40,
      completionTokens: 20,
      costMicros: 500,
    });
    await deliver(...mine);
    expect(await rollups(user.workspaceId)).toEqual([
      {
        ...expected,
        ai_calls: 3,
        credits: 9,
        prompt_tokens: 150,
        completion_tokens: 75,
        cost_micros: 2000,
      },
    ]);

    // The daily run for the same minute again is a repeat and enqueues nothing.
    expect((await captureCron(CRON_DAILY, Date.UTC(2026, 1, 4, 3, 0))).all).toEqual([]);
  });
});
