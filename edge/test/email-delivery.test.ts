/**
 * Sending one logical email exactly once, against real D1: the delivery log row
 * (`email_outbox`), its claim, and what each sender's answer does to it. MailChannels is faked
 * at the fetch boundary with its real response shapes; the local outbox sender needs no fake.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../db/client";
import { emailOutbox } from "../db/schema";
import {
  CLAIM_LEASE_MS,
  type DeliveryOutcome,
  deliverEmail,
  type EmailRequest,
  recordEmail,
  recordSkipped,
  sendRecordedEmail,
} from "../email/deliver";
import { MAILCHANNELS_SEND_URL } from "../email/mailchannels";
import { readUnsubscribeToken } from "../email/unsubscribe";
import { uniqueEmail } from "./helpers";

const db = createDb(env.DB);

afterEach(() => {
  vi.restoreAllMocks();
});

const API_KEY = "mc-delivery-test-key";

/** The deployment's MailChannels settings on top of the test env (no DKIM). */
const mailChannelsEnv = {
  ...env,
  EMAIL_SENDER: "mailchannels",
  MAILCHANNELS_API_KEY: API_KEY,
} as Env;

const TEXT =
  "Your follow-up on Northwind headphones is due.\n\nOpen the deal: http://localhost:8787/deals/deal_1\n";
const HTML =
  "<!doctype html><p>Your follow-up on <strong>Northwind headphones</strong> is due.</p>";

function emailRequest(overrides: Partial<EmailRequest> = {}): EmailRequest {
  return {
    dedupeKey: `followup-reminder:${crypto.randomUUID()}`,
    workspaceId: null,
    template: "followup_reminder",
    to: uniqueEmail("recipient"),
    rendered: {
      subject: "Follow up with Priya Shah: Northwind headphones",
      text: TEXT,
      html: HTML,
    },
    ...overrides,
  };
}

async function rowsOf(dedupeKey: string) {
  return db.select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, dedupeKey));
}

async function rowOf(dedupeKey: string) {
  const rows = await rowsOf(dedupeKey);
  expect(rows).toHaveLength(1);
  return rows[0] as typeof emailOutbox.$inferSelect;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** MailChannels' 202 for an accepted message. */
const accepted = (messageId = "mc-msg-1") =>
  new Response(
    JSON.stringify({
      request_id: "req_1",
      results: [{ index: 0, message_id: messageId, status: "sent", reason: null }],
    }),
    { status: 202, headers: { "Content-Type": "application/json" } },
  );

const refusedWith = (status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ errors: [`refused with ${status}`] }), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });

/** Fakes MailChannels with `answers` in turn (the last one repeats); records the bodies sent. */
function fakeMailChannels(...answers: (() => Response | Promise<Response>)[]) {
  const bodies: any[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== MAILCHANNELS_SEND_URL) throw new Error(`unexpected fetch of ${url}`);
    bodies.push(typeof init?.body === "string" ? JSON.parse(init.body) : undefined);
    const answer = answers[Math.min(bodies.length - 1, answers.length - 1)];
    if (!answer) throw new Error("no answer configured");
    return answer();
  });
  return { spy, bodies };
}

describe("delivering with the local outbox sender", () => {
  it("sends once and keeps the content; a second call with the same key sends nothing", async () => {
    expect(env.EMAIL_SENDER).toBe("outbox");
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const request = emailRequest();

    const first = await deliverEmail(db, env, request);
    const row = await rowOf(request.dedupeKey);
    expect(first).toEqual({ status: "sent", providerMessageId: `outbox:${row.id}` });
    expect(row).toMatchObject({
      status: "sent",
      attempts: 1,
      providerMessageId: `outbox:${row.id}`,
      toEmail: request.to,
      template: "followup_reminder",
      subject: request.rendered.subject,
      bodyText: TEXT,
      bodyHtml: HTML,
      lastError: null,
    });
    expect(row.id).toMatch(/^eml_/);
    expect(row.sentAt).toBeInstanceOf(Date);
    expect(row.claimedAt).toBeInstanceOf(Date);

    const second = await deliverEmail(db, env, request);
    expect(second).toEqual({ status: "already_sent" });
    const rows = await rowsOf(request.dedupeKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "sent", attempts: 1, bodyText: TEXT, bodyHtml: HTML });
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe("delivering with MailChannels", () => {
  it("sends the recorded email with a working one-click unsubscribe link and clears the bodies", async () => {
    const { spy, bodies } = fakeMailChannels(() => accepted("mc-msg-42"));
    const request = emailRequest({ template: "deliverable_due" });

    const outcome = await deliverEmail(db, mailChannelsEnv, request);

    expect(outcome).toEqual({ status: "sent", providerMessageId: "mc-msg-42" });
    expect(spy).toHaveBeenCalledTimes(1);
    const row = await rowOf(request.dedupeKey);
    expect(row).toMatchObject({
      status: "sent",
      attempts: 1,
      providerMessageId: "mc-msg-42",
      bodyText: null,
      bodyHtml: null,
      lastError: null,
    });

    const [body] = bodies;
    expect(body.personalizations).toEqual([{ to: [{ email: request.to }] }]);
    expect(body.from).toEqual({ email: env.EMAIL_FROM_ADDRESS, name: env.EMAIL_FROM_NAME });
    expect(body.subject).toBe(request.rendered.subject);
    expect(body.content).toEqual([
      { type: "text/plain", value: TEXT },
      { type: "text/html", value: HTML },
    ]);
    expect(body.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const link = /^<(.+)>$/.exec(body.headers["List-Unsubscribe"])?.[1];
    expect(link).toBeDefined();
    const url = new URL(link as string);
    expect(`${url.origin}${url.pathname}`).toBe(`${env.APP_ORIGIN}/api/email/unsubscribe`);
    expect(await readUnsubscribeToken(env, url.searchParams.get("token") ?? "")).toEqual({
      email: request.to,
      kind: "deliverable_due",
    });
  });

  it("puts a 500 back in the queue with its error, then sends on the next attempt", async () => {
    const { spy } = fakeMailChannels(
      () => new Response("upstream failure", { status: 500 }),
      () => accepted("mc-msg-after-retry"),
    );
    const request = emailRequest();

    const first = await deliverEmail(db, mailChannelsEnv, request);
    expect(first.status).toBe("retry");
    expect((first as Extract<DeliveryOutcome, { status: "retry" }>).error).toContain("500");
    const queued = await rowOf(request.dedupeKey);
    expect(queued).toMatchObject({ status: "queued", attempts: 1, bodyText: TEXT, bodyHtml: HTML });
    expect(queued.lastError).toContain("MailChannels answered 500");
    expect(queued.sentAt).toBeNull();

    const second = await deliverEmail(db, mailChannelsEnv, request);
    expect(second).toEqual({ status: "sent", providerMessageId: "mc-msg-after-retry" });
    expect(spy).toHaveBeenCalledTimes(2);
    expect(await rowOf(request.dedupeKey)).toMatchObject({
      status: "sent",
      attempts: 2,
      lastError: null,
      bodyText: null,
      bodyHtml: null,
    });
  });

  it("asks to retry a 429 after the provider's Retry-After", async () => {
    fakeMailChannels(() => refusedWith(429, { "Retry-After": "120" }));
    const request = emailRequest();
    const outcome = await deliverEmail(db, mailChannelsEnv, request);
    expect(outcome).toMatchObject({ status: "retry", delaySeconds: 120 });
    expect(await rowOf(request.dedupeKey)).toMatchObject({ status: "queued", attempts: 1 });
  });

  it("records a 400 as failed and never sends it again", async () => {
    const { spy } = fakeMailChannels(() => refusedWith(400));
    const request = emailRequest();

    const first = await deliverEmail(db, mailChannelsEnv, request);
    expect(first.status).toBe("failed");
    const failed = await rowOf(request.dedupeKey);
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed.lastError).toContain("MailChannels answered 400");

    const later = await deliverEmail(db, mailChannelsEnv, request);
    expect(later).toEqual({ status: "failed", error: failed.lastError });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await rowOf(request.dedupeKey)).toMatchObject({ status: "failed", attempts: 1 });
  });

  it("keeps the email queued while the deployment lacks the API key", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const request = emailRequest();
    const outcome = await deliverEmail(
      db,
      { ...mailChannelsEnv, MAILCHANNELS_API_KEY: undefined } as Env,
      request,
    );
    expect(outcome.status).toBe("retry");
    expect(await rowOf(request.dedupeKey)).toMatchObject({ status: "queued", attempts: 1 });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("keeps the email queued while EMAIL_SENDER names no sender", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const request = emailRequest();
    const outcome = await deliverEmail(db, { ...env, EMAIL_SENDER: "smtp" } as Env, request);
    expect(outcome.status).toBe("retry");
    const row = await rowOf(request.dedupeKey);
    expect(row).toMatchObject({ status: "queued", attempts: 1 });
    expect(row.lastError).toContain("EMAIL_SENDER");
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("keeps the email queued while EMAIL_TOKEN_SECRET is missing (no unsubscribe link can be made)", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const request = emailRequest();
    const outcome = await deliverEmail(
      db,
      { ...mailChannelsEnv, EMAIL_TOKEN_SECRET: undefined } as Env,
      request,
    );
    expect(outcome.status).toBe("retry");
    expect(await rowOf(request.dedupeKey)).toMatchObject({ status: "queued" });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("writes no bodies and no API key into the logs", async () => {
    fakeMailChannels(
      () => new Response("upstream failure", { status: 503 }),
      () => accepted(),
    );
    const lines: string[] = [];
    for (const level of ["log", "warn", "error"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
    const request = emailRequest({
      rendered: { subject: "Follow up", text: "secret-body-text", html: "<p>secret-body-html</p>" },
    });
    await deliverEmail(db, mailChannelsEnv, request);
    await deliverEmail(db, mailChannelsEnv, request);

    const logged = lines.join("\n");
    expect(logged).toContain("email.retry");
    expect(logged).toContain("email.sent");
    expect(logged).not.toContain("secret-body");
    expect(logged).not.toContain(API_KEY);
  });
});

/**
 * The real D1 binding, except that the first statement `failing(sql)` picks rejects as D1 does
 * when its connection drops. Everything else reaches the real database.
 */
function d1FailingOnce(d1: D1Database, failing: (sql: string) => boolean): D1Database {
  let failed = false;
  const rejected = () => Promise.reject(new Error("D1_ERROR: Network connection lost."));
  return new Proxy(d1, {
    get(target, property) {
      if (property === "prepare")
        return (query: string) => {
          if (failed || !failing(query)) return target.prepare(query);
          failed = true;
          return { bind: () => ({ run: rejected, all: rejected, raw: rejected, first: rejected }) };
        };
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("a failure after the provider accepted the email", () => {
  it("does not put the email back in the queue to be sent again at once", async () => {
    const { spy } = fakeMailChannels(() => accepted("mc-msg-accepted"));
    const request = emailRequest();
    // The UPDATE that marks the row sent (the only statement that sets sent_at) fails once.
    const flakyDb = createDb(
      d1FailingOnce(
        env.DB,
        (query) => query.startsWith('update "email_outbox"') && query.includes('"sent_at" = ?'),
      ),
    );

    // Whether deliverEmail answers an outcome or throws (for the queue to retry) is its choice.
    await deliverEmail(flakyDb, mailChannelsEnv, request).catch(() => undefined);
    expect(spy).toHaveBeenCalledTimes(1);
    // MailChannels has the email. The module's own contract (deliver.ts header): the claim stays
    // until its lease runs out; only then may the email be sent again.
    expect(["sending", "sent"]).toContain((await rowOf(request.dedupeKey)).status);

    // The queue redelivers the message right away: nothing more may reach MailChannels.
    await deliverEmail(db, mailChannelsEnv, request);
    expect(spy).toHaveBeenCalledTimes(1);
  });
});

describe("one sender at a time", () => {
  it("sends once when five deliveries of the same email run at once", async () => {
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async () => {
      await sleep(50);
      return accepted("mc-msg-once");
    });
    const request = emailRequest();

    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => deliverEmail(db, mailChannelsEnv, request)),
    );

    expect(spy).toHaveBeenCalledTimes(1);
    expect(outcomes.filter((outcome) => outcome.status === "sent")).toEqual([
      { status: "sent", providerMessageId: "mc-msg-once" },
    ]);
    for (const outcome of outcomes.filter((outcome) => outcome.status !== "sent")) {
      expect(["retry", "already_sent"]).toContain(outcome.status);
    }
    expect(await rowOf(request.dedupeKey)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("takes over a claim older than the lease (a consumer that died mid-send)", async () => {
    const { spy } = fakeMailChannels(() => accepted("mc-msg-takeover"));
    const request = emailRequest();
    await recordEmail(db, request);
    await db
      .update(emailOutbox)
      .set({
        status: "sending",
        attempts: 1,
        claimedAt: new Date(Date.now() - CLAIM_LEASE_MS - 60_000),
      })
      .where(eq(emailOutbox.dedupeKey, request.dedupeKey));

    const outcome = await deliverEmail(db, mailChannelsEnv, request);

    expect(outcome).toEqual({ status: "sent", providerMessageId: "mc-msg-takeover" });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await rowOf(request.dedupeKey)).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("leaves a claim within its lease alone and asks to look again later", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const request = emailRequest();
    await recordEmail(db, request);
    const claimedAt = new Date(Date.now() - 60_000);
    await db
      .update(emailOutbox)
      .set({ status: "sending", attempts: 1, claimedAt })
      .where(eq(emailOutbox.dedupeKey, request.dedupeKey));

    const outcome = await deliverEmail(db, mailChannelsEnv, request);

    expect(outcome).toMatchObject({ status: "retry", delaySeconds: CLAIM_LEASE_MS / 1000 });
    expect(fetchSpy).not.toHaveBeenCalled();
    const row = await rowOf(request.dedupeKey);
    expect(row).toMatchObject({ status: "sending", attempts: 1 });
    expect(row.claimedAt?.getTime()).toBe(claimedAt.getTime());
  });
});

describe("content refused before any sender", () => {
  it("records a subject carrying a header injection as failed and never sends it", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const request = emailRequest({
      rendered: { subject: "Follow up\r\nBcc: x@y.com", text: TEXT, html: HTML },
    });

    const outcome = await deliverEmail(db, mailChannelsEnv, request);

    expect(outcome.status).toBe("failed");
    const row = await rowOf(request.dedupeKey);
    expect(row.status).toBe("failed");
    expect(row.lastError).toContain("line break");
    expect(row.attempts).toBe(0);
    expect(fetchSpy).not.toHaveBeenCalled();

    // Asked again (a redelivered queue message): still failed, still nothing sent.
    expect((await deliverEmail(db, mailChannelsEnv, request)).status).toBe("failed");
    expect(await rowsOf(request.dedupeKey)).toHaveLength(1);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it.each([
    ["two addresses", "a@x.com, b@y.com"],
    ["a line break", "a@x.com\r\nBcc: b@y.com"],
  ])("records a recipient with %s as failed and never sends it", async (_what, to) => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const request = emailRequest({ to });
    const outcome = await deliverEmail(db, mailChannelsEnv, request);
    expect(outcome.status).toBe("failed");
    expect(await rowOf(request.dedupeKey)).toMatchObject({ status: "failed" });
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe("emails turned off by their recipient", () => {
  it("is skipped after recordSkipped, and nothing is sent", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const request = emailRequest();
    await recordSkipped(db, {
      dedupeKey: request.dedupeKey,
      workspaceId: request.workspaceId,
      template: request.template,
      to: request.to,
      subject: request.rendered.subject,
    });
    expect(await rowOf(request.dedupeKey)).toMatchObject({
      status: "skipped",
      lastError: "turned off by the recipient",
    });

    const outcome = await deliverEmail(db, mailChannelsEnv, request);

    expect(outcome).toEqual({ status: "skipped" });
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(await rowOf(request.dedupeKey)).toMatchObject({ status: "skipped", attempts: 0 });
  });
});

describe("emails recorded now and sent later", () => {
  it("sends a recorded email once with sendRecordedEmail", async () => {
    const { spy, bodies } = fakeMailChannels(() => accepted("mc-msg-invite"));
    const request = emailRequest({
      template: "invitation",
      rendered: {
        subject: "Priya invited you to Demo Studio on CreatorOps AI",
        text: TEXT,
        html: HTML,
      },
    });

    await recordEmail(db, request);
    expect(await rowOf(request.dedupeKey)).toMatchObject({
      status: "queued",
      attempts: 0,
      template: "invitation",
    });
    expect(spy).not.toHaveBeenCalled();

    const sent = await sendRecordedEmail(db, mailChannelsEnv, request.dedupeKey);
    expect(sent).toEqual({ status: "sent", providerMessageId: "mc-msg-invite" });
    expect(bodies[0].subject).toBe("Priya invited you to Demo Studio on CreatorOps AI");
    expect(await rowOf(request.dedupeKey)).toMatchObject({ status: "sent", attempts: 1 });

    expect(await sendRecordedEmail(db, mailChannelsEnv, request.dedupeKey)).toEqual({
      status: "already_sent",
    });
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("records an email once per dedupe key: rewritten while unsent, never once sent", async () => {
    const request = emailRequest();
    await recordEmail(db, request);
    // A retry renders it again (the recipient or the deal may have changed): it goes out as now.
    await recordEmail(db, {
      ...request,
      rendered: { ...request.rendered, subject: "Another subject" },
    });
    expect((await rowOf(request.dedupeKey)).subject).toBe("Another subject");

    expect((await sendRecordedEmail(db, env, request.dedupeKey)).status).toBe("sent");
    await recordEmail(db, {
      ...request,
      to: uniqueEmail("someone-else"),
      rendered: { ...request.rendered, subject: "A third subject" },
    });
    const sent = await rowOf(request.dedupeKey);
    expect(sent).toMatchObject({ status: "sent", subject: "Another subject", toEmail: request.to });
  });

  it("answers failed for a key that was never recorded", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const outcome = await sendRecordedEmail(db, mailChannelsEnv, `missing:${crypto.randomUUID()}`);
    expect(outcome.status).toBe("failed");
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
