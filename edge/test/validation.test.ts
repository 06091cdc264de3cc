/**
 * Garbage in, 4xx out: every route that takes a body is fed malformed, mistyped, missing and
 * oversized input as an owner (so authorization passes) and must answer a client error in
 * the envelope, never a 500. The routes come from `app.routes`, so a new write route fails
 * here until it has a sample body.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../app";
import { base64url } from "../lib/encoding";
import { MAX_BODY_BYTES } from "../middleware/http";
import {
  type ApiResult,
  addMember,
  api,
  invite,
  PASSWORD,
  signUp,
  type TestUser,
  uniqueEmail,
  uniqueIp,
} from "./helpers";

/** An owner of a workspace with a plain member and a pending invitation, plus a stranger. */
interface Fixture {
  caller: TestUser;
  member: TestUser;
  /** Owner of another workspace, who can invite the caller (for invitation acceptance). */
  host: TestUser;
  invitationId: string;
  /** Ids for the path of a flat workspace-scoped route (see RESOURCE_IDS). */
  resourceIds: Record<string, string>;
}

async function makeFixture(key?: string): Promise<Fixture> {
  const [caller, member, host] = await Promise.all([
    signUp("caller"),
    signUp("member"),
    signUp("host"),
  ]);
  await addMember(caller, caller.workspaceId, member, "member");
  const pending = await invite(caller, caller.workspaceId, uniqueEmail("pending"));
  const fx = { caller, member, host, invitationId: pending.id, resourceIds: {} };
  const make = key ? RESOURCE_IDS[key] : undefined;
  return make ? { ...fx, resourceIds: await make(fx) } : fx;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface BodyRoute {
  /** A body the route accepts from the caller; built fresh for every request. */
  valid: (fx: Fixture) => JsonObject | Promise<JsonObject>;
  /** Top-level fields that cannot be left out. */
  required: string[];
  /** Fields that may legitimately hold 10,000 characters (none today). */
  acceptsLongText?: string[];
  /** `{}` is a whole request: every field has a default (a follow-up draft). */
  emptyIsValid?: true;
}

/** Every write route: a valid body, or "no-body" for routes that read none. */
const BODY_ROUTES: Record<string, BodyRoute | "no-body"> = {
  "POST /api/auth/signup": {
    valid: () => ({
      email: uniqueEmail("valid"),
      password: PASSWORD,
      name: "Valid Name",
      client: "api",
    }),
    required: ["email", "password"],
  },
  "POST /api/auth/signin": {
    valid: (fx) => ({ email: fx.caller.email, password: PASSWORD, client: "api" }),
    required: ["email", "password"],
  },
  "POST /api/auth/signout": "no-body",
  "POST /api/auth/me/calendar-token": "no-body",
  "PATCH /api/auth/me/notifications": {
    valid: () => ({
      timeZone: "Europe/London",
      digest: true,
      emails: { followup_reminder: true, invoice_overdue: false },
    }),
    required: [],
    emptyIsValid: true,
  },
  // Reads only RFC 8058's form body (or none); the token in its query is checked by
  // email-routes.test.ts.
  "POST /api/email/unsubscribe": "no-body",
  "POST /api/workspaces": {
    valid: () => ({ name: "Second channel" }),
    required: ["name"],
  },
  "PATCH /api/workspaces/:id": {
    valid: () => ({
      name: "Renamed studio",
      brandVoice: { description: "Calm and precise.", samples: ["One lamp, three looks."] },
      settings: { timezone: "Europe/London", defaultPlatforms: ["youtube"], weekStartsOn: 1 },
    }),
    // All fields are optional, but at least one must be sent.
    required: [],
  },
  "PATCH /api/workspaces/:id/members/:userId": {
    valid: () => ({ role: "admin" }),
    required: ["role"],
  },
  "POST /api/workspaces/:id/invitations": {
    valid: () => ({ email: uniqueEmail("invitee"), role: "member" }),
    required: ["email"],
  },
  "POST /api/invitations/accept": {
    // A new workspace of the host's each time: once accepted, the caller is a member of it.
    valid: async (fx) => {
      const created = await api("/api/workspaces", {
        token: fx.host.token,
        body: { name: "Host studio" },
      });
      if (created.status !== 201)
        throw new Error(`workspace failed: ${JSON.stringify(created.body)}`);
      return { token: (await invite(fx.host, created.body.data.id, fx.caller.email)).token };
    },
    required: ["token"],
  },
  "POST /api/content": {
    valid: () => ({
      title: "Desk lighting for small rooms",
      notes: "Three lamps and a bounce card.",
      status: "scheduled",
      platforms: ["x", "linkedin"],
      tags: ["lighting"],
      scheduledAt: "2030-01-02T10:00:00Z",
      source: {
        kind: "youtube",
        url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        videoId: "dQw4w9WgXcQ",
        channel: "Desk Studio",
        description: "How I light my desk.",
        durationSeconds: 600,
        thumbnailUrl: "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
        selection: "The bounce card does the work.",
      },
    }),
    required: ["title"],
    // Long-form fields: notes (50,000), the video description (10,000), a selection (20,000).
    acceptsLongText: ["notes", "source.description", "source.selection"],
  },
  "PUT /api/content/:id": {
    valid: () => ({
      title: "Renamed idea",
      notes: "Updated notes.",
      status: "drafting",
      platforms: ["instagram"],
      tags: ["updated"],
      scheduledAt: "2030-02-03T09:30:00+02:00",
    }),
    // All fields are optional, but at least one must be sent.
    required: [],
    acceptsLongText: ["notes"],
  },
  "POST /api/content/:id/restore": "no-body",
  "PUT /api/content/:id/variants/:variantId": {
    valid: () => ({
      body: "1/2 Edited opening post.\n\n2/2 Edited closing post.",
      parts: ["1/2 Edited opening post.", "2/2 Edited closing post."],
    }),
    required: [],
    // A body up to 20,000 characters passes validation; the platform rules then judge it.
    acceptsLongText: ["body"],
  },
  "POST /api/content/:id/repurpose": {
    valid: () => ({ platforms: ["x"], tone: "casual", length: "short" }),
    required: ["platforms"],
  },
  "POST /api/jobs/repurpose": {
    valid: async (fx) => ({
      contentIds: [(await sampleContentId(fx)).id ?? ""],
      platforms: ["linkedin"],
      tone: "professional",
      length: "medium",
    }),
    required: ["contentIds", "platforms"],
  },
  "POST /api/sponsors": {
    valid: () => sponsorBody(),
    required: ["name"],
    acceptsLongText: ["notes"],
  },
  "PUT /api/sponsors/:id": {
    valid: () => sponsorBody(),
    required: [],
    acceptsLongText: ["notes"],
  },
  "POST /api/sponsors/:id/restore": "no-body",
  "POST /api/sponsors/:id/merge": {
    // A new source every time: a merged source is gone.
    valid: async (fx) => ({ sourceId: (await makeSponsor(fx)).id ?? "" }),
    required: ["sourceId"],
  },
  "POST /api/deals": { valid: (fx) => dealBody(fx), required: ["title"] },
  "POST /api/deals/capture-email": {
    valid: () => ({
      messageId: `validation-${crypto.randomUUID()}`,
      threadId: "thread-validation",
      threadUrl: "https://mail.google.com/mail/u/0/#inbox/thread-validation",
      subject: "Sponsorship offer",
      from: { name: "Jane Doe", email: "jane@northwind.example" },
      to: [{ name: "Sam", email: "sam@creator.example" }],
      cc: [{ email: "team@northwind.example" }],
      date: "2026-03-02T10:00:00Z",
      bodyText: "Hi Sam, we offer $2,500 for 1 YouTube video. Payment is Net 30.",
      newDeal: true,
    }),
    required: ["messageId", "subject", "from", "to", "date", "bodyText"],
    // The whole body as shown: the reader truncates it, it is never refused for size.
    acceptsLongText: ["bodyText"],
  },
  "PUT /api/deals/:id": { valid: (fx) => dealBody(fx), required: [] },
  "POST /api/deals/:id/restore": "no-body",
  "PUT /api/deals/stages": {
    // The pipeline as it is, every stage kept: accepted any number of times.
    valid: async (fx) => ({
      stages: (await dealReferences(fx)).stages.map(({ id, name, kind }: StageSample) => ({
        id,
        name,
        kind,
      })),
    }),
    required: ["stages"],
  },
  "POST /api/deals/:id/activities": {
    valid: () => ({ body: "Called the brand about the draft." }),
    required: ["body"],
    // A note may be 10,000 characters.
    acceptsLongText: ["body"],
  },
  "POST /api/deals/:id/followup": {
    valid: (fx) => ({
      dueAt: "2031-01-01T09:00:00+01:00",
      assigneeId: fx.caller.userId,
      to: { name: "Jane Doe", email: "jane@northwind.example" },
    }),
    required: [],
    emptyIsValid: true,
  },
  "PATCH /api/followups/:id": {
    valid: (fx) => ({
      subject: "Following up on the headphones video",
      body: "Hi Jane, is there anything you need from me before the draft is due?",
      to: { name: "Jane Doe", email: "jane@northwind.example" },
      dueAt: "2031-01-02T09:00:00Z",
      assigneeId: fx.caller.userId,
      status: "pending",
    }),
    required: [],
    // A follow-up email may be 20,000 characters.
    acceptsLongText: ["body"],
  },
};

type StageSample = { id: string; name: string; kind: string };
/** The fixture's pipeline and a sponsor (made once), for deal bodies. */
const dealRefs = new WeakMap<Fixture, Promise<{ stages: StageSample[]; sponsorId: string }>>();
function dealReferences(fx: Fixture) {
  const made =
    dealRefs.get(fx) ??
    (async () => {
      const stages = await api("/api/deals/stages", {
        token: fx.caller.token,
        workspaceId: fx.caller.workspaceId,
      });
      if (stages.status !== 200) throw new Error(`stages failed: ${JSON.stringify(stages.body)}`);
      return { stages: stages.body.data, sponsorId: (await makeSponsor(fx)).id ?? "" };
    })();
  dealRefs.set(fx, made);
  return made;
}

/** Every deal field, naming the fixture's own stage, sponsor, owner and content item. */
async function dealBody(fx: Fixture): Promise<JsonObject> {
  const { stages, sponsorId } = await dealReferences(fx);
  return {
    title: "Northwind sponsorship",
    sponsorId,
    stageId: stages[1]?.id ?? "",
    valueMinor: 250_000,
    currency: "EUR",
    probability: 60,
    paymentTermsDays: 30,
    poNumber: "PO-1234",
    usageRights: { term: "30 days", channels: ["youtube"], paidUsage: true },
    exclusivity: { category: "Audio", until: "2030-06-01T00:00:00Z" },
    deliverables: [
      {
        platform: "youtube",
        kind: "60-second integrated read",
        draftDueAt: "2030-03-01T09:00:00+01:00",
        approvedAt: "2030-03-03T09:00:00Z",
        liveAt: "2030-03-10T15:00:00Z",
        done: false,
        contentId: (await sampleContentId(fx)).id ?? "",
      },
    ],
    revisionRounds: 2,
    expectedCloseAt: "2030-02-15T00:00:00Z",
    invoiceSentAt: "2030-03-11T00:00:00Z",
    paidAt: "2030-04-10T00:00:00Z",
    ownerId: fx.caller.userId,
  };
}

async function makeDeal(fx: Fixture, deleted = false): Promise<Record<string, string>> {
  const as = { token: fx.caller.token, workspaceId: fx.caller.workspaceId };
  const created = await api("/api/deals", { ...as, body: { title: "Validation deal" } });
  if (created.status !== 201) throw new Error(`deal failed: ${JSON.stringify(created.body)}`);
  const id: string = created.body.data.id;
  if (deleted) {
    const gone = await api(`/api/deals/${id}`, { ...as, method: "DELETE" });
    if (gone.status !== 200) throw new Error(`delete failed: ${JSON.stringify(gone.body)}`);
  }
  return { id };
}

async function makeFollowup(fx: Fixture): Promise<Record<string, string>> {
  const { id: dealId } = await makeDeal(fx);
  const drafted = await api(`/api/deals/${dealId}/followup`, {
    token: fx.caller.token,
    workspaceId: fx.caller.workspaceId,
    body: {},
  });
  if (drafted.status !== 201) throw new Error(`draft failed: ${JSON.stringify(drafted.body)}`);
  return { id: drafted.body.data.followup.id };
}

/** Every sponsor field; the domain is new each time (one sponsor per domain). */
const sponsorBody = (): JsonObject => ({
  name: "Northwind Audio",
  domain: `northwind-${crypto.randomUUID().slice(0, 8)}.example`,
  contacts: [
    { name: "Sarah", email: "sarah@northwind.example", role: "Partnerships", agency: false },
  ],
  notes: "Met at VidCon.",
});

async function makeSponsor(fx: Fixture, deleted = false): Promise<Record<string, string>> {
  const as = { token: fx.caller.token, workspaceId: fx.caller.workspaceId };
  const created = await api("/api/sponsors", { ...as, body: { name: "Validation sponsor" } });
  if (created.status !== 201) throw new Error(`sponsor failed: ${JSON.stringify(created.body)}`);
  const id: string = created.body.data.id;
  if (deleted) {
    const gone = await api(`/api/sponsors/${id}`, { ...as, method: "DELETE" });
    if (gone.status !== 200) throw new Error(`delete failed: ${JSON.stringify(gone.body)}`);
  }
  return { id };
}

/** One content item of the fixture's workspace (made once), for bodies that name items. */
const sampleContent = new WeakMap<Fixture, Promise<Record<string, string>>>();
function sampleContentId(fx: Fixture, kind: "live" | "deleted" | "variant" = "live") {
  const key = kind === "live" ? fx : undefined;
  const cached = key && sampleContent.get(key);
  if (cached) return cached;
  const made = makeContent(fx, kind);
  if (key) sampleContent.set(key, made);
  return made;
}

async function makeContent(
  fx: Fixture,
  kind: "live" | "deleted" | "variant",
): Promise<Record<string, string>> {
  const as = { token: fx.caller.token, workspaceId: fx.caller.workspaceId };
  const created = await api("/api/content", {
    ...as,
    body: { title: "Validation sample", notes: "A lamp, a desk and a bounce card for video." },
  });
  if (created.status !== 201) throw new Error(`content failed: ${JSON.stringify(created.body)}`);
  const id: string = created.body.data.id;
  if (kind === "deleted") {
    const deleted = await api(`/api/content/${id}`, { ...as, method: "DELETE" });
    if (deleted.status !== 200) throw new Error(`delete failed: ${JSON.stringify(deleted.body)}`);
  }
  if (kind === "variant") {
    const out = await api(`/api/content/${id}/repurpose`, { ...as, body: { platforms: ["x"] } });
    if (out.status !== 200) throw new Error(`repurpose failed: ${JSON.stringify(out.body)}`);
    return { id, variantId: out.body.data.variants[0].id };
  }
  return { id };
}

const ROUTE_KEYS = [
  ...new Set(
    app.routes
      .filter((route) => route.method !== "ALL")
      .map((route) => `${route.method} ${route.path}`),
  ),
].sort();
const WRITE_KEYS = ROUTE_KEYS.filter((key) => /^(POST|PUT|PATCH) /.test(key));
const SCHEMA_KEYS = WRITE_KEYS.filter((key) => BODY_ROUTES[key] && BODY_ROUTES[key] !== "no-body");
const NO_BODY_KEYS = WRITE_KEYS.filter((key) => BODY_ROUTES[key] === "no-body");

/**
 * Path ids on flat workspace-scoped routes (`/api/content/:id`) name resources of the caller's
 * workspace: each such write route needs a maker here that creates them and returns their ids.
 */
const RESOURCE_IDS: Record<string, (fx: Fixture) => Promise<Record<string, string>>> = {
  "PUT /api/content/:id": (fx) => sampleContentId(fx),
  "POST /api/content/:id/restore": (fx) => sampleContentId(fx, "deleted"),
  "PUT /api/content/:id/variants/:variantId": (fx) => sampleContentId(fx, "variant"),
  "POST /api/content/:id/repurpose": (fx) => sampleContentId(fx),
  "PUT /api/sponsors/:id": (fx) => makeSponsor(fx),
  "POST /api/sponsors/:id/restore": (fx) => makeSponsor(fx, true),
  "POST /api/sponsors/:id/merge": (fx) => makeSponsor(fx),
  "PUT /api/deals/:id": (fx) => makeDeal(fx),
  "POST /api/deals/:id/restore": (fx) => makeDeal(fx, true),
  "POST /api/deals/:id/activities": (fx) => makeDeal(fx),
  "POST /api/deals/:id/followup": (fx) => makeDeal(fx),
  "PATCH /api/followups/:id": (fx) => makeFollowup(fx),
};

const isWorkspacePath = (key: string) => key.includes(" /api/workspaces/:id");

function pathFor(key: string, fx: Fixture, resourceIds: Record<string, string>): string {
  const path = key.split(" ")[1] ?? "";
  const ids: Record<string, string> = isWorkspacePath(key)
    ? { id: fx.caller.workspaceId, userId: fx.member.userId, invitationId: fx.invitationId }
    : resourceIds;
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = ids[name];
    if (!value) throw new Error(`No sample id for :${name} in ${path}: add it to RESOURCE_IDS`);
    return value;
  });
}

/** Sends `raw` as the body of route `key`, as the fixture's owner, from a fresh client IP. */
function send(
  key: string,
  fx: Fixture,
  raw: string,
  contentType = "application/json",
): Promise<ApiResult> {
  return api(pathFor(key, fx, fx.resourceIds), {
    method: key.split(" ")[0],
    rawBody: raw,
    token: fx.caller.token,
    // Flat routes act on the caller's own workspace, even once they belong to several.
    workspaceId: fx.caller.workspaceId,
    headers: { "Content-Type": contentType, "CF-Connecting-IP": uniqueIp() },
  });
}

/** What a rejected request must look like; returns a description of what is wrong, if anything. */
function mismatch(
  res: ApiResult,
  status: number,
  code: string,
  issuePath?: string,
): string | undefined {
  const error = res.body?.error;
  const problems: string[] = [];
  if (res.status !== status) problems.push(`status ${res.status}, expected ${status}`);
  if (res.body?.success !== false) problems.push("success is not false");
  if (error?.code !== code) problems.push(`code ${error?.code}, expected ${code}`);
  if (typeof error?.message !== "string" || typeof error?.requestId !== "string") {
    problems.push("error.message or error.requestId missing");
  }
  if (issuePath !== undefined) {
    const paths: string[] = (error?.issues ?? []).map((issue: { path: string }) => issue.path);
    if (!paths.some((path) => path === issuePath || path.startsWith(`${issuePath}.`))) {
      problems.push(`issues ${JSON.stringify(paths)} do not name ${issuePath}`);
    }
  }
  return problems.length
    ? `${problems.join("; ")} — ${JSON.stringify(res.body).slice(0, 300)}`
    : undefined;
}

function expectRejected(res: ApiResult, status: number, code: string, issuePath?: string) {
  expect(res.status, "never a 500").toBeLessThan(500);
  expect(mismatch(res, status, code, issuePath)).toBeUndefined();
}

/** Every field in a body, nested ones too (arrays through their first element), as dotted paths. */
function fieldPaths(value: Json, prefix: string[] = []): string[][] {
  const own = prefix.length ? [prefix] : [];
  if (Array.isArray(value)) {
    return value.length ? [...own, ...fieldPaths(value[0] as Json, [...prefix, "0"])] : own;
  }
  if (value !== null && typeof value === "object") {
    return [
      ...own,
      ...Object.entries(value).flatMap(([key, child]) => fieldPaths(child, [...prefix, key])),
    ];
  }
  return own;
}

function getAt(body: Json, path: string[]): Json {
  return path.reduce<Json>((node, key) => (node as Record<string, Json>)[key] as Json, body);
}

function withValueAt(body: JsonObject, path: string[], value: Json): JsonObject {
  const copy = structuredClone(body);
  const parent = getAt(copy, path.slice(0, -1)) as Record<string, Json>;
  parent[path.at(-1) as string] = value;
  return copy;
}

/** A value of another JSON type: numbers for strings, objects for arrays, and so on. */
function wrongType(value: Json): Json {
  if (typeof value === "string") return 12345;
  if (typeof value === "number" || typeof value === "boolean") return "not a number";
  if (Array.isArray(value)) return { not: "an array" };
  if (value !== null && typeof value === "object") return ["not", "an", "object"];
  return 12345;
}

it("has a sample body (or no-body) for every write route", () => {
  expect(WRITE_KEYS.length).toBeGreaterThan(0);
  const missing = WRITE_KEYS.filter((key) => !(key in BODY_ROUTES));
  expect(missing, "Add these routes to BODY_ROUTES in edge/test/validation.test.ts").toEqual([]);
  const stale = Object.keys(BODY_ROUTES).filter((key) => !WRITE_KEYS.includes(key));
  expect(stale, "BODY_ROUTES lists routes that are not registered").toEqual([]);
});

it("has path ids for every flat workspace-scoped write route with parameters", () => {
  const needIds = WRITE_KEYS.filter((key) => !isWorkspacePath(key) && key.includes("/:"));
  expect(
    needIds.filter((key) => !(key in RESOURCE_IDS)),
    "Add these to RESOURCE_IDS",
  ).toEqual([]);
  expect(Object.keys(RESOURCE_IDS).filter((key) => !needIds.includes(key))).toEqual([]);
});

describe.each(SCHEMA_KEYS)("%s", (key) => {
  const route = BODY_ROUTES[key] as BodyRoute;
  let fx: Fixture;
  beforeAll(async () => {
    fx = await makeFixture(key);
  });

  it("accepts the valid sample (with a charset parameter), so the rejections below are about the input", async () => {
    const res = await send(
      key,
      fx,
      JSON.stringify(await route.valid(fx)),
      "application/json; charset=utf-8",
    );
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(200);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  });

  it("ignores unknown extra keys", async () => {
    const body = JSON.stringify({ ...(await route.valid(fx)), unexpected: "ignored" });
    // A literal "__proto__" key too: parsed JSON must not reach anyone's prototype.
    const res = await send(key, fx, body.replace(/^\{/, '{"__proto__":{"polluted":true},'));
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(200);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  });

  it.each([
    ["malformed JSON", '{"a":'],
    ["an empty body", ""],
    ["trailing garbage", '{"name":"x"} trailing'],
  ])("rejects %s with 400 VALIDATION_ERROR", async (_, raw) => {
    expectRejected(await send(key, fx, raw), 400, "VALIDATION_ERROR");
  });

  it("rejects deeply nested JSON without falling over", async () => {
    const depth = 50_000;
    const res = await send(key, fx, `${"[".repeat(depth)}${"]".repeat(depth)}`);
    expectRejected(res, 400, "VALIDATION_ERROR");
  });

  it.each([
    ["text/plain", "text/plain"],
    ["form-encoded", "application/x-www-form-urlencoded"],
    ["multipart", "multipart/form-data; boundary=x"],
  ])("rejects a JSON text sent as %s with 400 UNSUPPORTED_CONTENT_TYPE", async (_, contentType) => {
    const res = await send(key, fx, JSON.stringify(await route.valid(fx)), contentType);
    expectRejected(res, 400, "UNSUPPORTED_CONTENT_TYPE");
  });

  it.each([
    ["an array", "[]"],
    ["an array holding a valid body", "ARRAY_OF_VALID"],
    ["null", "null"],
    ["a string", '"hello"'],
    ["a number", "42"],
    ["a boolean", "true"],
  ])("rejects %s as the body with 400 VALIDATION_ERROR", async (_, raw) => {
    const body = raw === "ARRAY_OF_VALID" ? JSON.stringify([await route.valid(fx)]) : raw;
    expectRejected(await send(key, fx, body), 400, "VALIDATION_ERROR");
  });

  it("rejects {} with 400 naming every required field (accepts it where all have defaults)", async () => {
    const res = await send(key, fx, "{}");
    if (route.emptyIsValid) {
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(200);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      return;
    }
    expectRejected(res, 400, "VALIDATION_ERROR");
    const paths = res.body.error.issues.map((issue: { path: string }) => issue.path);
    if (route.required.length) expect(paths).toEqual(expect.arrayContaining(route.required));
    else expect(paths, "an all-optional body still needs one field").toEqual(["(root)"]);
  });

  it("rejects the body without each required field, naming it", async () => {
    const failures: string[] = [];
    for (const field of route.required) {
      const body = { ...(await route.valid(fx)) };
      delete body[field];
      const problem = mismatch(
        await send(key, fx, JSON.stringify(body)),
        400,
        "VALIDATION_ERROR",
        field,
      );
      if (problem) failures.push(`without ${field}: ${problem}`);
    }
    expect(failures).toEqual([]);
  });

  it("rejects a wrong type in every field (nested ones too), naming the field", async () => {
    const sample = await route.valid(fx);
    const paths = fieldPaths(sample);
    expect(paths.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const path of paths) {
      const body = withValueAt(await route.valid(fx), path, wrongType(getAt(sample, path)));
      const field = path.join(".");
      const problem = mismatch(
        await send(key, fx, JSON.stringify(body)),
        400,
        "VALIDATION_ERROR",
        field,
      );
      if (problem) failures.push(`${field}: ${problem}`);
    }
    expect(failures).toEqual([]);
  });

  it("rejects a 10,000-character value in every string field, naming the field", async () => {
    const sample = await route.valid(fx);
    const stringPaths = fieldPaths(sample).filter(
      (path) =>
        typeof getAt(sample, path) === "string" && !route.acceptsLongText?.includes(path.join(".")),
    );
    // Not vacuous: the sample has text, and every route with a short text field tries one. A
    // route whose only text is long-form (a deal note) has none left; the 1 MB case bounds it.
    const texts = fieldPaths(sample).filter((path) => typeof getAt(sample, path) === "string");
    expect(texts.length).toBeGreaterThan(0);
    if (!texts.every((path) => route.acceptsLongText?.includes(path.join(".")))) {
      expect(stringPaths.length).toBeGreaterThan(0);
    }
    const failures: string[] = [];
    for (const path of stringPaths) {
      const body = withValueAt(await route.valid(fx), path, "x".repeat(10_000));
      const field = path.join(".");
      const problem = mismatch(
        await send(key, fx, JSON.stringify(body)),
        400,
        "VALIDATION_ERROR",
        field,
      );
      if (problem) failures.push(`${field}: ${problem}`);
    }
    expect(failures).toEqual([]);
  });

  it("rejects a string field over the body limit (1 MB) with 413 PAYLOAD_TOO_LARGE", async () => {
    const sample = await route.valid(fx);
    const path = fieldPaths(sample).find((p) => typeof getAt(sample, p) === "string");
    if (!path) throw new Error(`${key}: the sample body has no string field`);
    const body = withValueAt(sample, path, "x".repeat(MAX_BODY_BYTES + 1024));
    expectRejected(await send(key, fx, JSON.stringify(body)), 413, "PAYLOAD_TOO_LARGE");
  });
});

describe.each(NO_BODY_KEYS)("%s (reads no body)", (key) => {
  // Each case gets its own user: a request that gets through signs the caller out.
  const fresh = async (): Promise<Fixture> => {
    const caller = await signUp("no-body");
    const fx = { caller, member: caller, host: caller, invitationId: "unused", resourceIds: {} };
    const make = RESOURCE_IDS[key];
    return make ? { ...fx, resourceIds: await make(fx) } : fx;
  };

  it("still refuses a non-JSON content type", async () => {
    expectRejected(
      await send(key, await fresh(), "hello", "text/plain"),
      400,
      "UNSUPPORTED_CONTENT_TYPE",
    );
  });

  it("still refuses a body over the body limit (1 MB)", async () => {
    const raw = JSON.stringify({ padding: "x".repeat(MAX_BODY_BYTES + 1024) });
    expectRejected(await send(key, await fresh(), raw), 413, "PAYLOAD_TOO_LARGE");
  });

  it.each([
    ["malformed JSON", '{"a":'],
    ["an array", "[1,2]"],
    ["null", "null"],
  ])("answers %s without a server error", async (_, raw) => {
    const res = await send(key, await fresh(), raw);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
    expect(typeof res.body.success).toBe("boolean");
  });
});

describe("mass assignment", () => {
  it("sign-up ignores ids and roles in the body", async () => {
    const email = uniqueEmail("mass");
    const res = await api("/api/auth/signup", {
      body: {
        email,
        password: PASSWORD,
        client: "api",
        id: "usr_chosenByClient0000000",
        workspaceId: "ws_chosenByClient00000000",
        role: "admin",
        plan: "team",
      },
      headers: { "CF-Connecting-IP": uniqueIp() },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.user.id).not.toBe("usr_chosenByClient0000000");
    expect(res.body.data.workspaceId).not.toBe("ws_chosenByClient00000000");
    const workspace = await api(`/api/workspaces/${res.body.data.workspaceId}`, {
      token: res.body.data.token,
    });
    expect(workspace.body.data).toMatchObject({ plan: "free", role: "owner" });
  });

  it("a workspace update cannot change the plan, id or creator", async () => {
    const owner = await signUp("mass-owner");
    const res = await api(`/api/workspaces/${owner.workspaceId}`, {
      method: "PATCH",
      token: owner.token,
      body: { name: "Still free", plan: "team", id: "ws_other", createdBy: "usr_other" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const workspace = await api(`/api/workspaces/${owner.workspaceId}`, { token: owner.token });
    expect(workspace.body.data).toMatchObject({
      id: owner.workspaceId,
      name: "Still free",
      plan: "free",
    });
  });
});

describe("query parameters and headers", () => {
  let owner: TestUser;
  beforeAll(async () => {
    owner = await signUp("query");
    // A few audit entries so paging has something to page through.
    for (const name of ["One", "Two", "Three"]) {
      await api(`/api/workspaces/${owner.workspaceId}`, {
        method: "PATCH",
        token: owner.token,
        body: { name },
      });
    }
  });

  const auditLog = (query: string) => api(`/api/audit-log${query}`, { token: owner.token });
  const cursorOf = (text: string) => base64url(new TextEncoder().encode(text));

  it("pages with a valid limit and cursor", async () => {
    const first = await auditLog("?limit=1");
    expect(first.status).toBe(200);
    expect(first.body.data.items).toHaveLength(1);
    expect(first.body.data.nextCursor).toEqual(expect.any(String));
    const second = await auditLog(
      `?limit=1&cursor=${encodeURIComponent(first.body.data.nextCursor)}`,
    );
    expect(second.status).toBe(200);
    expect(second.body.data.items).toHaveLength(1);
    expect(second.body.data.items[0].id).not.toBe(first.body.data.items[0].id);
  });

  it.each([
    ["limit=abc"],
    ["limit=100000"],
    ["limit=0"],
    ["limit=-1"],
    ["limit=1.5"],
    ["limit="],
    ["limit=1&limit=2"],
  ])("?%s → 400 naming limit", async (query) => {
    expectRejected(await auditLog(`?${query}`), 400, "VALIDATION_ERROR", "limit");
  });

  it.each([
    ["garbage", "garbage"],
    ["not base64 at all", "%%%%"],
    ["a non-numeric time", cursorOf("abc|aud_x")],
    ["a missing id", cursorOf("1700000000000|")],
    ["a time beyond any date", cursorOf("99999999999999999999999|aud_x")],
    ["over 200 characters", "A".repeat(201)],
  ])("a cursor that is %s → 400 naming cursor", async (_, cursor) => {
    expectRejected(
      await auditLog(`?cursor=${encodeURIComponent(cursor)}`),
      400,
      "VALIDATION_ERROR",
      "cursor",
    );
  });

  it("an X-Workspace-Id of 500 characters → 400", async () => {
    const res = await api("/api/audit-log", { token: owner.token, workspaceId: "w".repeat(500) });
    expectRejected(res, 400, "VALIDATION_ERROR");
    expect(res.body.error.issues.length).toBeGreaterThan(0);
  });

  it("a workspace id of 500 characters in the path → 400 naming id", async () => {
    const res = await api(`/api/workspaces/${"w".repeat(500)}`, { token: owner.token });
    expectRejected(res, 400, "VALIDATION_ERROR", "id");
  });

  it("a member id of 500 characters in the path → 400 naming userId", async () => {
    const res = await api(`/api/workspaces/${owner.workspaceId}/members/${"u".repeat(500)}`, {
      method: "PATCH",
      token: owner.token,
      body: { role: "member" },
    });
    expectRejected(res, 400, "VALIDATION_ERROR", "userId");
  });
});
