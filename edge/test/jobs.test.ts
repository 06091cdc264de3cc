import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { JobMessage } from "../../shared/jobs";
import { createDb } from "../db/client";
import worker from "../index";
import { runHousekeeping } from "../jobs/housekeeping";
import { signUp, type TestUser } from "./helpers";
import {
  type CronRun,
  captureCron,
  captureFailedCron,
  DAY,
  type Delivery,
  DLQ,
  deadJobs,
  deliverMessages,
  JOBS_QUEUE,
} from "./jobs-helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs the cron handler and answers every message it sent to the jobs queue, in order. */
const runCron = async (cron: string, scheduledTime: number) =>
  (await captureCron(cron, scheduledTime)).all;

/** A run that enqueued nothing at all, through either call. */
const nothingEnqueued: CronRun = { all: [], single: [], batched: [], batches: [], requests: [] };

const housekeepingOf = (messages: JobMessage[]) =>
  messages.filter((message) => message.kind === "housekeeping");

/** Delivers `messages` as one batch of `queue` to the queue handler. */
const deliver = (queue: string, messages: Delivery[]) => deliverMessages(messages, { queue });

describe("cron", () => {
  it("the daily schedule enqueues housekeeping keyed by the UTC date", async () => {
    const user = await signUp("daily-cron");
    const { single: sent, batches } = await captureCron(
      "0 3 * * *",
      Date.UTC(2026, 2, 14, 3, 0, 0),
    );
    expect(housekeepingOf(sent)).toEqual([
      { kind: "housekeeping", dedupeKey: "housekeeping:2026-03-14" },
    ]);
    expect(housekeepingOf(batches.flat())).toEqual([]);
    // And one usage roll-up per workspace for the UTC day that ended, through sendBatch.
    const rollups = batches.flat().filter((message) => message.kind === "usage_rollup");
    expect(rollups.filter((m) => m.workspaceId === user.workspaceId)).toEqual([
      {
        kind: "usage_rollup",
        dedupeKey: `usage-rollup:${user.workspaceId}:2026-03-13`,
        workspaceId: user.workspaceId,
        day: "2026-03-13",
      },
    ]);
    expect(new Set(rollups.map((m) => m.workspaceId)).size).toBe(rollups.length);
    expect(rollups.every((m) => m.day === "2026-03-13")).toBe(true);

    // Late in the UTC day still names that UTC day (not the next one, whatever the offset).
    const late = await runCron("0 3 * * *", Date.UTC(2026, 11, 31, 23, 59, 59, 999));
    expect(housekeepingOf(late)).toEqual([
      { kind: "housekeeping", dedupeKey: "housekeeping:2026-12-31" },
    ]);
  });

  it("the same day always yields the same dedupe key", async () => {
    const first = await runCron("0 3 * * *", Date.UTC(2026, 5, 1, 3, 0, 0));
    const retried = await runCron("0 3 * * *", Date.UTC(2026, 5, 1, 3, 0, 42));
    expect(housekeepingOf(first)).toEqual([
      { kind: "housekeeping", dedupeKey: "housekeeping:2026-06-01" },
    ]);
    expect(retried).toEqual(first);
  });

  it("the exact same run triggered again enqueues nothing (its claim is taken)", async () => {
    const at = Date.UTC(2026, 5, 2, 3, 0, 0);
    const first = await runCron("0 3 * * *", at);
    expect(housekeepingOf(first)).toEqual([
      { kind: "housekeeping", dedupeKey: "housekeeping:2026-06-02" },
    ]);
    const repeat = await captureCron("0 3 * * *", at);
    expect(repeat).toEqual(nothingEnqueued);

    // The same for the 15-minute schedule.
    const quarter = Date.UTC(2026, 5, 2, 3, 15, 0);
    await runCron("*/15 * * * *", quarter);
    expect(await captureCron("*/15 * * * *", quarter)).toEqual(nothingEnqueued);
  });

  it("a run whose job failed gives its claim back: the other jobs ran, and the same run can run again", async () => {
    await signUp("cron-failure");
    const at = Date.UTC(2026, 5, 3, 3, 0, 0);
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    // The roll-ups' sendBatch fails (the daily run's only sendBatch).
    const failed = await captureFailedCron("0 3 * * *", at, "usage_rollup");
    expect(() => {
      throw failed.error;
    }).toThrow("Cron jobs failed: usageRollups");
    // Housekeeping ran although the roll-ups before it failed.
    expect(housekeepingOf(failed.single)).toEqual([
      { kind: "housekeeping", dedupeKey: "housekeeping:2026-06-03" },
    ]);
    vi.restoreAllMocks();

    // The trigger delivered again for the same minute is not a repeat: it runs everything.
    const again = await captureCron("0 3 * * *", at);
    expect(housekeepingOf(again.single)).toEqual([
      { kind: "housekeeping", dedupeKey: "housekeeping:2026-06-03" },
    ]);
    expect(again.batches.flat().some((m) => m.kind === "usage_rollup")).toBe(true);
    // …and once it succeeded, its claim holds.
    expect(await captureCron("0 3 * * *", at)).toEqual(nothingEnqueued);
  });

  it("a cron that is not in the schedule does nothing", async () => {
    const at = Date.UTC(2026, 5, 4, 0, 0, 0);
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(await captureCron("0 0 * * *", at)).toEqual(nothingEnqueued);
    const { results } = await env.DB.prepare("SELECT cron FROM cron_runs WHERE cron = ?")
      .bind("0 0 * * *")
      .all();
    expect(results).toEqual([]);
  });

  it("the 15-minute schedule enqueues nothing when nothing is due", async () => {
    const { single: sent, batches } = await captureCron(
      "*/15 * * * *",
      Date.UTC(2026, 2, 14, 3, 15, 0),
    );
    expect(sent).toEqual([]);
    expect(batches).toEqual([]);
  });

  it("the messages the cron sends are accepted and acked by the consumer", async () => {
    const user = await signUp("cron-hop");
    const messages = await runCron("0 3 * * *", Date.now());
    const [message] = housekeepingOf(messages);
    const rollup = messages.find(
      (m) => m.kind === "usage_rollup" && m.workspaceId === user.workspaceId,
    );
    expect(message).toBeDefined();
    expect(rollup).toBeDefined();
    const { result } = await deliver(JOBS_QUEUE, [
      { id: "cron-hop-1", body: message },
      { id: "cron-hop-2", body: rollup },
    ]);
    expect([...result.explicitAcks].sort()).toEqual(["cron-hop-1", "cron-hop-2"]);
    expect(result.retryMessages).toEqual([]);
    expect(await deadJobs("cron-hop-1")).toEqual([]);
    expect(await deadJobs("cron-hop-2")).toEqual([]);
  });
});

interface Fixture {
  user: TestUser;
  sessions: Record<"expired" | "live" | "revokedLongAgo" | "revokedRecently", string>;
  invitations: Record<"expiredLongAgo" | "expiredRecently" | "pending", string>;
  keys: Record<"expired" | "live", string>;
  content: Record<"purgeable" | "restorable" | "active", string>;
  sponsors: Record<"purgeable" | "restorable" | "active", string>;
  deals: Record<"purgeable" | "restorable" | "active", string>;
}

/** Rows on both sides of every housekeeping boundary, in one user's workspace. */
async function seedHousekeepingFixture(): Promise<Fixture> {
  const user = await signUp("housekeeping");
  const now = Date.now();
  const tag = crypto.randomUUID().slice(0, 8);
  const id = (name: string) => `${name}_${tag}`;
  const fixture: Fixture = {
    user,
    sessions: {
      expired: id("ses_expired"),
      live: id("ses_live"),
      revokedLongAgo: id("ses_revoked_old"),
      revokedRecently: id("ses_revoked_new"),
    },
    invitations: {
      expiredLongAgo: id("inv_old"),
      expiredRecently: id("inv_recent"),
      pending: id("inv_pending"),
    },
    keys: { expired: id("key_expired"), live: id("key_live") },
    content: {
      purgeable: id("cnt_purge"),
      restorable: id("cnt_restore"),
      active: id("cnt_active"),
    },
    sponsors: {
      purgeable: id("spn_purge"),
      restorable: id("spn_restore"),
      active: id("spn_active"),
    },
    deals: {
      purgeable: id("deal_purge"),
      restorable: id("deal_restore"),
      active: id("deal_active"),
    },
  };

  const session = (sessionId: string, expiresAt: number, revokedAt: number | null) =>
    env.DB.prepare(
      "INSERT INTO sessions (id, user_id, token_hash, client, expires_at, last_used_at, revoked_at) VALUES (?, ?, ?, 'api', ?, ?, ?)",
    ).bind(sessionId, user.userId, `hash-${sessionId}`, expiresAt, now, revokedAt);
  const invitation = (invitationId: string, expiresAt: number) =>
    env.DB.prepare(
      "INSERT INTO invitations (id, workspace_id, email, role, token_hash, invited_by, expires_at) VALUES (?, ?, ?, 'member', ?, ?, ?)",
    ).bind(
      invitationId,
      user.workspaceId,
      `${invitationId}@example.com`,
      `hash-${invitationId}`,
      user.userId,
      expiresAt,
    );
  const key = (keyName: string, expiresAt: number) =>
    env.DB.prepare(
      "INSERT INTO idempotency_keys (workspace_id, key, method, path, request_hash, expires_at) VALUES (?, ?, 'POST', '/api/test', 'h', ?)",
    ).bind(user.workspaceId, keyName, expiresAt);
  const content = (contentId: string, deletedAt: number | null) =>
    env.DB.prepare(
      "INSERT INTO content_items (id, workspace_id, title, deleted_at) VALUES (?, ?, 'Item', ?)",
    ).bind(contentId, user.workspaceId, deletedAt);
  const sponsor = (sponsorId: string, deletedAt: number | null) =>
    env.DB.prepare(
      "INSERT INTO sponsors (id, workspace_id, name, deleted_at) VALUES (?, ?, 'Brand', ?)",
    ).bind(sponsorId, user.workspaceId, deletedAt);
  const deal = (dealId: string, deletedAt: number | null) =>
    env.DB.prepare(
      "INSERT INTO deals (id, workspace_id, title, stage_id, deleted_at) SELECT ?, workspace_id, 'Deal', id, ? FROM deal_stages WHERE workspace_id = ? ORDER BY position LIMIT 1",
    ).bind(dealId, deletedAt, user.workspaceId);

  await env.DB.batch([
    session(fixture.sessions.expired, now - 60_000, null),
    session(fixture.sessions.live, now + DAY, null),
    session(fixture.sessions.revokedLongAgo, now + DAY, now - 2 * DAY),
    session(fixture.sessions.revokedRecently, now + DAY, now - 60 * 60_000),
    invitation(fixture.invitations.expiredLongAgo, now - 31 * DAY),
    invitation(fixture.invitations.expiredRecently, now - 2 * DAY),
    invitation(fixture.invitations.pending, now + 7 * DAY),
    key(fixture.keys.expired, now - 60_000),
    key(fixture.keys.live, now + DAY),
    content(fixture.content.purgeable, now - 31 * DAY),
    content(fixture.content.restorable, now - DAY),
    content(fixture.content.active, null),
    sponsor(fixture.sponsors.purgeable, now - 31 * DAY),
    sponsor(fixture.sponsors.restorable, now - DAY),
    sponsor(fixture.sponsors.active, null),
    deal(fixture.deals.purgeable, now - 31 * DAY),
    deal(fixture.deals.restorable, now - DAY),
    deal(fixture.deals.active, null),
  ]);
  return fixture;
}

async function existing(fixture: Fixture) {
  const ids = async (table: string, column: string, values: string[]) => {
    const placeholders = values.map(() => "?").join(", ");
    const { results } = await env.DB.prepare(
      `SELECT ${column} AS id FROM ${table} WHERE ${column} IN (${placeholders})`,
    )
      .bind(...values)
      .all<{ id: string }>();
    return new Set(results.map((r) => r.id));
  };
  const sessions = await ids("sessions", "id", Object.values(fixture.sessions));
  const invitations = await ids("invitations", "id", Object.values(fixture.invitations));
  const keys = await ids("idempotency_keys", "key", Object.values(fixture.keys));
  const content = await ids("content_items", "id", Object.values(fixture.content));
  const sponsors = await ids("sponsors", "id", Object.values(fixture.sponsors));
  const deals = await ids("deals", "id", Object.values(fixture.deals));
  const pick = <K extends string>(names: Record<K, string>, present: Set<string>) =>
    (Object.keys(names) as K[]).filter((name) => present.has(names[name])).sort();
  return {
    sessions: pick(fixture.sessions, sessions),
    invitations: pick(fixture.invitations, invitations),
    keys: pick(fixture.keys, keys),
    content: pick(fixture.content, content),
    sponsors: pick(fixture.sponsors, sponsors),
    deals: pick(fixture.deals, deals),
  };
}

describe("housekeeping", () => {
  it("removes what has outlived its use and keeps everything still live", async () => {
    const fixture = await seedHousekeepingFixture();
    expect(await existing(fixture)).toEqual({
      sessions: ["expired", "live", "revokedLongAgo", "revokedRecently"],
      invitations: ["expiredLongAgo", "expiredRecently", "pending"],
      keys: ["expired", "live"],
      content: ["active", "purgeable", "restorable"],
      sponsors: ["active", "purgeable", "restorable"],
      deals: ["active", "purgeable", "restorable"],
    });

    // Cron run claims: kept for a month, so a late repeat of a run still finds its claim.
    const cron = `housekeeping-test-${crypto.randomUUID().slice(0, 8)}`;
    const claim = (scheduledAt: number, createdAt: number) =>
      env.DB.prepare(
        "INSERT INTO cron_runs (cron, scheduled_at, created_at) VALUES (?, ?, ?)",
      ).bind(cron, scheduledAt, createdAt);
    await env.DB.batch([claim(1, Date.now() - 31 * DAY), claim(2, Date.now() - DAY)]);

    const message: JobMessage = { kind: "housekeeping", dedupeKey: "housekeeping:test-1" };
    const { result } = await deliver(JOBS_QUEUE, [{ id: "hk-1", body: message }]);
    expect(result.explicitAcks).toEqual(["hk-1"]);
    expect(result.retryMessages).toEqual([]);

    const { results: claims } = await env.DB.prepare(
      "SELECT scheduled_at FROM cron_runs WHERE cron = ?",
    )
      .bind(cron)
      .all<{ scheduled_at: number }>();
    expect(claims).toEqual([{ scheduled_at: 2 }]);

    expect(await existing(fixture)).toEqual({
      sessions: ["live", "revokedRecently"],
      invitations: ["expiredRecently", "pending"],
      keys: ["live"],
      content: ["active", "restorable"],
      sponsors: ["active", "restorable"],
      deals: ["active", "restorable"],
    });
    // The user's real session (from sign-up) is untouched and still works.
    const me = await worker.fetch(
      new Request("https://api.creatorops.test/api/auth/me", {
        headers: { Authorization: `Bearer ${fixture.user.token}` },
      }),
      env,
      createExecutionContext(),
    );
    expect(me.status).toBe(200);
  });

  it("running it again is a no-op", async () => {
    const fixture = await seedHousekeepingFixture();
    const first = await deliver(JOBS_QUEUE, [
      { id: "hk-twice-1", body: { kind: "housekeeping", dedupeKey: "housekeeping:x" } },
    ]);
    expect(first.result.explicitAcks).toEqual(["hk-twice-1"]);
    const afterFirst = await existing(fixture);

    // Redelivery of the same day's job (new message id, same dedupe key).
    const second = await deliver(JOBS_QUEUE, [
      { id: "hk-twice-2", body: { kind: "housekeeping", dedupeKey: "housekeeping:x" } },
    ]);
    expect(second.result.explicitAcks).toEqual(["hk-twice-2"]);
    expect(second.result.retryMessages).toEqual([]);
    expect(await existing(fixture)).toEqual(afterFirst);

    // And a direct third run finds nothing left to delete.
    expect(await runHousekeeping(createDb(env.DB))).toEqual({
      sessions: 0,
      idempotencyKeys: 0,
      invitations: 0,
      content: 0,
      sponsors: 0,
      deals: 0,
      cronRuns: 0,
    });
  });
});

describe("queue consumer", () => {
  it("records an invalid message in dead_jobs and acks it (no retry)", async () => {
    const messageId = `bad-${crypto.randomUUID()}`;
    const { result } = await deliver(JOBS_QUEUE, [
      { id: messageId, body: { kind: "does-not-exist" }, attempts: 1 },
    ]);
    expect(result.outcome).toBe("ok");
    expect(result.explicitAcks).toEqual([messageId]);
    expect(result.retryMessages).toEqual([]);
    const rows = await deadJobs(messageId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      queue: JOBS_QUEUE,
      attempts: 1,
      error: 'unknown message kind "does-not-exist"',
    });
    expect(JSON.parse(rows[0]?.body ?? "null")).toEqual({ kind: "does-not-exist" });
  });

  it("acks every message of a mixed batch, recording only the invalid ones", async () => {
    const good = `good-${crypto.randomUUID()}`;
    const bad = `bad-${crypto.randomUUID()}`;
    const notAnObject = `str-${crypto.randomUUID()}`;
    const { result } = await deliver(JOBS_QUEUE, [
      { id: good, body: { kind: "housekeeping", dedupeKey: "housekeeping:mixed" } },
      { id: bad, body: { kind: "housekeeping" } },
      { id: notAnObject, body: "just a string" },
    ]);
    expect([...result.explicitAcks].sort()).toEqual([good, bad, notAnObject].sort());
    expect(result.retryMessages).toEqual([]);
    expect(await deadJobs(good)).toEqual([]);
    expect(await deadJobs(bad)).toHaveLength(1);
    expect(await deadJobs(notAnObject)).toHaveLength(1);
  });

  it("the dead-letter queue records a message once, however often it is redelivered", async () => {
    const messageId = `dlq-${crypto.randomUUID()}`;
    const body = { kind: "housekeeping", dedupeKey: "housekeeping:2026-01-01" };
    const first = await deliver(DLQ, [{ id: messageId, body, attempts: 6 }]);
    const second = await deliver(DLQ, [{ id: messageId, body, attempts: 7 }]);
    for (const { result } of [first, second]) {
      expect(result.outcome).toBe("ok");
      expect(result.explicitAcks).toEqual([messageId]);
      expect(result.retryMessages).toEqual([]);
    }
    const rows = await deadJobs(messageId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ queue: DLQ, attempts: 6, error: "retries exhausted" });
    expect(JSON.parse(rows[0]?.body ?? "null")).toEqual(body);
  });

  it("the dead-letter queue records and acks every message of a batch", async () => {
    const ids = [1, 2, 3].map((n) => `dlq-batch-${n}-${crypto.randomUUID()}`);
    const { result } = await deliver(
      DLQ,
      ids.map((id) => ({ id, body: { any: "payload" }, attempts: 6 })),
    );
    expect([...result.explicitAcks].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(await deadJobs(id)).toHaveLength(1);
  });
});
