/**
 * The authorization matrix: every route the app registers is classified here, and each class
 * is checked against real requests — no credentials, another tenant's ids, too low a role and
 * the lowest role that is allowed. A new route fails the first test until it is classified.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_STAGES } from "../../shared/crm";
import type { Role } from "../../shared/roles";
import { app } from "../app";
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

type Access =
  /** Anyone, signed in or not. */
  | { auth: "public" }
  /** Any signed-in user; not tied to a workspace. */
  | { auth: "user" }
  /**
   * A secret in the URL names the workspace and the member (a calendar app sends no headers):
   * without it the answer is 400, with a wrong one 404 — calendar.test.ts covers the rest.
   */
  | { auth: "secret-url" }
  /**
   * A signed token in the URL names an address and a kind of email (the unsubscribe link):
   * without it or with a forged one 400 (the POST's envelope says VALIDATION_ERROR or
   * UNSUBSCRIBE_LINK_INVALID; the GET answers a page) — email-routes.test.ts covers the rest.
   */
  | { auth: "signed-url" }
  /** `/api/workspaces/:id/…`: the caller must be a member of `:id` with at least `minRole`. */
  | { auth: "workspace-path"; minRole: Role }
  /** Flat routes: the workspace comes from `X-Workspace-Id` (or the caller's only workspace). */
  | { auth: "workspace-header"; minRole: Role };

const MATRIX: Record<string, Access> = {
  "GET /api/health": { auth: "public" },
  "POST /api/auth/signup": { auth: "public" },
  "POST /api/auth/signin": { auth: "public" },
  "POST /api/auth/signout": { auth: "user" },
  "GET /api/auth/me": { auth: "user" },
  "POST /api/auth/me/calendar-token": { auth: "workspace-header", minRole: "member" },
  "GET /api/calendar.ics": { auth: "secret-url" },
  "GET /api/auth/me/notifications": { auth: "user" },
  "PATCH /api/auth/me/notifications": { auth: "user" },
  "GET /api/email/unsubscribe": { auth: "signed-url" },
  "POST /api/email/unsubscribe": { auth: "signed-url" },
  "GET /api/dev/outbox": { auth: "user" },
  "GET /api/workspaces": { auth: "user" },
  "POST /api/workspaces": { auth: "user" },
  "GET /api/workspaces/:id": { auth: "workspace-path", minRole: "member" },
  "PATCH /api/workspaces/:id": { auth: "workspace-path", minRole: "admin" },
  "DELETE /api/workspaces/:id": { auth: "workspace-path", minRole: "owner" },
  "GET /api/workspaces/:id/members": { auth: "workspace-path", minRole: "member" },
  "PATCH /api/workspaces/:id/members/:userId": { auth: "workspace-path", minRole: "admin" },
  // A member may remove themselves (covered by the workspace tests); removing someone else
  // needs admin, which is what this matrix checks (the target is always another member).
  "DELETE /api/workspaces/:id/members/:userId": { auth: "workspace-path", minRole: "admin" },
  "GET /api/workspaces/:id/invitations": { auth: "workspace-path", minRole: "admin" },
  "POST /api/workspaces/:id/invitations": { auth: "workspace-path", minRole: "admin" },
  "DELETE /api/workspaces/:id/invitations/:invitationId": {
    auth: "workspace-path",
    minRole: "admin",
  },
  "POST /api/invitations/accept": { auth: "user" },
  "GET /api/audit-log": { auth: "workspace-header", minRole: "admin" },
  "GET /api/content": { auth: "workspace-header", minRole: "member" },
  "POST /api/content": { auth: "workspace-header", minRole: "member" },
  "GET /api/content/:id": { auth: "workspace-header", minRole: "member" },
  "PUT /api/content/:id": { auth: "workspace-header", minRole: "member" },
  "DELETE /api/content/:id": { auth: "workspace-header", minRole: "member" },
  "POST /api/content/:id/restore": { auth: "workspace-header", minRole: "member" },
  "GET /api/content/:id/variants": { auth: "workspace-header", minRole: "member" },
  "PUT /api/content/:id/variants/:variantId": { auth: "workspace-header", minRole: "member" },
  "DELETE /api/content/:id/variants/:variantId": { auth: "workspace-header", minRole: "member" },
  "POST /api/content/:id/repurpose": { auth: "workspace-header", minRole: "member" },
  "POST /api/jobs/repurpose": { auth: "workspace-header", minRole: "member" },
  "GET /api/jobs/:id": { auth: "workspace-header", minRole: "member" },
  "GET /api/usage": { auth: "workspace-header", minRole: "member" },
  "GET /api/sponsors": { auth: "workspace-header", minRole: "member" },
  "POST /api/sponsors": { auth: "workspace-header", minRole: "member" },
  "GET /api/sponsors/export.csv": { auth: "workspace-header", minRole: "member" },
  "GET /api/sponsors/:id": { auth: "workspace-header", minRole: "member" },
  "PUT /api/sponsors/:id": { auth: "workspace-header", minRole: "member" },
  "DELETE /api/sponsors/:id": { auth: "workspace-header", minRole: "member" },
  "POST /api/sponsors/:id/restore": { auth: "workspace-header", minRole: "member" },
  "POST /api/sponsors/:id/merge": { auth: "workspace-header", minRole: "member" },
  "GET /api/deals": { auth: "workspace-header", minRole: "member" },
  "POST /api/deals": { auth: "workspace-header", minRole: "member" },
  "POST /api/deals/capture-email": { auth: "workspace-header", minRole: "member" },
  "GET /api/deals/stages": { auth: "workspace-header", minRole: "member" },
  "PUT /api/deals/stages": { auth: "workspace-header", minRole: "admin" },
  "GET /api/deals/pipeline": { auth: "workspace-header", minRole: "member" },
  "GET /api/deals/export.csv": { auth: "workspace-header", minRole: "member" },
  "GET /api/deals/:id": { auth: "workspace-header", minRole: "member" },
  "PUT /api/deals/:id": { auth: "workspace-header", minRole: "member" },
  "DELETE /api/deals/:id": { auth: "workspace-header", minRole: "member" },
  "POST /api/deals/:id/restore": { auth: "workspace-header", minRole: "member" },
  "GET /api/deals/:id/activities": { auth: "workspace-header", minRole: "member" },
  "POST /api/deals/:id/activities": { auth: "workspace-header", minRole: "member" },
  "POST /api/deals/:id/followup": { auth: "workspace-header", minRole: "member" },
  "GET /api/followups": { auth: "workspace-header", minRole: "member" },
  "PATCH /api/followups/:id": { auth: "workspace-header", minRole: "member" },
};

/** A workspace with one user of each role, a second plain member and a pending invitation. */
interface Team {
  owner: TestUser;
  admin: TestUser;
  member: TestUser;
  /** The target of member-management routes: never the caller. */
  otherMember: TestUser;
  workspaceId: string;
  invitationId: string;
}

async function makeTeam(): Promise<Team> {
  const [owner, admin, member, otherMember] = await Promise.all([
    signUp("owner"),
    signUp("admin"),
    signUp("member"),
    signUp("other-member"),
  ]);
  await addMember(owner, owner.workspaceId, admin, "admin");
  await addMember(owner, owner.workspaceId, member, "member");
  await addMember(owner, owner.workspaceId, otherMember, "member");
  const pending = await invite(owner, owner.workspaceId, uniqueEmail("pending"), "member");
  return {
    owner,
    admin,
    member,
    otherMember,
    workspaceId: owner.workspaceId,
    invitationId: pending.id,
  };
}

interface BodyContext {
  team: Team;
  /** The caller, when the body has to be made for them (an invitation to accept). */
  actor?: TestUser;
}

/**
 * A valid body for every route that takes one, so a 401/403/404 is about authorization and
 * never about validation. `undefined` marks routes that read no body.
 */
const VALID_BODIES: Record<string, (ctx: BodyContext) => unknown> = {
  "POST /api/auth/signup": () => ({
    email: uniqueEmail("matrix"),
    password: PASSWORD,
    client: "api",
  }),
  "POST /api/auth/signin": ({ team }) => ({
    email: team.owner.email,
    password: PASSWORD,
    client: "api",
  }),
  "POST /api/auth/signout": () => undefined,
  "POST /api/auth/me/calendar-token": () => undefined,
  "PATCH /api/auth/me/notifications": () => ({ digest: true }),
  "POST /api/email/unsubscribe": () => undefined,
  "POST /api/workspaces": () => ({ name: "Side project" }),
  "PATCH /api/workspaces/:id": () => ({ name: "Renamed by the matrix" }),
  "PATCH /api/workspaces/:id/members/:userId": () => ({ role: "member" }),
  "POST /api/workspaces/:id/invitations": () => ({ email: uniqueEmail("invitee"), role: "member" }),
  "POST /api/invitations/accept": async ({ team, actor }) => ({
    token: actor
      ? (await invite(team.owner, team.workspaceId, actor.email, "member")).token
      : "x".repeat(43),
  }),
  "POST /api/content": () => ({ title: "Matrix idea", platforms: ["x"], tags: ["matrix"] }),
  "PUT /api/content/:id": () => ({ title: "Renamed by the matrix", status: "drafting" }),
  "PUT /api/content/:id/variants/:variantId": () => ({
    parts: ["1/2 Edited by the matrix.", "2/2 Still within the rules."],
  }),
  "POST /api/content/:id/repurpose": () => ({ platforms: ["x"] }),
  "POST /api/jobs/repurpose": async ({ team }) => ({
    contentIds: [(await sampleResources(team, "content")).id],
    platforms: ["x"],
  }),
  "POST /api/content/:id/restore": () => undefined,
  "POST /api/sponsors": () => ({
    name: "Matrix sponsor",
    contacts: [{ email: "a@matrix.example" }],
  }),
  "PUT /api/sponsors/:id": () => ({ name: "Renamed by the matrix" }),
  "POST /api/sponsors/:id/restore": () => undefined,
  "POST /api/sponsors/:id/merge": async ({ team }) => ({
    sourceId: (await sampleResources(team, "sponsorSource")).id,
  }),
  "POST /api/deals": () => ({ title: "Matrix deal", valueMinor: 100_000, currency: "EUR" }),
  "POST /api/deals/capture-email": () => ({
    messageId: `matrix-${crypto.randomUUID()}`,
    subject: "Matrix sponsorship",
    from: { name: "Matrix Brand", email: "deals@matrix.example" },
    to: [{ email: "creator@matrix.example" }],
    date: new Date().toISOString(),
    bodyText: "We offer $1,000 for 1 YouTube video. Payment is Net 30.",
  }),
  // A whole new pipeline: every stage of the workspace is replaced (none holds a deal).
  "PUT /api/deals/stages": () => ({
    stages: DEFAULT_STAGES.map((stage) => ({ name: `Matrix ${stage.name}`, kind: stage.kind })),
  }),
  "PUT /api/deals/:id": () => ({ title: "Renamed by the matrix", probability: 50 }),
  "POST /api/deals/:id/restore": () => undefined,
  "POST /api/deals/:id/activities": () => ({ body: "Called the brand about the draft." }),
  "POST /api/deals/:id/followup": () => ({ dueAt: "2031-01-01T09:00:00Z" }),
  "PATCH /api/followups/:id": () => ({ subject: "Edited by the matrix" }),
};

const ROUTE_KEYS = [
  ...new Set(
    app.routes
      .filter((route) => route.method !== "ALL")
      .map((route) => `${route.method} ${route.path}`),
  ),
].sort();

const classified = (auth: Access["auth"]) => ROUTE_KEYS.filter((key) => MATRIX[key]?.auth === auth);
const workspaceRoutes = ROUTE_KEYS.filter((key) => {
  const access = MATRIX[key];
  return access?.auth === "workspace-path" || access?.auth === "workspace-header";
});
const RANK: Role[] = ["member", "admin", "owner"];
const rolesBelow = (role: Role) => RANK.slice(0, RANK.indexOf(role));
const minRoleOf = (key: string): Role => {
  const access = MATRIX[key];
  if (access?.auth !== "workspace-path" && access?.auth !== "workspace-header") {
    throw new Error(`${key} is not workspace-scoped`);
  }
  return access.minRole;
};
const roleCases = workspaceRoutes.flatMap((key) =>
  rolesBelow(minRoleOf(key)).map((role) => [key, role] as const),
);

type Ids = Record<string, string>;

/** The concrete path: every `:param` must have a sample id, so a new parameter cannot slip by. */
function fillPath(path: string, ids: Ids): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = ids[name];
    if (!value)
      throw new Error(`No sample id for :${name} in ${path}: add it to teamIds() or RESOURCE_IDS`);
    return value;
  });
}

const teamIds = (team: Team): Ids => ({
  id: team.workspaceId,
  userId: team.otherMember.userId,
  invitationId: team.invitationId,
});

/**
 * On flat workspace-scoped routes (`/api/content/:id`, …) the path names resources of the
 * workspace chosen by X-Workspace-Id, not the workspace itself. Each such route needs a maker
 * here that creates the resources in `team`'s workspace and returns their ids by param name.
 */
const RESOURCE_IDS: Record<string, (team: Team) => Promise<Ids>> = {
  "GET /api/content/:id": (team) => sampleResources(team, "content"),
  "PUT /api/content/:id": (team) => sampleResources(team, "content"),
  "DELETE /api/content/:id": (team) => sampleResources(team, "content"),
  "POST /api/content/:id/restore": (team) => sampleResources(team, "deleted"),
  "GET /api/content/:id/variants": (team) => sampleResources(team, "variant"),
  "PUT /api/content/:id/variants/:variantId": (team) => sampleResources(team, "variant"),
  "DELETE /api/content/:id/variants/:variantId": (team) => sampleResources(team, "variant"),
  "POST /api/content/:id/repurpose": (team) => sampleResources(team, "content"),
  "GET /api/jobs/:id": (team) => sampleResources(team, "job"),
  "GET /api/sponsors/:id": (team) => sampleResources(team, "sponsor"),
  "PUT /api/sponsors/:id": (team) => sampleResources(team, "sponsor"),
  "DELETE /api/sponsors/:id": (team) => sampleResources(team, "sponsor"),
  "POST /api/sponsors/:id/restore": (team) => sampleResources(team, "deletedSponsor"),
  "POST /api/sponsors/:id/merge": (team) => sampleResources(team, "sponsor"),
  "GET /api/deals/:id": (team) => sampleResources(team, "deal"),
  "PUT /api/deals/:id": (team) => sampleResources(team, "deal"),
  "DELETE /api/deals/:id": (team) => sampleResources(team, "deal"),
  "POST /api/deals/:id/restore": (team) => sampleResources(team, "deletedDeal"),
  "GET /api/deals/:id/activities": (team) => sampleResources(team, "deal"),
  "POST /api/deals/:id/activities": (team) => sampleResources(team, "deal"),
  "POST /api/deals/:id/followup": (team) => sampleResources(team, "deal"),
  "PATCH /api/followups/:id": (team) => sampleResources(team, "followup"),
};

type SampleKind =
  | "content"
  | "deleted"
  | "variant"
  | "job"
  | "sponsor"
  | "sponsorSource"
  | "deletedSponsor"
  | "deal"
  | "deletedDeal"
  | "followup";
const samples = new WeakMap<Team, Map<SampleKind, Promise<Ids>>>();

/** Made once per team and kind (as the owner), so a body maker never writes after a snapshot. */
function sampleResources(team: Team, kind: SampleKind): Promise<Ids> {
  const made = samples.get(team) ?? new Map<SampleKind, Promise<Ids>>();
  samples.set(team, made);
  const existing = made.get(kind);
  if (existing) return existing;
  const promise = makeSample(team, kind);
  made.set(kind, promise);
  return promise;
}

async function ownerCall(team: Team, path: string, method = "GET", body?: unknown) {
  const res = await api(path, {
    method,
    body,
    token: team.owner.token,
    workspaceId: team.workspaceId,
  });
  if (res.status >= 300)
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

async function makeSample(team: Team, kind: SampleKind): Promise<Ids> {
  if (kind === "followup") {
    const deal = await sampleResources(team, "deal");
    const drafted = await ownerCall(team, `/api/deals/${deal.id}/followup`, "POST", {});
    return { id: drafted.followup.id };
  }
  if (kind === "deal" || kind === "deletedDeal") {
    const deal = await ownerCall(team, "/api/deals", "POST", { title: `Matrix ${kind}` });
    if (kind === "deletedDeal") await ownerCall(team, `/api/deals/${deal.id}`, "DELETE");
    return { id: deal.id };
  }
  if (kind === "sponsor" || kind === "sponsorSource" || kind === "deletedSponsor") {
    const sponsor = await ownerCall(team, "/api/sponsors", "POST", { name: `Matrix ${kind}` });
    if (kind === "deletedSponsor") await ownerCall(team, `/api/sponsors/${sponsor.id}`, "DELETE");
    return { id: sponsor.id };
  }
  const content = await ownerCall(team, "/api/content", "POST", {
    title: `Matrix ${kind} sample`,
    notes: "Three lamps, one desk, and the light that finally works for filming.",
  });
  if (kind === "content") return { id: content.id };
  if (kind === "deleted") {
    await ownerCall(team, `/api/content/${content.id}`, "DELETE");
    return { id: content.id };
  }
  if (kind === "variant") {
    const out = await ownerCall(team, `/api/content/${content.id}/repurpose`, "POST", {
      platforms: ["x"],
    });
    return { id: content.id, variantId: out.variants[0].id };
  }
  const job = await ownerCall(team, "/api/jobs/repurpose", "POST", {
    contentIds: [content.id],
    platforms: ["x"],
  });
  return { id: job.id };
}

/** Makes every sample of `team` and waits for its queued job to finish, so nothing changes later. */
async function settleSamples(team: Team) {
  for (const kind of [
    "content",
    "deleted",
    "variant",
    "job",
    "sponsor",
    "sponsorSource",
    "deletedSponsor",
    "deal",
    "deletedDeal",
    "followup",
  ] as const) {
    await sampleResources(team, kind);
  }
  const { id } = await sampleResources(team, "job");
  for (let attempt = 0; attempt < 200; attempt++) {
    const job = await ownerCall(team, `/api/jobs/${id}`);
    if (job.status !== "queued" && job.status !== "running") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${id} did not finish`);
}

/** Sample ids for every `:param` of the route, in `team`'s workspace. */
async function idsFor(key: string, team: Team): Promise<Ids> {
  if (MATRIX[key]?.auth === "workspace-path") return teamIds(team);
  const make = RESOURCE_IDS[key];
  return make ? make(team) : {};
}

interface Call {
  token?: string;
  ids: Ids;
  /** Sent as X-Workspace-Id on workspace-header routes. */
  workspaceId?: string;
  body: BodyContext;
  headers?: Record<string, string>;
}

async function call(key: string, options: Call): Promise<ApiResult> {
  const [method = "GET", path = ""] = key.split(" ");
  const makeBody = VALID_BODIES[key];
  const body = makeBody ? await makeBody(options.body) : undefined;
  return api(fillPath(path, options.ids), {
    method,
    body,
    token: options.token,
    workspaceId: MATRIX[key]?.auth === "workspace-header" ? options.workspaceId : undefined,
    // A fresh client IP per request keeps the per-IP sign-up and sign-in limits out of the way.
    headers: { "CF-Connecting-IP": uniqueIp(), ...options.headers },
  });
}

function expectFailure(res: ApiResult, status: number, code: string) {
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: {
      success: false,
      error: { code, message: expect.any(String), requestId: expect.any(String) },
    },
  });
}

let scopedTables: string[] | undefined;

/** Every table with a workspace_id column (new tables join automatically). */
async function workspaceScopedTables(): Promise<string[]> {
  if (!scopedTables) {
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
    ).all<{ name: string }>();
    scopedTables = [];
    for (const { name } of results) {
      const columns = await env.DB.prepare(`PRAGMA table_info(${name})`).all<{ name: string }>();
      if (columns.results.some((column) => column.name === "workspace_id")) scopedTables.push(name);
    }
  }
  return scopedTables;
}

/** Every row a tenant owns, read straight from D1. */
async function workspaceSnapshot(workspaceId: string) {
  const rows = async (sql: string) => (await env.DB.prepare(sql).bind(workspaceId).all()).results;
  const snapshot: Record<string, unknown[]> = {
    workspaces: await rows("SELECT * FROM workspaces WHERE id = ?"),
  };
  for (const table of await workspaceScopedTables()) {
    snapshot[table] = await rows(`SELECT * FROM ${table} WHERE workspace_id = ? ORDER BY rowid`);
  }
  expect(snapshot.workspaces).toHaveLength(1);
  expect(snapshot.workspace_members?.length).toBeGreaterThan(0);
  return snapshot;
}

it("classifies every registered route, and only registered routes", () => {
  expect(ROUTE_KEYS.length).toBeGreaterThan(0);
  const missing = ROUTE_KEYS.filter((key) => !(key in MATRIX));
  const stale = Object.keys(MATRIX).filter((key) => !ROUTE_KEYS.includes(key));
  expect(
    missing,
    `New routes without an authorization rule: classify each one in MATRIX in edge/test/authz-matrix.test.ts (public, user, workspace-path or workspace-header, with minRole)`,
  ).toEqual([]);
  expect(stale, "MATRIX lists routes the app no longer registers: remove them").toEqual([]);
});

it("has sample ids for the path parameters of every flat workspace-scoped route", () => {
  const needIds = ROUTE_KEYS.filter(
    (key) => MATRIX[key]?.auth !== "workspace-path" && key.includes("/:"),
  );
  const missing = needIds.filter((key) => !(key in RESOURCE_IDS));
  expect(missing, "Add a maker for these routes' path ids to RESOURCE_IDS").toEqual([]);
  const stale = Object.keys(RESOURCE_IDS).filter((key) => !needIds.includes(key));
  expect(stale, "RESOURCE_IDS lists routes that are not registered or need no ids").toEqual([]);
});

it("has a valid sample body for every route that takes one", () => {
  const writes = ROUTE_KEYS.filter((key) => /^(POST|PUT|PATCH) /.test(key));
  const missing = writes.filter((key) => !(key in VALID_BODIES));
  expect(missing, "Add a valid sample body for these routes to VALID_BODIES").toEqual([]);
  const stale = Object.keys(VALID_BODIES).filter((key) => !writes.includes(key));
  expect(stale, "VALID_BODIES lists routes that are not registered writes").toEqual([]);
});

describe("without credentials", () => {
  let team: Team;
  beforeAll(async () => {
    team = await makeTeam();
  });

  it.each(
    ROUTE_KEYS.filter(
      (key) => MATRIX[key] && !["public", "secret-url", "signed-url"].includes(MATRIX[key].auth),
    ),
  )("%s → 401", async (key) => {
    const res = await call(key, {
      ids: await idsFor(key, team),
      workspaceId: team.workspaceId,
      body: { team },
    });
    expectFailure(res, 401, "UNAUTHORIZED");
  });

  it.each(
    ROUTE_KEYS.filter(
      (key) => MATRIX[key] && !["public", "secret-url", "signed-url"].includes(MATRIX[key].auth),
    ),
  )("%s with a bearer token that is no session → 401", async (key) => {
    const res = await call(key, {
      token: "not-a-session-token",
      ids: await idsFor(key, team),
      workspaceId: team.workspaceId,
      body: { team },
    });
    expectFailure(res, 401, "UNAUTHORIZED");
  });

  it.each(classified("secret-url"))(
    "%s without its secret → 400, with a wrong one → 404",
    async (key) => {
      const [, path = ""] = key.split(" ");
      const missing = await call(key, { ids: await idsFor(key, team), body: { team } });
      expectFailure(missing, 400, "VALIDATION_ERROR");
      expectFailure(await api(`${path}?token=${"A".repeat(43)}`), 404, "NOT_FOUND");
    },
  );

  it.each(classified("signed-url"))(
    "%s without its token → 400, with a forged one → 400 and nothing changes",
    async (key) => {
      const [method = "GET", path = ""] = key.split(" ");
      const missing = await call(key, { ids: await idsFor(key, team), body: { team } });
      // A browser's GET gets the invalid-link page; the one-click POST the envelope.
      if (method === "POST") expectFailure(missing, 400, "VALIDATION_ERROR");
      else expect(missing.status).toBe(400);
      const forged = await api(
        `${path}?token=${"A".repeat(43)}.${"B".repeat(43)}.${"C".repeat(43)}`,
        {
          method,
        },
      );
      expect(forged.status).toBe(400);
      if (method === "POST") expectFailure(forged, 400, "UNSUBSCRIBE_LINK_INVALID");
    },
  );

  it.each(classified("public"))("%s answers without credentials", async (key) => {
    const res = await call(key, { ids: await idsFor(key, team), body: { team } });
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(200);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    expect(res.body.success).toBe(true);
  });
});

describe("another tenant's workspace", () => {
  /** The victim: a full team whose rows must come through every attempt untouched. */
  let victim: Team;
  /** Signed in, owner of their own workspace, member of nothing else. */
  let outsider: TestUser;
  beforeAll(async () => {
    [victim, outsider] = await Promise.all([makeTeam(), signUp("outsider")]);
    // Queued work (the bulk job) must be done before any snapshot is taken.
    await settleSamples(victim);
  }, 60_000);

  it.each(classified("workspace-path"))(
    "%s with the victim's ids → 404, nothing changes",
    async (key) => {
      const before = await workspaceSnapshot(victim.workspaceId);
      const res = await call(key, {
        token: outsider.token,
        ids: teamIds(victim),
        body: { team: victim },
      });
      expectFailure(res, 404, "NOT_FOUND");
      expect(await workspaceSnapshot(victim.workspaceId)).toEqual(before);
    },
  );

  it.each(classified("workspace-path"))(
    "%s: the victim's workspace looks exactly like one that does not exist",
    async (key) => {
      const victimRes = await call(key, {
        token: outsider.token,
        ids: teamIds(victim),
        body: { team: victim },
      });
      const missingRes = await call(key, {
        token: outsider.token,
        ids: { ...teamIds(victim), id: "ws_doesNotExist0000000000" },
        body: { team: victim },
      });
      expect(victimRes.status).toBe(404);
      expect({
        status: missingRes.status,
        code: missingRes.body.error?.code,
        message: missingRes.body.error?.message,
      }).toEqual({
        status: victimRes.status,
        code: victimRes.body.error?.code,
        message: victimRes.body.error?.message,
      });
    },
  );

  // The caller is owner of their own workspace, so only tenant scoping stands between them
  // and the victim's member or invitation named in the path.
  it.each(classified("workspace-path").filter((key) => /:(userId|invitationId)/.test(key)))(
    "%s in the caller's own workspace with the victim's member/invitation id → 404, nothing changes",
    async (key) => {
      const before = await workspaceSnapshot(victim.workspaceId);
      const res = await call(key, {
        token: outsider.token,
        ids: { ...teamIds(victim), id: outsider.workspaceId },
        body: { team: victim },
      });
      expectFailure(res, 404, "NOT_FOUND");
      expect(await workspaceSnapshot(victim.workspaceId)).toEqual(before);
    },
  );

  it.each(classified("workspace-header"))(
    "%s with X-Workspace-Id of the victim → 404, nothing changes",
    async (key) => {
      const ids = await idsFor(key, victim);
      const before = await workspaceSnapshot(victim.workspaceId);
      const res = await call(key, {
        token: outsider.token,
        ids,
        workspaceId: victim.workspaceId,
        body: { team: victim },
      });
      expectFailure(res, 404, "NOT_FOUND");
      expect(await workspaceSnapshot(victim.workspaceId)).toEqual(before);
    },
  );

  // The caller's own workspace (where they are owner) with the victim's resource ids: only
  // the scoped data access stands in the way.
  it.each(classified("workspace-header").filter((key) => key.includes("/:")))(
    "%s in the caller's own workspace with the victim's resource ids → 404, nothing changes",
    async (key) => {
      const ids = await idsFor(key, victim);
      const before = await workspaceSnapshot(victim.workspaceId);
      const res = await call(key, {
        token: outsider.token,
        ids,
        workspaceId: outsider.workspaceId,
        body: { team: victim },
      });
      expectFailure(res, 404, "NOT_FOUND");
      expect(await workspaceSnapshot(victim.workspaceId)).toEqual(before);
    },
  );
});

describe("roles below the route's minimum", () => {
  let team: Team;
  beforeAll(async () => {
    team = await makeTeam();
  });

  it.each(roleCases)("%s as %s → 403, nothing changes", async (key, role) => {
    const actor = team[role];
    const ids = await idsFor(key, team);
    const before = await workspaceSnapshot(team.workspaceId);
    const res = await call(key, {
      token: actor.token,
      ids,
      workspaceId: team.workspaceId,
      body: { team, actor },
    });
    expectFailure(res, 403, "FORBIDDEN");
    expect(await workspaceSnapshot(team.workspaceId)).toEqual(before);
  });
});

describe("the least privileged caller who is allowed", () => {
  // A fresh team per route: some of these succeed destructively (delete the workspace,
  // remove a member, sign out).
  it.each(
    ROUTE_KEYS.filter(
      (key) => MATRIX[key] && !["public", "secret-url", "signed-url"].includes(MATRIX[key].auth),
    ),
  )(
    "%s succeeds",
    async (key) => {
      const team = await makeTeam();
      const access = MATRIX[key];
      const actor =
        access?.auth === "workspace-path" || access?.auth === "workspace-header"
          ? team[access.minRole]
          : await signUp("signed-in");
      const res = await call(key, {
        token: actor.token,
        ids: await idsFor(key, team),
        workspaceId: team.workspaceId,
        body: { team, actor },
      });
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(200);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      // A CSV download answers the file itself, not the envelope.
      if (!key.endsWith(".csv")) expect(res.body.success).toBe(true);
    },
    // Each case signs up a whole team (and some make sample content first): slow when the
    // other test files share the machine, so the 5 s default would fail for no reason.
    30_000,
  );
});
