/**
 * The email routes people and mail clients reach: a member's email settings
 * (`/api/auth/me/notifications`), the unsubscribe link of every email (RFC 8058 one-click, no
 * sign-in), and the local outbox (`/api/dev/outbox`) — through the real Worker and real D1.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { JobMessage } from "../../shared/jobs";
import { app } from "../app";
import { unsubscribeUrl } from "../email/unsubscribe";
import worker from "../index";
import { base64url } from "../lib/encoding";
import { api, BASE, PASSWORD, signUp, type TestUser, uniqueEmail, uniqueIp } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

const ALL_ON = {
  followup_reminder: true,
  deliverable_due: true,
  invoice_overdue: true,
  content_published: true,
  invitation: true,
};

const settingsOf = async (user: TestUser) => {
  const res = await api("/api/auth/me/notifications", { token: user.token });
  expect(res.status).toBe(200);
  return res.body.data;
};

const patchSettings = (user: TestUser, body: unknown) =>
  api("/api/auth/me/notifications", { token: user.token, method: "PATCH", body });

async function signUpWith(body: Record<string, unknown>) {
  return api("/api/auth/signup", {
    body: { password: PASSWORD, client: "api", ...body },
    headers: { "CF-Connecting-IP": uniqueIp() },
  });
}

/** The issue paths of a 400 VALIDATION_ERROR answer. */
function issuePaths(res: { status: number; body: any }): string[] {
  expect(res.status).toBe(400);
  expect(res.body.success).toBe(false);
  expect(res.body.error.code).toBe("VALIDATION_ERROR");
  return (res.body.error.issues ?? []).map((issue: { path: string }) => issue.path);
}

/** The local hour (00–23) of `instant` in `timeZone`. */
const localHour = (instant: number, timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", hourCycle: "h23" }).format(
    new Date(instant),
  );

const preferencesRow = (email: string) =>
  env.DB.prepare(
    "SELECT email, user_id, time_zone, invitation, digest, digest_next_at FROM email_preferences WHERE email = ?",
  )
    .bind(email)
    .first<{
      email: string;
      user_id: string | null;
      time_zone: string;
      invitation: number;
      digest: number;
      digest_next_at: number | null;
    }>();

describe("GET/PATCH /api/auth/me/notifications", () => {
  it("a new account gets every email and the digest, in UTC", async () => {
    const user = await signUp("prefs-new");
    expect(await settingsOf(user)).toEqual({ timeZone: "UTC", digest: true, emails: ALL_ON });
    // The first digest is the next 08:00 UTC, within a day.
    const row = await preferencesRow(user.email);
    expect(row?.user_id).toBe(user.userId);
    const next = row?.digest_next_at ?? 0;
    expect(next - Date.now()).toBeGreaterThan(0);
    expect(next - Date.now()).toBeLessThanOrEqual(24 * 60 * 60 * 1000);
    expect(new Date(next).toISOString().slice(11)).toBe("08:00:00.000Z");
  });

  it("sign-up keeps the time zone it was given; an unknown zone falls back to UTC", async () => {
    const email = uniqueEmail("prefs-berlin");
    const res = await signUpWith({ email, timeZone: "Europe/Berlin" });
    expect(res.status).toBe(201);
    const user = { email, token: res.body.data.token } as TestUser;
    expect(await settingsOf(user)).toEqual({
      timeZone: "Europe/Berlin",
      digest: true,
      emails: ALL_ON,
    });
    const next = (await preferencesRow(email))?.digest_next_at ?? 0;
    expect(localHour(next, "Europe/Berlin")).toBe("08");
    expect(next).toBeGreaterThan(Date.now());

    // A zone this runtime does not know does not cost the account: it starts in UTC.
    const marsEmail = uniqueEmail("prefs-mars");
    const mars = await signUpWith({ email: marsEmail, timeZone: "Mars/Olympus" });
    expect(mars.status).toBe(201);
    const marsUser = { email: marsEmail, token: mars.body.data.token } as TestUser;
    expect((await settingsOf(marsUser)).timeZone).toBe("UTC");
    expect((await preferencesRow(marsEmail))?.time_zone).toBe("UTC");
  });

  it("PATCH changes the fields given and keeps the rest", async () => {
    const user = await signUp("prefs-patch");
    const first = await patchSettings(user, { emails: { followup_reminder: false } });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({
      timeZone: "UTC",
      digest: true,
      emails: { ...ALL_ON, followup_reminder: false },
    });

    const second = await patchSettings(user, { timeZone: "Asia/Tokyo", digest: false });
    expect(second.status).toBe(200);
    const expected = {
      timeZone: "Asia/Tokyo",
      digest: false,
      emails: { ...ALL_ON, followup_reminder: false },
    };
    expect(second.body.data).toEqual(expected);
    expect(await settingsOf(user)).toEqual(expected);
    expect((await preferencesRow(user.email))?.digest_next_at).toBeNull();

    // The digest back on: the next one is the next 08:00 in Tokyo.
    const third = await patchSettings(user, { digest: true, emails: { invitation: false } });
    expect(third.body.data).toEqual({
      timeZone: "Asia/Tokyo",
      digest: true,
      emails: { ...ALL_ON, followup_reminder: false, invitation: false },
    });
    const next = (await preferencesRow(user.email))?.digest_next_at ?? 0;
    expect(localHour(next, "Asia/Tokyo")).toBe("08");
    expect(next).toBeGreaterThan(Date.now());
  });

  it("refuses an unknown time zone and non-booleans naming the field; ignores unknown kinds", async () => {
    const user = await signUp("prefs-invalid");
    expect(issuePaths(await patchSettings(user, { timeZone: "Mars/Olympus" }))).toEqual([
      "timeZone",
    ]);
    // Unknown keys are ignored, as on every route (shared/notifications.ts): an unknown kind of
    // email is not stored and turns nothing off.
    const unknownKind = await patchSettings(user, {
      emails: { newsletter: false, invitation: true },
      colour: "blue",
    });
    expect(unknownKind.status).toBe(200);
    expect(unknownKind.body.data).toEqual({ timeZone: "UTC", digest: true, emails: ALL_ON });
    expect(issuePaths(await patchSettings(user, { digest: "yes" }))).toEqual(["digest"]);
    expect(issuePaths(await patchSettings(user, { emails: { invitation: "no" } }))).toEqual([
      "emails.invitation",
    ]);
    expect(issuePaths(await patchSettings(user, { emails: { invitation: 0 } }))).toEqual([
      "emails.invitation",
    ]);
    // Nothing was changed by the refused requests.
    expect(await settingsOf(user)).toEqual({ timeZone: "UTC", digest: true, emails: ALL_ON });
  });

  it("answers 401 without a session", async () => {
    const get = await api("/api/auth/me/notifications");
    expect(get.status).toBe(401);
    expect(get.body.error.code).toBe("UNAUTHORIZED");
    const patch = await api("/api/auth/me/notifications", {
      method: "PATCH",
      body: { digest: false },
    });
    expect(patch.status).toBe(401);
    expect(patch.body.error.code).toBe("UNAUTHORIZED");
  });
});

/** The path and query of `user`'s unsubscribe link for `kind` (what SELF.fetch is given). */
async function unsubscribePath(email: string, kind: Parameters<typeof unsubscribeUrl>[2]) {
  const url = new URL(await unsubscribeUrl(env, email, kind));
  expect(url.pathname).toBe("/api/email/unsubscribe");
  return `${url.pathname}${url.search}`;
}

/** A request as a mail client or browser sends it: no session, no cookie. */
async function raw(path: string, init: RequestInit = {}) {
  const res = await SELF.fetch(`${BASE}${path}`, init);
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // an HTML page
  }
  return { status: res.status, headers: res.headers, body };
}

const oneClick = (path: string, headers: Record<string, string> = {}) =>
  raw(path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: "List-Unsubscribe=One-Click",
  });

const tokenOf = (path: string) => new URL(`${BASE}${path}`).searchParams.get("token") ?? "";
const withToken = (token: string) => `/api/email/unsubscribe?token=${encodeURIComponent(token)}`;

describe("the unsubscribe link", () => {
  it("GET shows a confirm page with a POST form and changes nothing", async () => {
    const user = await signUp("unsub-get");
    const path = await unsubscribePath(user.email, "followup_reminder");
    const res = await raw(path, { headers: { Accept: "text/html" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<form method="post" action="[^"]*\/api\/email\/unsubscribe\?token=/);
    expect(res.body).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(res.body).toMatch(/<button type="submit">Unsubscribe<\/button>/);
    expect(res.body).toContain(user.email);
    expect(res.body).toContain("follow-up reminders");
    // A link scanner following the link turned nothing off.
    expect(await settingsOf(user)).toEqual({ timeZone: "UTC", digest: true, emails: ALL_ON });
  });

  it("one-click POST (form-encoded, no session) turns that one kind off", async () => {
    const user = await signUp("unsub-post");
    const path = await unsubscribePath(user.email, "followup_reminder");
    const res = await oneClick(path);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: { unsubscribed: true, kind: "followup_reminder" },
    });
    expect(await settingsOf(user)).toEqual({
      timeZone: "UTC",
      digest: true,
      emails: { ...ALL_ON, followup_reminder: false },
    });
    // Clicked twice: the same answer, the same settings.
    expect((await oneClick(path)).body.data).toEqual({
      unsubscribed: true,
      kind: "followup_reminder",
    });
    expect((await settingsOf(user)).emails).toEqual({ ...ALL_ON, followup_reminder: false });
  });

  it("accepts a multipart body too, and answers a browser with the done page", async () => {
    const user = await signUp("unsub-multipart");
    const form = new FormData();
    form.set("List-Unsubscribe", "One-Click");
    const res = await raw(await unsubscribePath(user.email, "deliverable_due"), {
      method: "POST",
      body: form,
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ unsubscribed: true, kind: "deliverable_due" });

    // The confirm page's form, posted by a browser.
    const page = await oneClick(await unsubscribePath(user.email, "digest"), {
      Accept: "text/html,application/xhtml+xml",
    });
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(page.body).toContain("You are unsubscribed");
    expect(page.body).toContain("the daily digest");
    expect(page.body).toContain(`${env.APP_ORIGIN}/settings/notifications`);

    expect(await settingsOf(user)).toEqual({
      timeZone: "UTC",
      digest: false,
      emails: { ...ALL_ON, deliverable_due: false },
    });
    // No digest is scheduled for someone who turned it off.
    expect((await preferencesRow(user.email))?.digest_next_at).toBeNull();
  });

  it("refuses forged, altered and foreign tokens, and a missing one", async () => {
    const secret = env.EMAIL_TOKEN_SECRET ?? "";
    expect(secret.length).toBeGreaterThanOrEqual(16);
    const user = await signUp("unsub-forged");
    const victim = await signUp("unsub-victim");
    const good = tokenOf(await unsubscribePath(user.email, "invoice_overdue"));

    // Signed with another secret.
    const forged = await sign(
      { sub: user.email, kind: "invoice_overdue", purpose: "unsubscribe" },
      "not-the-secret-of-this-deployment",
      "HS256",
    );
    // Our signature, someone else's address in the payload.
    const [header, , signature] = good.split(".");
    const payload = base64url(
      new TextEncoder().encode(
        JSON.stringify({ sub: victim.email, kind: "invoice_overdue", purpose: "unsubscribe" }),
      ),
    );
    const altered = `${header}.${payload}.${signature}`;
    // Our secret, but not an unsubscribe token / not a kind of email.
    const otherPurpose = await sign(
      { sub: user.email, kind: "invoice_overdue", purpose: "session" },
      secret,
      "HS256",
    );
    const unknownKind = await sign(
      { sub: user.email, kind: "newsletter", purpose: "unsubscribe" },
      secret,
      "HS256",
    );
    const truncated = good.slice(0, -3);

    for (const token of [forged, altered, otherPurpose, unknownKind, truncated]) {
      const post = await oneClick(withToken(token));
      expect(post.status).toBe(400);
      expect(post.body.success).toBe(false);
      expect(post.body.error.code).toBe("UNSUBSCRIBE_LINK_INVALID");

      const page = await raw(withToken(token), { headers: { Accept: "text/html" } });
      expect(page.status).toBe(400);
      expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
      expect(page.body).toContain("This unsubscribe link is not valid");
      expect(page.body).not.toContain("<form");

      const browserPost = await oneClick(withToken(token), { Accept: "text/html" });
      expect(browserPost.status).toBe(400);
      expect(browserPost.body).toContain("This unsubscribe link is not valid");
    }
    expect((await settingsOf(user)).emails).toEqual(ALL_ON);
    expect((await settingsOf(victim)).emails).toEqual(ALL_ON);

    // No token at all: the one-click POST gets a validation error naming it; a browser's GET —
    // a link cut short, even to nothing — the invalid-link page.
    const missingPost = await oneClick("/api/email/unsubscribe");
    expect(issuePaths(missingPost)).toEqual(["token"]);
    for (const path of ["/api/email/unsubscribe", "/api/email/unsubscribe?token=eyJhbGciOiJI"]) {
      const cut = await raw(path);
      expect(cut.status).toBe(400);
      expect(cut.headers.get("Content-Type")).toMatch(/^text\/html/);
      expect(cut.body).toContain("This unsubscribe link is not valid");
    }
  });

  it("is the only route that takes a form body", async () => {
    const user = await signUp("unsub-forms");
    const urlencoded = await api("/api/content", {
      token: user.token,
      workspaceId: user.workspaceId,
      method: "POST",
      rawBody: "title=Hello",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(urlencoded.status).toBe(400);
    expect(urlencoded.body.error.code).toBe("UNSUPPORTED_CONTENT_TYPE");

    const form = new FormData();
    form.set("title", "Hello");
    const multipart = await raw("/api/content", {
      method: "POST",
      headers: { Authorization: `Bearer ${user.token}`, "X-Workspace-Id": user.workspaceId },
      body: form,
    });
    expect(multipart.status).toBe(400);
    expect(multipart.body.error.code).toBe("UNSUPPORTED_CONTENT_TYPE");

    const patch = await api("/api/auth/me/notifications", {
      token: user.token,
      method: "PATCH",
      rawBody: "digest=false",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(patch.status).toBe(400);
    expect(patch.body.error.code).toBe("UNSUPPORTED_CONTENT_TYPE");
    expect((await settingsOf(user)).digest).toBe(true);
  });
});

/** Captures what a request enqueues on the jobs queue (nothing is really sent). */
function captureJobs() {
  const sent: JobMessage[] = [];
  vi.spyOn(env.JOBS, "send").mockImplementation(async (body: unknown) => {
    sent.push(body as JobMessage);
    return undefined as never;
  });
  vi.spyOn(env.JOBS, "sendBatch").mockImplementation(
    async (messages: Iterable<MessageSendRequest<unknown>>) => {
      for (const message of messages) sent.push(message.body as JobMessage);
      return undefined as never;
    },
  );
  return sent;
}

async function deliver(...bodies: JobMessage[]) {
  const batch = createMessageBatch(
    "creatorops-jobs",
    bodies.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  const result = await getQueueResult(batch, ctx);
  expect(result.explicitAcks).toHaveLength(bodies.length);
  expect(result.retryMessages).toEqual([]);
}

const inviteTo = (inviter: TestUser, email: string) =>
  api(`/api/workspaces/${inviter.workspaceId}/invitations`, {
    token: inviter.token,
    body: { email, role: "member" },
  });

const outboxRows = (dedupeKey: string) =>
  env.DB.prepare("SELECT status, to_email FROM email_outbox WHERE dedupe_key = ?")
    .bind(dedupeKey)
    .all<{ status: string; to_email: string }>()
    .then((r) => r.results);

describe("an invitee without an account", () => {
  it("can unsubscribe from invitations: later invitations send nothing, and sign-up keeps it off", async () => {
    const inviter = await signUp("unsub-inviter");
    const invitee = uniqueEmail("unsub-invitee");
    const res = await oneClick(await unsubscribePath(invitee, "invitation"));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ unsubscribed: true, kind: "invitation" });
    expect(await preferencesRow(invitee)).toMatchObject({
      email: invitee,
      user_id: null,
      invitation: 0,
    });

    const sent = captureJobs();
    const invited = await inviteTo(inviter, invitee);
    expect(invited.status).toBe(201);
    expect(invited.body.data.email).toBe("turned_off");
    // The inviter still gets the link to hand over themselves.
    expect(invited.body.data.inviteUrl).toMatch(/\/invite\?token=/);
    const key = `invitation:${invited.body.data.invitation.id}`;
    expect(sent).toEqual([]);
    expect((await outboxRows(key)).filter((row) => row.status !== "skipped")).toEqual([]);

    const signup = await signUpWith({ email: invitee });
    expect(signup.status).toBe(201);
    const user = { email: invitee, token: signup.body.data.token } as TestUser;
    expect(await settingsOf(user)).toEqual({
      timeZone: "UTC",
      digest: true,
      emails: { ...ALL_ON, invitation: false },
    });
    expect((await preferencesRow(invitee))?.user_id).toBe(signup.body.data.user.id);
    // Their first digest is scheduled like anyone's.
    expect((await preferencesRow(invitee))?.digest_next_at).toBeGreaterThan(Date.now());
  });

  it("signing up later with a time zone keeps that time zone (and the digest at its 08:00)", async () => {
    const invitee = uniqueEmail("unsub-invitee-tz");
    expect((await oneClick(await unsubscribePath(invitee, "invitation"))).status).toBe(200);

    const signup = await signUpWith({ email: invitee, timeZone: "America/New_York" });
    expect(signup.status).toBe(201);
    const user = { email: invitee, token: signup.body.data.token } as TestUser;
    const settings = await settingsOf(user);
    expect(settings.emails.invitation).toBe(false);
    const next = (await preferencesRow(invitee))?.digest_next_at ?? 0;
    // The digest is scheduled at 08:00 New York time; the stored zone must agree with it.
    expect(localHour(next, "America/New_York")).toBe("08");
    expect(settings.timeZone).toBe("America/New_York");
  });
});

describe("GET /api/dev/outbox", () => {
  it("lists the invitation email to the inviter and the invitee, never to another workspace", async () => {
    const inviter = await signUp("outbox-inviter");
    const stranger = await signUp("outbox-stranger");
    const inviteeEmail = uniqueEmail("outbox-invitee");

    const sent = captureJobs();
    const invited = await inviteTo(inviter, inviteeEmail);
    expect(invited.status).toBe(201);
    expect(invited.body.data.email).toBe("queued");
    const inviteUrl: string = invited.body.data.inviteUrl;
    expect(inviteUrl).toMatch(new RegExp(`^${env.APP_ORIGIN}/invite\\?token=`));
    const key = `invitation:${invited.body.data.invitation.id}`;
    expect(sent).toEqual([{ kind: "send_email", dedupeKey: key }]);
    // Recorded by the request, sent by the queue.
    expect(await outboxRows(key)).toEqual([{ status: "queued", to_email: inviteeEmail }]);
    vi.restoreAllMocks();

    await deliver(...sent);
    expect(await outboxRows(key)).toEqual([{ status: "sent", to_email: inviteeEmail }]);

    const mine = await api("/api/dev/outbox", { token: inviter.token });
    expect(mine.status).toBe(200);
    expect(mine.body.data.nextCursor).toBeNull();
    expect(mine.body.data.items).toHaveLength(1);
    const [email] = mine.body.data.items;
    expect(email).toMatchObject({
      template: "invitation",
      to: inviteeEmail,
      status: "sent",
      dedupeKey: key,
    });
    expect(email.subject).toMatch(/invited you to .* on CreatorOps AI$/);
    expect(Number.isNaN(Date.parse(email.createdAt))).toBe(false);
    // Not addressed to the inviter: who, what and when, never the links signed for the invitee.
    expect(email.text).toBeNull();
    expect(email.html).toBeNull();

    // Another workspace's user sees none of it.
    const theirs = await api("/api/dev/outbox", { token: stranger.token });
    expect(theirs.status).toBe(200);
    expect(
      theirs.body.data.items.map((item: { dedupeKey: string }) => item.dedupeKey),
    ).not.toContain(key);

    // The invitee, once signed up with that address, sees the email addressed to them.
    const signup = await signUpWith({ email: inviteeEmail });
    expect(signup.status).toBe(201);
    const invitee = await api("/api/dev/outbox", { token: signup.body.data.token });
    expect(invitee.status).toBe(200);
    expect(invitee.body.data.items).toMatchObject([
      { dedupeKey: key, to: inviteeEmail, template: "invitation" },
    ]);
    // Addressed to them: the whole email, with the invite and unsubscribe links.
    const [theirEmail] = invitee.body.data.items;
    const unsubscribe = await unsubscribeUrl(env, inviteeEmail, "invitation");
    expect(theirEmail.text).toContain(inviteUrl);
    expect(theirEmail.text).toContain(unsubscribe);
    expect(theirEmail.html).toContain(`href="${inviteUrl}"`);
    expect(theirEmail.html).toContain(`href="${unsubscribe}"`);

    // Signed out: 401.
    const anonymous = await api("/api/dev/outbox");
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe("UNAUTHORIZED");
  });

  it("pages newest first with limit and nextCursor", async () => {
    const inviter = await signUp("outbox-pager");
    const keys: string[] = [];
    const sent = captureJobs();
    for (const label of ["first", "second", "third"]) {
      const res = await inviteTo(inviter, uniqueEmail(`outbox-${label}`));
      expect(res.status).toBe(201);
      keys.push(`invitation:${res.body.data.invitation.id}`);
      // Distinct creation times, so "newest first" has one answer.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    vi.restoreAllMocks();
    await deliver(...sent);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=1&cursor=${encodeURIComponent(cursor)}` : "?limit=1";
      const page = await api(`/api/dev/outbox${query}`, { token: inviter.token });
      expect(page.status).toBe(200);
      expect(page.body.data.items).toHaveLength(1);
      seen.push(page.body.data.items[0].dedupeKey);
      cursor = page.body.data.nextCursor;
      pages += 1;
    } while (cursor && pages < 5);
    expect(seen).toEqual([...keys].reverse());
    expect(pages).toBe(3);

    const two = await api("/api/dev/outbox?limit=2", { token: inviter.token });
    expect(two.body.data.items.map((i: { dedupeKey: string }) => i.dedupeKey)).toEqual([
      keys[2],
      keys[1],
    ]);
    expect(two.body.data.nextCursor).toEqual(expect.any(String));

    const badLimit = await api("/api/dev/outbox?limit=0", { token: inviter.token });
    expect(issuePaths(badLimit)).toEqual(["limit"]);
    const badCursor = await api("/api/dev/outbox?cursor=nonsense", { token: inviter.token });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("does not exist when real email is configured", async () => {
    const user = await signUp("outbox-real");
    const res = await app.request(
      `${BASE}/api/dev/outbox`,
      { headers: { Authorization: `Bearer ${user.token}` } },
      { ...env, EMAIL_SENDER: "mailchannels" },
    );
    expect(res.status).toBe(404);
  });
});
