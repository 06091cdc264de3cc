/**
 * Attacks on the jobs-and-email work: redelivery, races, state that moved between enqueue and
 * consume, the delivery log's recipient, unsubscribe tokens, the dev outbox, time zones with
 * unusual offsets and midnight DST changes, the cron's claim, and the roll-up's day bounds.
 * Driven like the platform does: `worker.scheduled` with `createScheduledController` (JOBS
 * spied, nothing really enqueued) and `worker.queue` with `createMessageBatch`; real races call
 * the use cases directly with Promise.all in one isolate.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { sign } from "hono/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { JobMessage } from "../../shared/jobs";
import { app } from "../app";
import { followupReminderKey, remindFollowup } from "../crm/reminders";
import { createDb } from "../db/client";
import { cronRuns, emailOutbox, usageRollups } from "../db/schema";
import { WorkspaceScope } from "../db/scope";
import { rollUpUsage } from "../db/usage";
import { loadWorkspaceContext } from "../db/workspace-context";
import { MAILCHANNELS_SEND_URL } from "../email/mailchannels";
import { localDayBounds, nextDigestAt } from "../email/preferences";
import { followupReminderEmail } from "../email/templates";
import { unsubscribeUrl } from "../email/unsubscribe";
import worker from "../index";
import { addMember, api, as, BASE, signUp, type TestUser, uniqueEmail } from "./helpers";
import {
  ackCounts,
  captureCron,
  captureFailedCron,
  captureJobs,
  createDeal,
  DAY,
  deliverMessages,
  expectStatus,
  HOUR,
  insertFollowup,
  MINUTE,
  ofWorkspace,
  outboxRows,
  QUARTER_HOUR,
  stageId,
} from "./jobs-helpers";

const db = createDb(env.DB);

afterEach(() => {
  vi.restoreAllMocks();
});

/** A deployment whose sender is misnamed: every send is a retryable failure (row stays queued). */
const brokenSenderEnv = { ...env, EMAIL_SENDER: "carrier-pigeon" } as Env;

let slot = 0;
/** A scheduled time no other run of this file uses (the cron claims by cron and minute). */
function uniqueRunTime(base = Date.now()): number {
  slot += 1;
  return base - (base % MINUTE) - slot * 7 * MINUTE - 3_000;
}

/** Runs the cron at `scheduledTime` and answers every message it enqueued (nothing is queued). */
const runCron = async (scheduledTime: number, cron = QUARTER_HOUR) =>
  (await captureCron(cron, scheduledTime)).all;

/** Hands `bodies` to the queue handler as one batch; answers how many were acked and retried. */
const deliver = async (bodies: JobMessage[], workerEnv: Env = env) =>
  ackCounts(
    (
      await deliverMessages(
        bodies.map((body) => ({ body })),
        { env: workerEnv },
      )
    ).result,
  );

async function ctxOf(workspaceId: string, workerEnv: Env = env) {
  const ctx = await loadWorkspaceContext(db, workerEnv, workspaceId, null);
  if (!ctx) throw new Error(`no workspace ${workspaceId}`);
  return ctx;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// ─── Bugs: each test below failed when written ────────────────────────────────────────────

describe("who a retried reminder goes to", () => {
  it("a reminder whose first send failed is not sent, on retry, to an assignee removed from the workspace since", async () => {
    const owner = await signUp("hard-owner");
    const member = await signUp("hard-leaver");
    await addMember(owner, owner.workspaceId, member, "member");
    const deal = await createDeal(owner);
    const dueAt = Date.now() - HOUR;
    const followupId = await insertFollowup(owner, deal.id, {
      dueAt: new Date(dueAt),
      assigneeId: member.userId,
    });
    const message = { followupId, dueAt, dedupeKey: followupReminderKey(followupId, dueAt) };

    // First attempt: the sender is down, the email stays queued, addressed to the assignee.
    const first = await remindFollowup(await ctxOf(owner.workspaceId, brokenSenderEnv), message);
    expect(first.status).toBe("retry");
    expect((await outboxRows(message.dedupeKey))[0]).toMatchObject({
      status: "queued",
      toEmail: member.email,
    });

    // The assignee leaves (their follow-ups go back to nobody), then the retry runs.
    expectStatus(
      await api(`/api/workspaces/${owner.workspaceId}/members/${member.userId}`, {
        token: owner.token,
        method: "DELETE",
      }),
      200,
    );
    const second = await remindFollowup(await ctxOf(owner.workspaceId), message);
    expect(second.status).toBe("sent");

    // The deal's drafted email must not reach someone who can no longer open the deal.
    const [row] = await outboxRows(message.dedupeKey);
    expect(row?.status).toBe("sent");
    expect(row?.toEmail).not.toBe(member.email);
    expect(row?.toEmail).toBe(owner.email);
  });
});

describe("an email its recipient turned off between two attempts", () => {
  it("is recorded as skipped, and its overdue invoice is not enqueued again every quarter hour", async () => {
    const user = await signUp("hard-invoice-optout");
    const deal = await createDeal(user, {
      invoiceSentAt: new Date(Date.now() - 40 * DAY).toISOString(),
    });
    const T = uniqueRunTime();
    const [message] = ofWorkspace(await runCron(T), "invoice_overdue", user.workspaceId);
    expect(message?.dealId).toBe(deal.id);
    if (!message) return;

    // First attempt fails (sender down): the log row stays queued.
    expect(await deliver([message], brokenSenderEnv)).toEqual({ acked: 0, retried: 1 });
    // The recipient turns invoice reminders off; the retry skips it and is done.
    expectStatus(
      await api("/api/auth/me/notifications", {
        token: user.token,
        method: "PATCH",
        body: { emails: { invoice_overdue: false } },
      }),
      200,
    );
    expect(await deliver([message], env)).toEqual({ acked: 1, retried: 0 });
    const [row] = await outboxRows(message.dedupeKey);
    expect(row?.sentAt).toBeNull();

    // Settled for good: the next runs must not find it again.
    const next = await runCron(uniqueRunTime());
    expect(ofWorkspace(next, "invoice_overdue", user.workspaceId)).toEqual([]);
    expect(row?.status).toBe("skipped");
  });
});

describe("an invitation revoked before its email went out", () => {
  it("is not emailed to the (possibly mistyped) address", async () => {
    const owner = await signUp("hard-revoker");
    const { run: enqueued } = captureJobs();
    const typo = uniqueEmail("hard-typo");
    const invited = await api(`/api/workspaces/${owner.workspaceId}/invitations`, {
      token: owner.token,
      body: { email: typo, role: "member" },
    });
    expectStatus(invited, 201);
    vi.restoreAllMocks();
    expect(enqueued.single).toHaveLength(1);
    const invitationId = invited.body.data.invitation.id as string;

    expectStatus(
      await api(`/api/workspaces/${owner.workspaceId}/invitations/${invitationId}`, {
        token: owner.token,
        method: "DELETE",
      }),
      200,
    );
    // The queue gets to the message only now (a busy queue, a retry after a provider outage).
    await deliver(enqueued.single);

    const [row] = await outboxRows(`invitation:${invitationId}`);
    expect(row?.toEmail).toBe(typo);
    expect(row?.status).not.toBe("sent");
  });
});

describe("subjects cut to length", () => {
  it("never cut an emoji in half (a lone surrogate is not a character any mail system can encode)", async () => {
    const links = {
      appOrigin: env.APP_ORIGIN,
      unsubscribeUrl: `${env.APP_ORIGIN}/api/email/unsubscribe?token=x`,
      settingsUrl: `${env.APP_ORIGIN}/settings/notifications`,
    };
    // The deal title is cut at 100 characters: the 99th and 100th code units are one emoji.
    const dealTitle = `${"a".repeat(98)}😀${"z".repeat(30)}`;
    const rendered = followupReminderEmail(
      {
        workspaceName: "Studio",
        dealTitle,
        dealUrl: `${env.APP_ORIGIN}/deals/deal_1`,
        dueAt: new Date(Date.UTC(2026, 11, 1, 9)),
        timeZone: "UTC",
        followup: { to: { email: "priya@northwind.example" }, subject: "Hi", body: "Hello" },
      },
      links,
    );
    expect(rendered.subject).toContain("a".repeat(98));
    expect(LONE_SURROGATE.test(rendered.subject), JSON.stringify(rendered.subject)).toBe(false);
  });
});

describe("local day bounds where midnight does not exist (DST starting at 00:00)", () => {
  it("end the day where the next local day starts: Havana 8 March 2026, Santiago 6 September 2026", async () => {
    // Cuba: 00:00 CST (UTC−5) becomes 01:00 CDT (UTC−4) on 8 March 2026.
    const havana = localDayBounds("America/Havana", new Date(Date.UTC(2026, 2, 8, 15)));
    expect(havana.dayStart.toISOString()).toBe("2026-03-08T05:00:00.000Z");
    const havanaNext = localDayBounds("America/Havana", new Date(Date.UTC(2026, 2, 9, 15)));
    expect(havanaNext.dayStart.toISOString()).toBe("2026-03-09T04:00:00.000Z");
    // 9 March 00:30 local (04:30Z) must be "due today" on the 9th only, not on the 8th too.
    expect(havana.dayEnd.toISOString()).toBe(havanaNext.dayStart.toISOString());

    // Chile: 00:00 (UTC−4) becomes 01:00 (UTC−3) on 6 September 2026.
    const santiago = localDayBounds("America/Santiago", new Date(Date.UTC(2026, 8, 6, 15)));
    const santiagoNext = localDayBounds("America/Santiago", new Date(Date.UTC(2026, 8, 7, 15)));
    expect(santiago.dayEnd.toISOString()).toBe(santiagoNext.dayStart.toISOString());
    expect(santiago.dayEnd.toISOString()).toBe("2026-09-07T03:00:00.000Z");
  });
});

describe("the dev outbox shown to a plain member", () => {
  it("does not hand them another member's unsubscribe link (which turns that member's emails off)", async () => {
    const owner = await signUp("hard-outbox-owner");
    const member = await signUp("hard-outbox-member");
    await addMember(owner, owner.workspaceId, member, "member");
    const deal = await createDeal(owner);
    const dueAt = Date.now() - HOUR;
    const followupId = await insertFollowup(owner, deal.id, {
      dueAt: new Date(dueAt),
    });
    const key = followupReminderKey(followupId, dueAt);
    const outcome = await remindFollowup(await ctxOf(owner.workspaceId), {
      followupId,
      dueAt,
      dedupeKey: key,
    });
    expect(outcome.status).toBe("sent");

    const seen = await api("/api/dev/outbox?limit=100", { token: member.token });
    expectStatus(seen, 200);
    const ownersReminder = (
      seen.body.data.items as { dedupeKey: string; text: string | null; html: string | null }[]
    ).find((item) => item.dedupeKey === key);
    // The owner's unsubscribe capability must not be readable by someone else.
    const ownersLink = await unsubscribeUrl(env, owner.email, "followup_reminder");
    const token = new URL(ownersLink).searchParams.get("token") ?? "";
    expect(`${ownersReminder?.text ?? ""}${ownersReminder?.html ?? ""}`).not.toContain(token);
  });
});

describe("deleting a workspace", () => {
  it("that has a deal answers 200 (its jobs then find it gone), not a 500", async () => {
    const user = await signUp("hard-ws-delete");
    const side = await api("/api/workspaces", { token: user.token, body: { name: "Side" } });
    expectStatus(side, 201);
    const sideId = (side.body.data.id ?? side.body.data.workspace?.id) as string;
    await createDeal(user, {}, as(user, { workspaceId: sideId }));
    const res = await api(`/api/workspaces/${sideId}`, { token: user.token, method: "DELETE" });
    expectStatus(res, 200);
  });
});

// ─── Attacks that failed (regression tests) ───────────────────────────────────────────────

describe("the cron's claim", () => {
  it("a run with one failing job still runs the others, gives its claim back, and the same minute runs again", async () => {
    const user = await signUp("hard-cron-fail");
    const deal = await createDeal(user, {
      invoiceSentAt: new Date(Date.now() - 45 * DAY).toISOString(),
    });
    const T = uniqueRunTime();
    const followupId = await insertFollowup(user, deal.id, {
      dueAt: new Date(T - HOUR),
    });

    // The follow-up job's sendBatch fails; invoices and the rest still run; the run throws.
    await expect(captureCron(QUARTER_HOUR, T, { failOn: "followup_reminder" })).rejects.toThrow(
      /followupReminders/,
    );
    const claims = await db
      .select()
      .from(cronRuns)
      .where(and(eq(cronRuns.cron, QUARTER_HOUR), eq(cronRuns.scheduledAt, new Date(T))));
    expect(claims).toEqual([]);

    const retried = await runCron(T);
    expect(
      ofWorkspace(retried, "followup_reminder", user.workspaceId).map((m) => m.followupId),
    ).toEqual([followupId]);
    expect(ofWorkspace(retried, "invoice_overdue", user.workspaceId).map((m) => m.dealId)).toEqual([
      deal.id,
    ]);
    // Finished now: the same minute once more is a repeat.
    expect(ofWorkspace(await runCron(T), "followup_reminder", user.workspaceId)).toEqual([]);
  });

  it("the failing run still enqueued the other jobs' work", async () => {
    const user = await signUp("hard-cron-partial");
    const deal = await createDeal(user, {
      invoiceSentAt: new Date(Date.now() - 45 * DAY).toISOString(),
    });
    const T = uniqueRunTime();
    await insertFollowup(user, deal.id, { dueAt: new Date(T - HOUR) });
    // The follow-up job's sendBatch fails, so the run fails.
    const { batched } = await captureFailedCron(QUARTER_HOUR, T, "followup_reminder");
    expect(ofWorkspace(batched, "invoice_overdue", user.workspaceId).map((m) => m.dealId)).toEqual([
      deal.id,
    ]);
  });

  it("an unknown cron string enqueues nothing, claims nothing and does not throw", async () => {
    const T = uniqueRunTime();
    const all = await runCron(T, "* * * * *");
    expect(all).toEqual([]);
    const claims = await db.select().from(cronRuns).where(eq(cronRuns.cron, "* * * * *"));
    expect(claims).toEqual([]);
  });

  it("two triggers for the same minute at once enqueue each follow-up once", async () => {
    const user = await signUp("hard-cron-twice");
    const deal = await createDeal(user);
    const T = uniqueRunTime();
    const followupId = await insertFollowup(user, deal.id, {
      dueAt: new Date(T - HOUR),
    });
    const { run } = captureJobs();
    await Promise.all(
      [1, 2, 3].map(() =>
        worker.scheduled(createScheduledController({ cron: QUARTER_HOUR, scheduledTime: T }), env),
      ),
    );
    expect(
      ofWorkspace(run.batched, "followup_reminder", user.workspaceId).map((m) => m.followupId),
    ).toEqual([followupId]);
  });
});

describe("racing and redelivered reminders", () => {
  it("five consumers reminding the same follow-up at once send one email", async () => {
    const user = await signUp("hard-race");
    const deal = await createDeal(user);
    const dueAt = Date.now() - HOUR;
    const followupId = await insertFollowup(user, deal.id, {
      dueAt: new Date(dueAt),
    });
    const message = { followupId, dueAt, dedupeKey: followupReminderKey(followupId, dueAt) };
    const ctx = await ctxOf(user.workspaceId);
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => remindFollowup(ctx, message)),
    );
    expect(outcomes.filter((o) => o.status === "sent")).toHaveLength(1);
    const rows = await outboxRows(message.dedupeKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "sent", attempts: 1, toEmail: user.email });
    // A later redelivery finds the follow-up reminded: nothing more.
    expect((await remindFollowup(ctx, message)).status).toBe("stale");
    expect(await outboxRows(message.dedupeKey)).toHaveLength(1);
  });

  it("state that moved between enqueue and consume sends nothing: snoozed, cancelled, deal paid, workspace deleted", async () => {
    const user = await signUp("hard-moved");
    const T = uniqueRunTime();
    const dealA = await createDeal(user);
    const snoozed = await insertFollowup(user, dealA.id, {
      dueAt: new Date(T - HOUR),
    });
    const cancelled = await insertFollowup(user, dealA.id, {
      dueAt: new Date(T - HOUR),
    });
    const dealPaid = await createDeal(user);
    const onPaid = await insertFollowup(user, dealPaid.id, {
      dueAt: new Date(T - HOUR),
    });
    const side = await api("/api/workspaces", {
      token: user.token,
      body: { name: "Side project" },
    });
    expectStatus(side, 201);
    const sideId = (side.body.data.id ?? side.body.data.workspace?.id) as string;
    const dealSide = await createDeal(user, {}, as(user, { workspaceId: sideId }));
    const onSide = await insertFollowup(user, dealSide.id, {
      workspaceId: sideId,
      dueAt: new Date(T - HOUR),
    });

    const run = await runCron(T);
    const messages = [
      ...ofWorkspace(run, "followup_reminder", user.workspaceId),
      ...ofWorkspace(run, "followup_reminder", sideId),
    ];
    expect(messages.map((m) => m.followupId).sort()).toEqual(
      [snoozed, cancelled, onPaid, onSide].sort(),
    );

    expectStatus(
      await api(`/api/followups/${snoozed}`, {
        ...as(user),
        method: "PATCH",
        body: { dueAt: new Date(T + DAY).toISOString() },
      }),
      200,
    );
    expectStatus(
      await api(`/api/followups/${cancelled}`, {
        ...as(user),
        method: "PATCH",
        body: { status: "cancelled" },
      }),
      200,
    );
    expectStatus(
      await api(`/api/deals/${dealPaid.id}`, {
        ...as(user),
        method: "PUT",
        body: { stageId: await stageId(user, "paid") },
      }),
      200,
    );
    // Deleted (straight in D1: deleting a workspace with deals through the API is a 500, see
    // "deleting a workspace that has a deal" below).
    await env.DB.batch([
      env.DB.prepare("DELETE FROM deals WHERE workspace_id = ?").bind(sideId),
      env.DB.prepare("DELETE FROM workspaces WHERE id = ?").bind(sideId),
    ]);

    expect(await deliver(messages)).toEqual({ acked: 4, retried: 0 });
    for (const message of messages) expect(await outboxRows(message.dedupeKey)).toEqual([]);
  });

  it("after the provider accepted an email and D1 failed, neither a redelivery nor the next cron run sends it again within the lease", async () => {
    const user = await signUp("hard-d1-after-send");
    const deal = await createDeal(user);
    const T = uniqueRunTime();
    const followupId = await insertFollowup(user, deal.id, {
      dueAt: new Date(T - HOUR),
    });
    const [message] = ofWorkspace(await runCron(T), "followup_reminder", user.workspaceId);
    expect(message?.followupId).toBe(followupId);
    if (!message) return;

    const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url !== MAILCHANNELS_SEND_URL) throw new Error(`unexpected fetch of ${url}`);
      return new Response(JSON.stringify({ results: [{ message_id: "mc-1" }] }), { status: 202 });
    });
    let failed = false;
    const flaky = new Proxy(env.DB, {
      get(target, property) {
        if (property === "prepare")
          return (query: string) => {
            if (
              !failed &&
              query.startsWith('update "email_outbox"') &&
              query.includes('"sent_at" = ?')
            ) {
              failed = true;
              const rejected = () =>
                Promise.reject(new Error("D1_ERROR: Network connection lost."));
              return {
                bind: () => ({ run: rejected, all: rejected, raw: rejected, first: rejected }),
              };
            }
            return target.prepare(query);
          };
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const mailEnv = { ...env, EMAIL_SENDER: "mailchannels", MAILCHANNELS_API_KEY: "k-hard" } as Env;

    expect(await deliver([message], { ...mailEnv, DB: flaky } as Env)).toEqual({
      acked: 0,
      retried: 1,
    });
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(await deliver([message], mailEnv)).toEqual({ acked: 0, retried: 1 });
    const again = ofWorkspace(
      await runCron(uniqueRunTime()),
      "followup_reminder",
      user.workspaceId,
    );
    await deliver(again, mailEnv);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect((await outboxRows(message.dedupeKey))[0]?.status).toBe("sending");
  });
});

describe("hostile values in a reminder", () => {
  it("CR/LF, U+2028 and markup in the draft and deal title end up escaped and on one subject line", async () => {
    const user = await signUp("hard-hostile");
    const deal = await createDeal(user, { title: "Deal <img src=x onerror=alert(1)>" });
    // Straight into D1: values the API would clean are what an old row or an import may hold.
    const dueAt = Date.now() - HOUR;
    const followupId = await insertFollowup(user, deal.id, {
      dueAt: new Date(dueAt),
      to: {
        name: "Evil\r\nBcc: victim@example.org\u2028X-Injected: 1",
        email: "priya@northwind.example",
      },
      subject: "Hi\r\nBcc: victim@example.org",
      body: "<script>alert(1)</script>\n\nRegards",
    });
    const key = followupReminderKey(followupId, dueAt);
    const outcome = await remindFollowup(await ctxOf(user.workspaceId), {
      followupId,
      dueAt,
      dedupeKey: key,
    });
    expect(outcome.status).toBe("sent");
    const [row] = await outboxRows(key);
    expect(row?.subject).not.toMatch(/[\r\n\u2028\u2029]/);
    expect(row?.subject).toContain("Evil Bcc: victim@example.org X-Injected: 1");
    expect(row?.bodyHtml).not.toContain("<script>");
    expect(row?.bodyHtml).not.toContain("<img src=x");
    expect(row?.bodyHtml).toContain("&lt;script&gt;");
  });

  it("a deal title of 10,000 characters is a 400 naming the field, not a 500", async () => {
    const user = await signUp("hard-long-title");
    const res = await api("/api/deals", as(user, { body: { title: "x".repeat(10_000) } }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
  });
});

describe("unsubscribe tokens", () => {
  const b64 = (value: unknown) =>
    btoa(JSON.stringify(value)).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");
  const post = (path: string, init: RequestInit = {}) =>
    api(path, {
      method: "POST",
      rawBody: "List-Unsubscribe=One-Click",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      ...(init as object),
    });
  const settingsOf = async (user: TestUser) =>
    (await api("/api/auth/me/notifications", { token: user.token })).body.data;

  it("refuses alg none, a kind swapped under the same signature, a huge token and a token in the body", async () => {
    const victim = await signUp("hard-unsub-victim");
    const good = new URL(
      await unsubscribeUrl(env, victim.email, "followup_reminder"),
    ).searchParams.get("token") as string;
    const [header, , signature] = good.split(".");
    const payload = { sub: victim.email, kind: "digest", purpose: "unsubscribe" };
    const forged = [
      `${b64({ alg: "none", typ: "JWT" })}.${b64(payload)}.`,
      `${header}.${b64(payload)}.${signature}`,
      `${good}.${signature}`,
      await sign(payload, "a-secret-that-is-not-this-deployments", "HS256"),
    ];
    for (const token of forged) {
      const res = await post(`/api/email/unsubscribe?token=${encodeURIComponent(token)}`);
      expect(res.status, token).toBe(400);
      expect(res.body.error.code).toBe("UNSUBSCRIBE_LINK_INVALID");
    }
    const huge = await post(`/api/email/unsubscribe?token=${"a".repeat(5000)}`);
    expect(huge.status).toBe(400);
    expect(huge.body.error.code).toBe("VALIDATION_ERROR");
    const inBody = await api("/api/email/unsubscribe", { body: { token: good } });
    expect(inBody.status).toBe(400);
    expect(inBody.body.error.code).toBe("VALIDATION_ERROR");
    expect(await settingsOf(victim)).toMatchObject({
      digest: true,
      emails: { followup_reminder: true },
    });

    // The real token turns off exactly its own kind for its own address.
    const attacker = await signUp("hard-unsub-attacker");
    const ok = await api(`/api/email/unsubscribe?token=${encodeURIComponent(good)}`, {
      token: attacker.token,
      method: "POST",
      rawBody: "List-Unsubscribe=One-Click",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(ok.status).toBe(200);
    expect(await settingsOf(victim)).toMatchObject({
      digest: true,
      emails: {
        followup_reminder: false,
        deliverable_due: true,
        invoice_overdue: true,
        content_published: true,
        invitation: true,
      },
    });
    expect((await settingsOf(attacker)).emails.followup_reminder).toBe(true);
  });
});

describe("the dev outbox", () => {
  it("exists only when EMAIL_SENDER is exactly outbox", async () => {
    const user = await signUp("hard-outbox-env");
    for (const sender of ["cloudflare", "OUTBOX", "", undefined]) {
      const res = await app.request(
        `${BASE}/api/dev/outbox`,
        { headers: { Authorization: `Bearer ${user.token}` } },
        { ...env, EMAIL_SENDER: sender },
      );
      expect(res.status, String(sender)).toBe(404);
    }
  });

  it("a cursor from another user's page shows only the caller's own emails", async () => {
    const a = await signUp("hard-outbox-a");
    const b = await signUp("hard-outbox-b");
    vi.spyOn(env.JOBS, "send").mockImplementation(async () => undefined as never);
    for (let i = 0; i < 3; i++) {
      expectStatus(
        await api(`/api/workspaces/${a.workspaceId}/invitations`, {
          token: a.token,
          body: { email: uniqueEmail("hard-outbox-invitee"), role: "member" },
        }),
        201,
      );
    }
    vi.restoreAllMocks();
    const first = await api("/api/dev/outbox?limit=1", { token: a.token });
    expect(first.body.data.items).toHaveLength(1);
    const cursor = first.body.data.nextCursor as string;
    const theirs = await api(`/api/dev/outbox?limit=100&cursor=${encodeURIComponent(cursor)}`, {
      token: b.token,
    });
    expectStatus(theirs, 200);
    for (const item of theirs.body.data.items as { to: string; dedupeKey: string }[]) {
      expect(item.to).toBe(b.email);
    }
    const forgedCursor = btoa("99999999999999999999|x");
    const bad = await api(`/api/dev/outbox?cursor=${forgedCursor}`, { token: b.token });
    expect(bad.status).toBe(400);
  });
});

describe("time zones with unusual offsets", () => {
  it("every digest is at 08:00 local, one per local day, through a year of DST in half-hour and 45-minute zones", () => {
    const zones = [
      "Asia/Kathmandu",
      "Pacific/Chatham",
      "Australia/Lord_Howe",
      "America/St_Johns",
      "America/Havana",
      "America/Santiago",
      "Europe/London",
      "Pacific/Kiritimati",
    ];
    for (const zone of zones) {
      const parts = (at: Date) =>
        Object.fromEntries(
          new Intl.DateTimeFormat("en-CA", {
            timeZone: zone,
            year: "numeric",
            month: "2-digit",
            day: "2-digit",
            hour: "2-digit",
            minute: "2-digit",
            hourCycle: "h23",
          })
            .formatToParts(at)
            .map((p) => [p.type, p.value]),
        );
      let at = new Date(Date.UTC(2026, 0, 1));
      let previousDay = "";
      for (let i = 0; i < 370; i++) {
        at = nextDigestAt(zone, at);
        const p = parts(at);
        expect(`${p.hour}:${p.minute}`, `${zone} ${at.toISOString()}`).toBe("08:00");
        const day = `${p.year}-${p.month}-${p.day}`;
        if (previousDay) {
          const gap = Date.parse(day) - Date.parse(previousDay);
          expect(gap, `${zone} ${day}`).toBe(DAY);
        }
        previousDay = day;
      }
    }
  });

  it("the Lord Howe half-hour change and Chatham's 02:45 change give the right 08:00 instants", () => {
    // Lord Howe: +10:30 → +11 on 4 October 2026.
    expect(
      nextDigestAt("Australia/Lord_Howe", new Date("2026-10-02T21:30:00Z")).toISOString(),
    ).toBe("2026-10-03T21:00:00.000Z");
    // Chatham: +12:45 → +13:45 on 27 September 2026.
    expect(nextDigestAt("Pacific/Chatham", new Date("2026-09-25T19:15:00Z")).toISOString()).toBe(
      "2026-09-26T18:15:00.000Z",
    );
    // Kathmandu: +05:45, no DST.
    expect(nextDigestAt("Asia/Kathmandu", new Date("2026-06-01T00:00:00Z")).toISOString()).toBe(
      "2026-06-01T02:15:00.000Z",
    );
  });
});

describe("the usage roll-up", () => {
  it("counts rows at exactly 00:00:00.000Z and 23:59:59.999Z in their day, and twice gives the same row", async () => {
    const user = await signUp("hard-rollup");
    const day = "2026-04-05";
    const start = Date.UTC(2026, 3, 5);
    const end = start + DAY;
    const stage = await stageId(user, "open");
    for (const [i, at] of [start - 1, start, end - 1, end].entries()) {
      await env.DB.prepare(
        "INSERT INTO deals (id, workspace_id, title, stage_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
        .bind(
          `deal_hard_roll_${i}_${crypto.randomUUID().slice(0, 6)}`,
          user.workspaceId,
          `D${i}`,
          stage,
          user.userId,
          at,
        )
        .run();
      await db.insert(emailOutbox).values({
        id: `eml_hard_roll_${i}_${crypto.randomUUID().slice(0, 6)}`,
        workspaceId: user.workspaceId,
        dedupeKey: `hard-roll:${crypto.randomUUID()}`,
        toEmail: user.email,
        template: "followup_reminder",
        subject: "s",
        status: "sent",
        sentAt: new Date(at),
      });
    }
    const scope = new WorkspaceScope(db, user.workspaceId);
    const first = await rollUpUsage(scope, day);
    expect(first).toMatchObject({ dealsCreated: 2, emailsSent: 2 });
    const message: JobMessage = {
      kind: "usage_rollup",
      dedupeKey: `usage-rollup:${user.workspaceId}:${day}`,
      workspaceId: user.workspaceId,
      day,
    };
    expect(await deliver([message, message])).toEqual({ acked: 2, retried: 0 });
    const rows = await db
      .select()
      .from(usageRollups)
      .where(eq(usageRollups.workspaceId, user.workspaceId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ day, dealsCreated: 2, emailsSent: 2 });
  });
});
