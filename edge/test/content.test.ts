/**
 * The content-planning API through the real Worker and D1: create, read, update, list filters,
 * keyset pagination (also while items are added), the calendar range, status life cycle,
 * idempotent capture, soft delete and restore, variant edits and tenant isolation.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  BODY_MAX,
  CONTENT_STATUSES,
  type ContentStatus,
  STATUS_TRANSITIONS,
  TITLE_MAX,
} from "../../shared/content";
import { type ApiResult, api, as, type RequestOptions, signUp, type TestUser } from "./helpers";

const DAY = 24 * 60 * 60 * 1000;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function create(
  user: TestUser,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<ApiResult> {
  return api("/api/content", as(user, { body, headers }));
}

/** Creates an item and returns its view; fails the test on anything but 201. */
async function item(user: TestUser, body: Record<string, unknown>) {
  const res = await create(user, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

/** Repurposes an item (JSON answer) and returns its variants; fails the test on anything but 200. */
async function repurpose(user: TestUser, id: string, platforms: string[]) {
  const res = await api(`/api/content/${id}/repurpose`, as(user, { body: { platforms } }));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.variants;
}

const list = (user: TestUser, query = "") => api(`/api/content${query}`, as(user));

async function titles(user: TestUser, query: string): Promise<string[]> {
  const res = await list(user, query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.items.map((entry: { title: string }) => entry.title);
}

/** Every page of a query (with `limit`), as ids in page order. */
async function allPages(user: TestUser, query: string, between?: () => Promise<void>) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const sep = query ? "&" : "?";
    const res = await list(
      user,
      `${query}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...res.body.data.items.map((entry: { id: string }) => entry.id));
    cursor = res.body.data.nextCursor;
    if (!cursor) return ids;
    await between?.();
  }
  throw new Error("pagination did not end");
}

const update = (user: TestUser, id: string, body: Record<string, unknown>) =>
  api(`/api/content/${id}`, as(user, { method: "PUT", body }));

function expectError(res: ApiResult, status: number, code: string) {
  expect({ status: res.status, code: res.body?.error?.code }, JSON.stringify(res.body)).toEqual({
    status,
    code,
  });
  expect(res.body.success).toBe(false);
}

async function contentRows(workspaceId: string) {
  const { results } = await env.DB.prepare(
    "SELECT * FROM content_items WHERE workspace_id = ? ORDER BY id",
  )
    .bind(workspaceId)
    .all();
  return results;
}

/** Inserts a content row straight into D1 (for times the API would never produce). */
async function insertRow(
  workspaceId: string,
  row: { id: string; title: string; createdAt: number; status?: string; deletedAt?: number },
) {
  await env.DB.prepare(
    `INSERT INTO content_items (id, workspace_id, title, source_kind, platforms, tags, status, deleted_at, created_at, updated_at)
     VALUES (?, ?, ?, 'manual', '[]', '[]', ?, ?, ?, ?)`,
  )
    .bind(
      row.id,
      workspaceId,
      row.title,
      row.status ?? "idea",
      row.deletedAt ?? null,
      row.createdAt,
      row.createdAt,
    )
    .run();
}

describe("create and read", () => {
  it("creates an item with defaults, UTC ISO times, unknown keys ignored and deduped lists", async () => {
    const owner = await signUp("content-create");
    const before = Date.now();
    const res = await create(owner, {
      title: "  Desk lighting  ",
      platforms: ["x", "linkedin", "x"],
      tags: ["lighting", "desk", "lighting"],
      scheduledAt: "2030-01-02T12:00:00+02:00",
      unexpected: "ignored",
      workspaceId: "ws_chosenByClient00000000",
      id: "cnt_chosenByClient",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const data = res.body.data;
    expect(data).toMatchObject({
      title: "Desk lighting",
      notes: null,
      status: "idea",
      platforms: ["x", "linkedin"],
      tags: ["lighting", "desk"],
      scheduledAt: "2030-01-02T10:00:00.000Z",
      publishedAt: null,
      source: { kind: "manual", url: null, videoId: null },
      createdBy: owner.userId,
    });
    expect(data.id).not.toBe("cnt_chosenByClient");
    expect(data).not.toHaveProperty("unexpected");
    expect(data.createdAt).toMatch(ISO_UTC);
    expect(data.updatedAt).toMatch(ISO_UTC);
    expect(Date.parse(data.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    const rows = await contentRows(owner.workspaceId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: data.id, workspace_id: owner.workspaceId });
  });

  it("keeps the source of a capture", async () => {
    const owner = await signUp("content-source");
    const data = await item(owner, {
      title: "Captured video",
      source: {
        kind: "youtube",
        url: "https://www.youtube.com/watch?v=abcDEF12345",
        videoId: "abcDEF12345",
        channel: "Desk Studio",
        durationSeconds: 612,
        description: "How I light my desk.",
      },
    });
    expect(data.source).toEqual({
      kind: "youtube",
      url: "https://www.youtube.com/watch?v=abcDEF12345",
      videoId: "abcDEF12345",
      channel: "Desk Studio",
      durationSeconds: 612,
      description: "How I light my desk.",
    });
  });

  it("GET /:id answers the item with its variants", async () => {
    const owner = await signUp("content-get");
    const created = await item(owner, {
      title: "Lighting a small room",
      notes: "Use a bounce card. A single lamp can do a lot. Keep the background darker.",
    });
    const empty = await api(`/api/content/${created.id}`, as(owner));
    expect(empty.status).toBe(200);
    expect(empty.body.data).toMatchObject({ ...created, variants: [] });

    await repurpose(owner, created.id, ["x", "linkedin"]);
    const got = await api(`/api/content/${created.id}`, as(owner));
    expect(got.status).toBe(200);
    expect(got.body.data.variants).toHaveLength(2);
    expect(got.body.data.variants.map((v: { platform: string }) => v.platform).sort()).toEqual([
      "linkedin",
      "x",
    ]);
    for (const variant of got.body.data.variants) {
      expect(variant).toMatchObject({ contentId: created.id, generatedBy: "ai" });
      expect(variant.createdAt).toMatch(ISO_UTC);
    }
    const variants = await api(`/api/content/${created.id}/variants`, as(owner));
    expect(variants.status).toBe(200);
    // Every list answers one shape: the items and the cursor of the next page (none here).
    expect(variants.body.data).toEqual({ items: got.body.data.variants, nextCursor: null });
  });

  it("an unknown id → 404", async () => {
    const owner = await signUp("content-404");
    expectError(await api("/api/content/cnt_doesNotExist", as(owner)), 404, "NOT_FOUND");
  });

  it("PUT updates the given fields and leaves the others", async () => {
    const owner = await signUp("content-put");
    const created = await item(owner, {
      title: "First title",
      notes: "First notes",
      platforms: ["x"],
      tags: ["a"],
    });
    const res = await update(owner, created.id, {
      title: "Second title",
      tags: ["b", "c", "b"],
      scheduledAt: "2031-05-06T07:08:09-01:00",
      unexpected: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      id: created.id,
      title: "Second title",
      notes: "First notes",
      platforms: ["x"],
      tags: ["b", "c"],
      status: "idea",
      scheduledAt: "2031-05-06T08:08:09.000Z",
      createdAt: created.createdAt,
    });
    expect(Date.parse(res.body.data.updatedAt)).toBeGreaterThanOrEqual(
      Date.parse(created.updatedAt),
    );
    const cleared = await update(owner, created.id, { notes: null, scheduledAt: null });
    expect(cleared.body.data).toMatchObject({ notes: null, scheduledAt: null });
    const got = await api(`/api/content/${created.id}`, as(owner));
    expect(got.body.data).toMatchObject({ title: "Second title", notes: null, tags: ["b", "c"] });
  });

  it("PUT with no fields → 400 VALIDATION_ERROR", async () => {
    const owner = await signUp("content-put-empty");
    const created = await item(owner, { title: "Nothing to change" });
    expectError(await update(owner, created.id, {}), 400, "VALIDATION_ERROR");
  });
});

describe("list filters", () => {
  it("filters by status, platform, tag, text and source kind; archived only when asked", async () => {
    const owner = await signUp("content-filters");
    await item(owner, {
      title: "Alpha lamp review",
      platforms: ["x", "linkedin"],
      tags: ["lighting"],
    });
    await item(owner, {
      title: "Beta",
      notes: "All about the 100% discount_code trick",
      status: "drafting",
      platforms: ["instagram"],
      tags: ["deals", "lighting"],
      source: { kind: "web", url: "https://example.com/post" },
    });
    await item(owner, {
      title: "Gamma",
      notes: "Plain notes",
      platforms: ["x"],
      source: { kind: "youtube", videoId: "gammaVideo01" },
    });
    const archived = await item(owner, { title: "Delta archived", tags: ["lighting"] });
    expect((await update(owner, archived.id, { status: "archived" })).status).toBe(200);

    const sorted = async (query: string) => (await titles(owner, query)).sort();
    expect(await sorted("")).toEqual(["Alpha lamp review", "Beta", "Gamma"]);
    expect(await sorted("?status=drafting")).toEqual(["Beta"]);
    expect(await sorted("?status=idea")).toEqual(["Alpha lamp review", "Gamma"]);
    expect(await sorted("?status=archived")).toEqual(["Delta archived"]);
    expect(await sorted("?platform=x")).toEqual(["Alpha lamp review", "Gamma"]);
    expect(await sorted("?platform=newsletter")).toEqual([]);
    expect(await sorted("?tag=lighting")).toEqual(["Alpha lamp review", "Beta"]);
    expect(await sorted("?tag=lighting&status=archived")).toEqual(["Delta archived"]);
    expect(await sorted("?sourceKind=web")).toEqual(["Beta"]);
    expect(await sorted("?sourceKind=youtube")).toEqual(["Gamma"]);
    expect(await sorted("?sourceKind=manual")).toEqual(["Alpha lamp review"]);
    expect(await sorted("?videoId=gammaVideo01")).toEqual(["Gamma"]);
    expect(await sorted("?videoId=otherVideo01")).toEqual([]);
    // Text search: title and notes, case-insensitive.
    expect(await sorted("?q=LAMP")).toEqual(["Alpha lamp review"]);
    expect(await sorted("?q=plain")).toEqual(["Gamma"]);
    expect(await sorted("?platform=x&q=alpha")).toEqual(["Alpha lamp review"]);
  });

  it("search treats % and _ literally", async () => {
    const owner = await signUp("content-like");
    await item(owner, { title: "Save 100% today" });
    await item(owner, { title: "Save 100 today" });
    await item(owner, { title: "snake_case names" });
    await item(owner, { title: "snakeXcase names" });
    await item(owner, { title: "back\\slash" });

    expect(await titles(owner, `?q=${encodeURIComponent("100%")}`)).toEqual(["Save 100% today"]);
    expect(await titles(owner, `?q=${encodeURIComponent("%")}`)).toEqual(["Save 100% today"]);
    expect(await titles(owner, `?q=${encodeURIComponent("e_c")}`)).toEqual(["snake_case names"]);
    expect(await titles(owner, `?q=${encodeURIComponent("_")}`)).toEqual(["snake_case names"]);
    expect(await titles(owner, `?q=${encodeURIComponent("\\")}`)).toEqual(["back\\slash"]);
  });

  it.each([
    ["limit=101", "limit"],
    ["limit=0", "limit"],
    ["status=deleted", "status"],
    ["platform=myspace", "platform"],
    ["sourceKind=fax", "sourceKind"],
    ["videoId=not a video", "videoId"],
    ["from=yesterday", "from"],
    ["cursor=garbage", "cursor"],
  ])("?%s → 400 naming %s", async (query, field) => {
    const owner = await signUp("content-bad-query");
    const res = await list(owner, `?${query}`);
    expectError(res, 400, "VALIDATION_ERROR");
    expect(res.body.error.issues.map((issue: { path: string }) => issue.path)).toContain(field);
  });

  it("limit=100 is allowed", async () => {
    const owner = await signUp("content-limit");
    expect((await list(owner, "?limit=100")).status).toBe(200);
  });
});

describe("pagination", () => {
  it("pages newest first with no item missing or repeated", async () => {
    const owner = await signUp("content-pages");
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await item(owner, { title: `Item ${i}` })).id);
    const ids = await allPages(owner, "?limit=3");
    expect(ids).toHaveLength(7);
    expect(new Set(ids)).toEqual(new Set(created));
    const first = await list(owner, "?limit=3");
    expect(first.body.data.items).toHaveLength(3);
    expect(first.body.data.nextCursor).toEqual(expect.any(String));
    // Newest first.
    const times = (await list(owner, "?limit=100")).body.data.items.map(
      (entry: { createdAt: string }) => Date.parse(entry.createdAt),
    );
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("items added while a client pages neither repeat nor push others out", async () => {
    const owner = await signUp("content-pages-live");
    const original: string[] = [];
    for (let i = 0; i < 8; i++) original.push((await item(owner, { title: `Original ${i}` })).id);
    const added: string[] = [];
    const ids = await allPages(owner, "?limit=3", async () => {
      added.push((await item(owner, { title: `Added ${added.length}` })).id);
      added.push((await item(owner, { title: `Added ${added.length}` })).id);
    });
    expect(added.length).toBeGreaterThan(0);
    expect(new Set(ids).size, "no duplicates").toBe(ids.length);
    // Newer items land before the cursor (on a fresh page one), so the walk is exactly the
    // set that existed when it began: nothing added shows up, nothing original is missing.
    expect(
      ids.filter((id) => added.includes(id)),
      "items added mid-walk",
    ).toEqual([]);
    expect([...ids].sort()).toEqual([...original].sort());
    // A fresh first page does show them, ahead of every original.
    const fresh = (await list(owner, "?limit=100")).body.data.items.map(
      (entry: { id: string }) => entry.id,
    );
    expect(fresh.slice(0, added.length).sort()).toEqual([...added].sort());
    expect(fresh.slice(added.length).sort()).toEqual([...original].sort());
  });

  it("rows created in the same millisecond page correctly", async () => {
    const owner = await signUp("content-same-ms");
    const at = Date.UTC(2025, 0, 15, 12, 0, 0, 123);
    const ids = Array.from({ length: 7 }, (_, i) => `cnt_samems${owner.workspaceId.slice(-6)}${i}`);
    for (const id of ids) await insertRow(owner.workspaceId, { id, title: id, createdAt: at });
    // And one either side.
    await insertRow(owner.workspaceId, {
      id: `cnt_before${owner.workspaceId.slice(-6)}`,
      title: "before",
      createdAt: at - 1,
    });
    await insertRow(owner.workspaceId, {
      id: `cnt_after${owner.workspaceId.slice(-6)}`,
      title: "after",
      createdAt: at + 1,
    });
    for (const limit of [1, 2, 3, 4]) {
      const paged = await allPages(owner, `?limit=${limit}`);
      expect(paged).toEqual([
        `cnt_after${owner.workspaceId.slice(-6)}`,
        ...[...ids].sort().reverse(),
        `cnt_before${owner.workspaceId.slice(-6)}`,
      ]);
    }
    const first = await list(owner, "?limit=3");
    expect(first.body.data.items[1].createdAt).toBe(new Date(at).toISOString());
  });
});

describe("calendar range", () => {
  it("answers items scheduled in [from, to) ordered by scheduled time, paged", async () => {
    const owner = await signUp("content-calendar");
    const times = [
      "2030-03-15T09:00:00Z",
      "2030-03-01T00:00:00Z", // exactly `from`: included
      "2030-03-20T18:30:00+02:00",
      "2030-03-02T08:00:00Z",
      "2030-03-31T23:59:59Z",
      "2030-04-01T00:00:00Z", // exactly `to`: excluded
      "2030-02-28T23:59:59Z", // before
    ];
    const made: Record<string, string> = {};
    for (const [i, at] of times.entries()) {
      made[at] = (await item(owner, { title: `Post ${i}`, scheduledAt: at })).id;
    }
    await item(owner, { title: "Unscheduled" });
    const expected = [
      "2030-03-01T00:00:00Z",
      "2030-03-02T08:00:00Z",
      "2030-03-15T09:00:00Z",
      "2030-03-20T18:30:00+02:00",
      "2030-03-31T23:59:59Z",
    ].map((at) => made[at]);

    const range = "?from=2030-03-01T00:00:00Z&to=2030-04-01T00:00:00Z";
    const whole = await list(owner, range);
    expect(whole.status).toBe(200);
    expect(whole.body.data.items.map((entry: { id: string }) => entry.id)).toEqual(expected);
    expect(whole.body.data.nextCursor).toBeNull();
    for (const entry of whole.body.data.items) expect(entry.scheduledAt).toMatch(ISO_UTC);

    expect(await allPages(owner, `${range}&limit=2`)).toEqual(expected);
    expect(await allPages(owner, `${range}&limit=1`)).toEqual(expected);

    // Open-ended ranges.
    const fromOnly = await allPages(owner, "?from=2030-03-31T00:00:00Z&limit=1");
    expect(fromOnly).toEqual([made["2030-03-31T23:59:59Z"], made["2030-04-01T00:00:00Z"]]);
    const toOnly = await allPages(owner, "?to=2030-03-02T00:00:00Z");
    expect(toOnly).toEqual([made["2030-02-28T23:59:59Z"], made["2030-03-01T00:00:00Z"]]);
  });

  it("items with the same scheduled time page by id", async () => {
    const owner = await signUp("content-calendar-tie");
    const at = "2030-06-01T10:00:00Z";
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await item(owner, { title: `Tie ${i}`, scheduledAt: at })).id);
    const paged = await allPages(
      owner,
      "?from=2030-06-01T00:00:00Z&to=2030-06-02T00:00:00Z&limit=2",
    );
    expect(paged).toEqual([...ids].sort());
  });
});

describe("status life cycle", () => {
  /** Brings a fresh item to `status` along allowed steps. */
  async function itemIn(owner: TestUser, status: ContentStatus) {
    const scheduledAt = "2030-09-09T09:00:00Z";
    const created = await item(owner, { title: `In ${status}`, scheduledAt });
    const path: Record<ContentStatus, ContentStatus[]> = {
      idea: [],
      drafting: ["drafting"],
      scheduled: ["drafting", "scheduled"],
      published: ["drafting", "scheduled", "published"],
      archived: ["archived"],
    };
    for (const step of path[status]) {
      const res = await update(owner, created.id, { status: step });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    return created.id as string;
  }

  const pairs = CONTENT_STATUSES.flatMap((from) =>
    CONTENT_STATUSES.filter((to) => to !== from).map((to) => [from, to] as const),
  );

  it.each(pairs)("%s → %s follows STATUS_TRANSITIONS", async (from, to) => {
    const owner = await signUp("content-status");
    const id = await itemIn(owner, from);
    const res = await update(owner, id, { status: to });
    if (STATUS_TRANSITIONS[from].includes(to)) {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.status).toBe(to);
    } else {
      expectError(res, 400, "INVALID_STATUS_TRANSITION");
      const got = await api(`/api/content/${id}`, as(owner));
      expect(got.body.data.status).toBe(from);
    }
  });

  it("scheduling without a time → 400 SCHEDULE_TIME_REQUIRED (create and update)", async () => {
    const owner = await signUp("content-schedule");
    expectError(
      await create(owner, { title: "No time", status: "scheduled" }),
      400,
      "SCHEDULE_TIME_REQUIRED",
    );
    expect(await contentRows(owner.workspaceId)).toHaveLength(0);
    const draft = await item(owner, { title: "Draft", status: "drafting" });
    expectError(
      await update(owner, draft.id, { status: "scheduled" }),
      400,
      "SCHEDULE_TIME_REQUIRED",
    );
    const scheduled = await update(owner, draft.id, {
      status: "scheduled",
      scheduledAt: "2030-01-01T00:00:00Z",
    });
    expect(scheduled.status).toBe(200);
    expect(scheduled.body.data).toMatchObject({
      status: "scheduled",
      scheduledAt: "2030-01-01T00:00:00.000Z",
    });
    // Removing the time of a scheduled item is refused too.
    expectError(
      await update(owner, draft.id, { scheduledAt: null }),
      400,
      "SCHEDULE_TIME_REQUIRED",
    );
    const created = await create(owner, {
      title: "Scheduled at once",
      status: "scheduled",
      scheduledAt: "2030-01-01T00:00:00Z",
    });
    expect(created.status).toBe(201);
    expect(created.body.data.status).toBe("scheduled");
  });

  it("create refuses published or archived", async () => {
    const owner = await signUp("content-create-status");
    for (const status of ["published", "archived"]) {
      expectError(await create(owner, { title: "Nope", status }), 400, "VALIDATION_ERROR");
    }
  });

  it("publishing sets publishedAt", async () => {
    const owner = await signUp("content-publish");
    const id = await itemIn(owner, "scheduled");
    const before = Date.now();
    const res = await update(owner, id, { status: "published" });
    expect(res.status).toBe(200);
    expect(res.body.data.publishedAt).toMatch(ISO_UTC);
    expect(Date.parse(res.body.data.publishedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(res.body.data.publishedAt)).toBeLessThanOrEqual(Date.now() + 1000);
    // A later edit keeps the original publish time.
    const edited = await update(owner, id, { title: "Edited after publishing" });
    expect(edited.body.data.publishedAt).toBe(res.body.data.publishedAt);
  });
});

describe("idempotent capture", () => {
  it("the same Idempotency-Key twice answers the first result and creates one row", async () => {
    const owner = await signUp("content-idem");
    const key = crypto.randomUUID();
    const body = { title: "Captured once", tags: ["capture"] };
    const first = await create(owner, body, { "Idempotency-Key": key });
    const second = await create(owner, body, { "Idempotency-Key": key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(await contentRows(owner.workspaceId)).toHaveLength(1);
    // Unknown keys do not change the request.
    const third = await create(owner, { ...body, extra: 1 }, { "Idempotency-Key": key });
    expect(third.body.data.id).toBe(first.body.data.id);
    // The key is kept for 7 days: a capture retried after a closed weekend still lands once.
    const stored = await env.DB.prepare(
      "SELECT created_at, expires_at FROM idempotency_keys WHERE workspace_id = ? AND key = ?",
    )
      .bind(owner.workspaceId, key)
      .first<{ created_at: number; expires_at: number }>();
    expect((stored?.expires_at ?? 0) - (stored?.created_at ?? 0)).toBe(7 * DAY);
  });

  it("the same key with a different body → 400 IDEMPOTENCY_KEY_REUSED", async () => {
    const owner = await signUp("content-idem-reuse");
    const key = crypto.randomUUID();
    expect((await create(owner, { title: "One" }, { "Idempotency-Key": key })).status).toBe(201);
    expectError(
      await create(owner, { title: "Two" }, { "Idempotency-Key": key }),
      400,
      "IDEMPOTENCY_KEY_REUSED",
    );
    expect(await contentRows(owner.workspaceId)).toHaveLength(1);
  });

  it("a key is per workspace", async () => {
    const [a, b] = await Promise.all([signUp("content-idem-a"), signUp("content-idem-b")]);
    const key = crypto.randomUUID();
    const first = await create(a, { title: "Same" }, { "Idempotency-Key": key });
    const second = await create(b, { title: "Same" }, { "Idempotency-Key": key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.data.id).not.toBe(first.body.data.id);
  });

  it("five concurrent requests with one key create one row and answer the same id", async () => {
    const owner = await signUp("content-idem-race");
    const key = crypto.randomUUID();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        create(owner, { title: "Raced capture" }, { "Idempotency-Key": key }),
      ),
    );
    for (const res of results) {
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    expect(new Set(results.map((res) => res.body.data.id)).size).toBe(1);
    expect(await contentRows(owner.workspaceId)).toHaveLength(1);
  });

  it("an Idempotency-Key that is too short → 400", async () => {
    const owner = await signUp("content-idem-short");
    expectError(
      await create(owner, { title: "x" }, { "Idempotency-Key": "short" }),
      400,
      "VALIDATION_ERROR",
    );
  });

  it("the same YouTube video twice answers the first item (200)", async () => {
    const owner = await signUp("content-video");
    const source = { kind: "youtube", videoId: "vidSame00001" };
    const first = await create(owner, { title: "First capture", source });
    const second = await create(owner, { title: "Second capture", source });
    expect(first.status).toBe(201);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.data.id).toBe(first.body.data.id);
    expect(second.body.data.title).toBe("First capture");
    expect(await contentRows(owner.workspaceId)).toHaveLength(1);
  });

  it("the same video captured concurrently creates one item", async () => {
    const owner = await signUp("content-video-race");
    const source = { kind: "youtube", videoId: "vidRace00001" };
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => create(owner, { title: `Capture ${i}`, source })),
    );
    for (const res of results) expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
    expect(new Set(results.map((res) => res.body.data.id)).size).toBe(1);
    expect(await contentRows(owner.workspaceId)).toHaveLength(1);
  });

  it("the same video in two workspaces makes two items", async () => {
    const [a, b] = await Promise.all([signUp("content-video-a"), signUp("content-video-b")]);
    const source = { kind: "youtube", videoId: "vidShared001" };
    const first = await create(a, { title: "A's capture", source });
    const second = await create(b, { title: "B's capture", source });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.data.id).not.toBe(first.body.data.id);
  });
});

describe("soft delete and restore", () => {
  it("a deleted item is gone from GET and the list until restored", async () => {
    const owner = await signUp("content-delete");
    const created = await item(owner, { title: "Oops" });
    const deleted = await api(`/api/content/${created.id}`, as(owner, { method: "DELETE" }));
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toMatchObject({ id: created.id });
    expect(deleted.body.data.deletedAt).toMatch(ISO_UTC);
    expect(
      Date.parse(deleted.body.data.restoreUntil) - Date.parse(deleted.body.data.deletedAt),
    ).toBe(30 * DAY);

    expectError(await api(`/api/content/${created.id}`, as(owner)), 404, "NOT_FOUND");
    expect(await titles(owner, "")).toEqual([]);
    expect(await titles(owner, "?status=idea")).toEqual([]);
    expectError(await update(owner, created.id, { title: "x" }), 404, "NOT_FOUND");
    expectError(
      await api(`/api/content/${created.id}`, as(owner, { method: "DELETE" })),
      404,
      "NOT_FOUND",
    );

    const restored = await api(`/api/content/${created.id}/restore`, as(owner, { method: "POST" }));
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body.data).toMatchObject({ id: created.id, title: "Oops" });
    expect((await api(`/api/content/${created.id}`, as(owner))).status).toBe(200);
    expect(await titles(owner, "")).toEqual(["Oops"]);
    // A live item is not restorable.
    expectError(
      await api(`/api/content/${created.id}/restore`, as(owner, { method: "POST" })),
      404,
      "NOT_FOUND",
    );
  });

  it("restoring after the same video was captured again → 409", async () => {
    const owner = await signUp("content-restore-conflict");
    const source = { kind: "youtube", videoId: "vidRecap0001" };
    const first = await item(owner, { title: "First", source });
    expect((await api(`/api/content/${first.id}`, as(owner, { method: "DELETE" }))).status).toBe(
      200,
    );
    const again = await create(owner, { title: "Again", source });
    expect(again.status).toBe(201);
    expect(again.body.data.id).not.toBe(first.id);
    const res = await api(`/api/content/${first.id}/restore`, as(owner, { method: "POST" }));
    expectError(res, 409, "CONFLICT");
    expectError(await api(`/api/content/${first.id}`, as(owner)), 404, "NOT_FOUND");
  });

  it("past the 30-day window → 400 RESTORE_WINDOW_PASSED", async () => {
    const owner = await signUp("content-restore-late");
    const created = await item(owner, { title: "Long gone" });
    await env.DB.prepare("UPDATE content_items SET deleted_at = ? WHERE id = ?")
      .bind(Date.now() - 31 * DAY, created.id)
      .run();
    expectError(
      await api(`/api/content/${created.id}/restore`, as(owner, { method: "POST" })),
      400,
      "RESTORE_WINDOW_PASSED",
    );
    const [row] = await contentRows(owner.workspaceId);
    expect(row?.deleted_at).not.toBeNull();
  });

  it("an unknown id → 404", async () => {
    const owner = await signUp("content-restore-404");
    expectError(
      await api("/api/content/cnt_nothing/restore", as(owner, { method: "POST" })),
      404,
      "NOT_FOUND",
    );
  });
});

describe("variants", () => {
  async function withVariant(owner: TestUser) {
    const created = await item(owner, {
      title: "Desk lighting",
      body: "One lamp is not enough. Bounce the light off a white card. Keep the background darker than your face.",
    });
    const variants = await repurpose(owner, created.id, ["x"]);
    const [variant] = variants;
    expect(variant).toMatchObject({ contentId: created.id, platform: "x", generatedBy: "ai" });
    return { contentId: created.id as string, variant };
  }

  it("an X edit sent as a body with paragraphs stays one post (split only at numbered posts)", async () => {
    const owner = await signUp("variant-paragraphs");
    const { contentId, variant } = await withVariant(owner);
    const res = await api(
      `/api/content/${contentId}/variants/${variant.id}`,
      as(owner, {
        method: "PUT",
        body: { body: "One lamp is not enough.\n\nBounce it off a card." },
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.parts).toEqual(["One lamp is not enough.\n\nBounce it off a card."]);
  });

  it("an edit is saved as the person's", async () => {
    const owner = await signUp("variant-edit");
    const { contentId, variant } = await withVariant(owner);
    const parts = ["1/2 My own opening post.", "2/2 And my own closing post."];
    const res = await api(
      `/api/content/${contentId}/variants/${variant.id}`,
      as(owner, { method: "PUT", body: { parts } }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      id: variant.id,
      contentId,
      platform: "x",
      parts,
      body: parts.join("\n\n"),
      generatedBy: "person",
    });
    const got = await api(`/api/content/${contentId}`, as(owner));
    expect(got.body.data.variants[0]).toMatchObject({ id: variant.id, generatedBy: "person" });

    // A body alone is split into posts on blank lines.
    const byBody = await api(
      `/api/content/${contentId}/variants/${variant.id}`,
      as(owner, { method: "PUT", body: { body: "1/2 Body first.\n\n2/2 Body second." } }),
    );
    expect(byBody.status, JSON.stringify(byBody.body)).toBe(200);
    expect(byBody.body.data.parts).toEqual(["1/2 Body first.", "2/2 Body second."]);
  });

  it("an X post over 280 characters → 400 RULE_VIOLATION with issues; nothing saved", async () => {
    const owner = await signUp("variant-rules");
    const { contentId, variant } = await withVariant(owner);
    const long = `2/2 ${"word ".repeat(70).trim()}.`;
    expect(long.length).toBeGreaterThan(280);
    const res = await api(
      `/api/content/${contentId}/variants/${variant.id}`,
      as(owner, { method: "PUT", body: { parts: ["1/2 Short opener.", long] } }),
    );
    expectError(res, 400, "RULE_VIOLATION");
    expect(res.body.error.issues).toEqual(
      expect.arrayContaining([{ path: "parts.2", message: expect.stringContaining("280") }]),
    );
    const after = await api(`/api/content/${contentId}/variants`, as(owner));
    expect(after.body.data.items[0]).toEqual(variant);
  });

  it("deletes a variant", async () => {
    const owner = await signUp("variant-delete");
    const { contentId, variant } = await withVariant(owner);
    const path = `/api/content/${contentId}/variants/${variant.id}`;
    const res = await api(path, as(owner, { method: "DELETE" }));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id: variant.id, deleted: true });
    expect((await api(`/api/content/${contentId}/variants`, as(owner))).body.data).toEqual({
      items: [],
      nextCursor: null,
    });
    expectError(await api(path, as(owner, { method: "DELETE" })), 404, "NOT_FOUND");
  });

  it("a variant under another item's id → 404", async () => {
    const owner = await signUp("variant-wrong-item");
    const { variant } = await withVariant(owner);
    const other = await item(owner, { title: "Other item" });
    const path = `/api/content/${other.id}/variants/${variant.id}`;
    expectError(
      await api(path, as(owner, { method: "PUT", body: { parts: ["1/1 Hello there."] } })),
      404,
      "NOT_FOUND",
    );
    expectError(await api(path, as(owner, { method: "DELETE" })), 404, "NOT_FOUND");
  });
});

describe("another tenant", () => {
  it("cannot read, change or delete an item, or its variants; rows stay unchanged", async () => {
    const [victim, outsider] = await Promise.all([
      signUp("content-victim"),
      signUp("content-outsider"),
    ]);
    const created = await item(victim, {
      title: "Private plan",
      notes: "A lamp, a card and a darker background make the shot.",
    });
    const variants = await repurpose(victim, created.id, ["x"]);
    const variantId = variants[0].id;
    const snapshot = async () => ({
      items: await contentRows(victim.workspaceId),
      variants: (
        await env.DB.prepare("SELECT * FROM content_variants WHERE workspace_id = ? ORDER BY id")
          .bind(victim.workspaceId)
          .all()
      ).results,
    });
    const before = await snapshot();

    const attempts: Array<[string, RequestOptions]> = [
      [`/api/content/${created.id}`, {}],
      [`/api/content/${created.id}`, { method: "PUT", body: { title: "Mine now" } }],
      [`/api/content/${created.id}`, { method: "DELETE" }],
      [`/api/content/${created.id}/variants`, {}],
      [
        `/api/content/${created.id}/variants/${variantId}`,
        { method: "PUT", body: { parts: ["1/1 Mine now."] } },
      ],
      [`/api/content/${created.id}/variants/${variantId}`, { method: "DELETE" }],
      [`/api/content/${created.id}/repurpose`, { body: { platforms: ["linkedin"] } }],
    ];
    for (const [path, options] of attempts) {
      // In the outsider's own workspace, and naming the victim's workspace.
      expectError(await api(path, as(outsider, options)), 404, "NOT_FOUND");
      expectError(
        await api(path, { ...as(outsider, options), workspaceId: victim.workspaceId }),
        404,
        "NOT_FOUND",
      );
    }
    expect(await titles(outsider, "")).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it("cannot restore another workspace's deleted item", async () => {
    const [victim, outsider] = await Promise.all([
      signUp("content-victim-restore"),
      signUp("content-outsider-restore"),
    ]);
    const created = await item(victim, { title: "Deleted plan" });
    await api(`/api/content/${created.id}`, as(victim, { method: "DELETE" }));
    expectError(
      await api(`/api/content/${created.id}/restore`, as(outsider, { method: "POST" })),
      404,
      "NOT_FOUND",
    );
    const [row] = await contentRows(victim.workspaceId);
    expect(row?.deleted_at).not.toBeNull();
  });
});

describe("input validation", () => {
  it.each([
    ["no title", { notes: "x" }, "title"],
    ["a blank title", { title: "   " }, "title"],
    ["a 301-character title", { title: "t".repeat(301) }, "title"],
    ["an unknown platform", { title: "t", platforms: ["myspace"] }, "platforms.0"],
    ["eight platforms", { title: "t", platforms: Array(8).fill("x") }, "platforms"],
    ["21 tags", { title: "t", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "tags"],
    ["a blank tag", { title: "t", tags: ["  "] }, "tags.0"],
    ["a time without an offset", { title: "t", scheduledAt: "2030-01-01T10:00:00" }, "scheduledAt"],
    ["a time that is no time", { title: "t", scheduledAt: "tomorrow" }, "scheduledAt"],
    ["an unknown source kind", { title: "t", source: { kind: "fax" } }, "source.kind"],
    [
      "a video id with spaces",
      { title: "t", source: { kind: "youtube", videoId: "not a video" } },
      "source.videoId",
    ],
    [
      "a javascript: URL",
      { title: "t", source: { kind: "web", url: "javascript:alert(1)" } },
      "source.url",
    ],
    [
      "a negative duration",
      { title: "t", source: { kind: "youtube", durationSeconds: -1 } },
      "source.durationSeconds",
    ],
  ])("POST with %s → 400 VALIDATION_ERROR naming %s, nothing saved", async (_, body, field) => {
    const owner = await signUp("content-invalid");
    const res = await create(owner, body);
    expectError(res, 400, "VALIDATION_ERROR");
    expect(res.body.error.issues.map((issue: { path: string }) => issue.path)).toContain(field);
    expect(await contentRows(owner.workspaceId)).toHaveLength(0);
  });

  it.each([
    ["an unknown status", { status: "deleted" }, "status"],
    ["a time that is no time", { scheduledAt: "soon" }, "scheduledAt"],
    ["a null title", { title: null }, "title"],
    ["platforms as a string", { platforms: "x" }, "platforms"],
  ])("PUT with %s → 400 VALIDATION_ERROR naming %s, row unchanged", async (_, body, field) => {
    const owner = await signUp("content-invalid-put");
    const created = await item(owner, { title: "Unchanged" });
    const before = await contentRows(owner.workspaceId);
    const res = await update(owner, created.id, body);
    expectError(res, 400, "VALIDATION_ERROR");
    expect(res.body.error.issues.map((issue: { path: string }) => issue.path)).toContain(field);
    expect(await contentRows(owner.workspaceId)).toEqual(before);
  });

  it("an id of 65 characters → 400 naming id", async () => {
    const owner = await signUp("content-long-id");
    const res = await api(`/api/content/${"c".repeat(65)}`, as(owner));
    expectError(res, 400, "VALIDATION_ERROR");
    expect(res.body.error.issues.map((issue: { path: string }) => issue.path)).toContain("id");
  });
});

describe("more on capture, delete and variants", () => {
  it("a retry with the same key and the same fields in another order is the same request", async () => {
    const owner = await signUp("content-idem-order");
    const key = crypto.randomUUID();
    const first = await api("/api/content", {
      ...as(owner),
      rawBody: JSON.stringify({
        title: "Ordered",
        tags: ["a"],
        source: { kind: "web", url: "https://example.com/a", channel: "Blog" },
      }),
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
    });
    const second = await api("/api/content", {
      ...as(owner),
      rawBody: JSON.stringify({
        source: { channel: "Blog", url: "https://example.com/a", kind: "web" },
        tags: ["a"],
        title: "Ordered",
      }),
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.body.data.id).toBe(first.body.data.id);
    expect(await contentRows(owner.workspaceId)).toHaveLength(1);
  });

  it("an Idempotency-Key on a repeated video capture replays the 200 answer", async () => {
    const owner = await signUp("content-idem-video");
    const source = { kind: "youtube", videoId: "vidKeyed0001" };
    const first = await create(owner, { title: "First", source });
    const key = crypto.randomUUID();
    const body = { title: "Again", source };
    const second = await create(owner, body, { "Idempotency-Key": key });
    const third = await create(owner, body, { "Idempotency-Key": key });
    expect(first.status).toBe(201);
    expect([second.status, third.status]).toEqual([200, 200]);
    expect(second.body.data.id).toBe(first.body.data.id);
    expect(third.body).toEqual(second.body);
    expect(await contentRows(owner.workspaceId)).toHaveLength(1);
  });

  it("delete and restore keeps the item's variants", async () => {
    const owner = await signUp("content-restore-variants");
    const created = await item(owner, {
      title: "Kept whole",
      notes: "A lamp, a card and a darker background make the shot. Try it today.",
    });
    await repurpose(owner, created.id, ["x", "linkedin"]);
    const before = (await api(`/api/content/${created.id}`, as(owner))).body.data;
    await api(`/api/content/${created.id}`, as(owner, { method: "DELETE" }));
    expectError(await api(`/api/content/${created.id}/variants`, as(owner)), 404, "NOT_FOUND");
    const restored = await api(`/api/content/${created.id}/restore`, as(owner, { method: "POST" }));
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    const after = (await api(`/api/content/${created.id}`, as(owner))).body.data;
    expect(after.variants).toEqual(before.variants);
  });

  it("the variants of a deleted item cannot be edited or deleted (404) until it is restored", async () => {
    const owner = await signUp("content-deleted-variants");
    const created = await item(owner, {
      title: "Deleted with variants",
      notes: "A lamp, a card and a darker background make the shot. Try it today.",
    });
    const variants = await repurpose(owner, created.id, ["x"]);
    const variantId = variants[0].id;
    await api(`/api/content/${created.id}`, as(owner, { method: "DELETE" }));
    const path = `/api/content/${created.id}/variants/${variantId}`;
    expectError(
      await api(path, as(owner, { method: "PUT", body: { parts: ["1/1 Edited while deleted."] } })),
      404,
      "NOT_FOUND",
    );
    expectError(await api(path, as(owner, { method: "DELETE" })), 404, "NOT_FOUND");
    const { results } = await env.DB.prepare("SELECT id FROM content_variants WHERE id = ?")
      .bind(variantId)
      .all();
    expect(results, "the deleted item's variant is still there to restore").toHaveLength(1);
  });

  it("a LinkedIn edit over 3,000 characters → 400 RULE_VIOLATION naming the body", async () => {
    const owner = await signUp("variant-linkedin");
    const created = await item(owner, {
      title: "Long post",
      notes: "A lamp, a card and a darker background make the shot. Try it today.",
    });
    const variants = await repurpose(owner, created.id, ["linkedin"]);
    const variant = variants[0];
    const path = `/api/content/${created.id}/variants/${variant.id}`;
    const res = await api(path, as(owner, { method: "PUT", body: { body: "word ".repeat(700) } }));
    expectError(res, 400, "RULE_VIOLATION");
    expect(res.body.error.issues).toEqual([{ path: "body", message: expect.any(String) }]);
    const ok = await api(path, as(owner, { method: "PUT", body: { body: "A short, fine post." } }));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.data).toMatchObject({
      body: "A short, fine post.",
      parts: null,
      generatedBy: "person",
    });
  });
});

describe("the piece itself: body beside private notes", () => {
  it("stores, answers, updates and clears body; notes stay separate", async () => {
    const owner = await signUp("content-body");
    const created = await item(owner, {
      title: "Cutting silence fast",
      body: "Cut every pause longer than half a second. Then listen once at 1.5x.",
      notes: "B-roll: desk before/after",
    });
    expect(created).toMatchObject({
      body: "Cut every pause longer than half a second. Then listen once at 1.5x.",
      notes: "B-roll: desk before/after",
    });
    const changed = await update(owner, created.id, { body: "A new script." });
    expect(changed.body.data).toMatchObject({
      body: "A new script.",
      notes: "B-roll: desk before/after",
    });
    const cleared = await update(owner, created.id, { body: null });
    expect(cleared.body.data.body).toBeNull();
    // Text search reads the body too.
    await update(owner, created.id, { body: "Talks about jump cuts." });
    expect(await titles(owner, "?q=jump%20cuts")).toEqual(["Cutting silence fast"]);
  });

  it("a YouTube capture without a body takes the video's description as its body", async () => {
    const owner = await signUp("content-body-yt");
    const created = await item(owner, {
      title: "A video",
      source: { kind: "youtube", videoId: "dQw4w9WgXcQ", description: "What the video is about." },
    });
    expect(created.body).toBe("What the video is about.");
    expect(created.source.description).toBe("What the video is about.");
    const web = await item(owner, {
      title: "A page",
      source: { kind: "web", url: "https://example.com/a", description: "Page summary." },
    });
    expect(web.body).toBeNull();
  });

  it("a body over 100,000 characters → 400 naming body", async () => {
    const owner = await signUp("content-body-limit");
    const res = await create(owner, { title: "Long", body: "a".repeat(100_001) });
    expectError(res, 400, "VALIDATION_ERROR");
    expect(res.body.error.issues.map((issue: { path: string }) => issue.path)).toContain("body");
  });
});

describe("bidirectional control characters", () => {
  it("are removed from titles, bodies and a person's variant edits", async () => {
    const owner = await signUp("content-bidi");
    const created = await item(owner, {
      title: "Price \u202Eevil\u202C list",
      body: "Before \u2066isolated\u2069 after \u202Aembedded\u202C.",
    });
    expect(created.title).toBe("Price evil list");
    expect(created.body).toBe("Before isolated after embedded.");
    const changed = await update(owner, created.id, { title: "\u202DOverride\u202C" });
    expect(changed.body.data.title).toBe("Override");
    // A right-to-left mark that only nudges one character is kept.
    const rtl = await update(owner, created.id, { title: "שלום\u200F!" });
    expect(rtl.body.data.title).toBe("שלום\u200F!");

    const [variant] = await repurpose(owner, created.id, ["linkedin"]);
    const edited = await api(
      `/api/content/${created.id}/variants/${variant.id}`,
      as(owner, { method: "PUT", body: { body: "My \u202Eedit\u202C here." } }),
    );
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.data.body).toBe("My edit here.");
  });
});

describe("scheduling rules, the same for POST and PUT", () => {
  const past = () => new Date(Date.now() - 2 * DAY).toISOString();
  const future = () => new Date(Date.now() + 2 * DAY).toISOString();

  it("a scheduledAt in the past is refused for scheduled, on create and on update", async () => {
    const owner = await signUp("content-past");
    const onCreate = await create(owner, {
      title: "Late",
      status: "scheduled",
      scheduledAt: past(),
    });
    expectError(onCreate, 400, "SCHEDULE_TIME_PAST");
    expect(onCreate.body.error.issues).toEqual([
      { path: "scheduledAt", message: expect.any(String) },
    ]);
    expect(await contentRows(owner.workspaceId)).toHaveLength(0);

    const draft = await item(owner, { title: "Draft", status: "drafting" });
    expectError(
      await update(owner, draft.id, { status: "scheduled", scheduledAt: past() }),
      400,
      "SCHEDULE_TIME_PAST",
    );
    const scheduled = await update(owner, draft.id, { status: "scheduled", scheduledAt: future() });
    expect(scheduled.status).toBe(200);
    // Moving a scheduled item's time into the past is refused too…
    expectError(await update(owner, draft.id, { scheduledAt: past() }), 400, "SCHEDULE_TIME_PAST");
    // …while other fields of a scheduled item change freely.
    expect((await update(owner, draft.id, { title: "Renamed" })).status).toBe(200);
    // An idea may carry a past date (a note of when it was filmed): only scheduling needs the future.
    expect((await create(owner, { title: "Filmed", scheduledAt: past() })).status).toBe(201);
  });

  it("a transition error lists the statuses allowed next", async () => {
    const owner = await signUp("content-allowed");
    const created = await item(owner, { title: "An idea" });
    const res = await update(owner, created.id, { status: "published" });
    expectError(res, 400, "INVALID_STATUS_TRANSITION");
    expect(res.body.error.details).toEqual({
      from: "idea",
      to: "published",
      allowed: [...STATUS_TRANSITIONS.idea],
    });
    for (const status of STATUS_TRANSITIONS.idea) expect(res.body.error.message).toContain(status);
  });

  it("?status takes several values; an unknown one → 400 naming status", async () => {
    const owner = await signUp("content-status-list");
    await item(owner, { title: "Idea one" });
    await item(owner, { title: "Draft one", status: "drafting" });
    await item(owner, { title: "Planned", status: "scheduled", scheduledAt: future() });
    expect((await titles(owner, "?status=idea,drafting")).sort()).toEqual([
      "Draft one",
      "Idea one",
    ]);
    expect(await titles(owner, "?status=scheduled")).toEqual(["Planned"]);
    const bad = await list(owner, "?status=idea,deleted");
    expectError(bad, 400, "VALIDATION_ERROR");
    expect(bad.body.error.issues[0].path).toBe("status");
    expect(bad.body.error.issues[0].message).toContain("deleted");
  });

  it("from/to take a plain date as that UTC day's start; from after to → 400", async () => {
    const owner = await signUp("content-plain-dates");
    await item(owner, { title: "Morning", scheduledAt: "2030-12-01T08:00:00Z" });
    await item(owner, { title: "Late evening", scheduledAt: "2030-12-01T23:30:00Z" });
    await item(owner, { title: "Next day", scheduledAt: "2030-12-02T00:00:00Z" });
    expect(await titles(owner, "?from=2030-12-01&to=2030-12-02")).toEqual([
      "Morning",
      "Late evening",
    ]);
    expect(await titles(owner, "?from=2030-12-01T12:00:00Z&to=2030-12-03")).toEqual([
      "Late evening",
      "Next day",
    ]);
    const reversed = await list(owner, "?from=2030-12-03&to=2030-12-01");
    expectError(reversed, 400, "VALIDATION_ERROR");
    expect(reversed.body.error.issues[0].path).toBe("from");
    expectError(await list(owner, "?from=2030-13-01"), 400, "VALIDATION_ERROR");
  });
});

describe("text that is not what it seems", () => {
  it("a title that is only bidirectional controls or spaces is refused, not saved empty", async () => {
    const owner = await signUp("content-empty-title");
    for (const title of ["\u202E", "\u2066  \u2069"]) {
      const res = await create(owner, { title });
      expectError(res, 400, "VALIDATION_ERROR");
      expect(res.body.error.issues[0].path).toBe("title");
    }
    const created = await item(owner, { title: "hi \u202E" });
    expect(created.title).toBe("hi");
    expectError(
      await update(owner, created.id, { title: "\u202E\u202E" }),
      400,
      "VALIDATION_ERROR",
    );
    expect(await contentRows(owner.workspaceId)).toHaveLength(1);
  });

  it("lone surrogates become U+FFFD before any limit is checked", async () => {
    const owner = await signUp("content-surrogates");
    const created = await item(owner, { title: "\ud800".repeat(TITLE_MAX), body: "a\udc00b" });
    expect(created.title).toBe("\uFFFD".repeat(TITLE_MAX));
    expect(created.body).toBe("a\uFFFDb");
    const [row] = await contentRows(owner.workspaceId);
    expect((row as { title: string }).title).toHaveLength(TITLE_MAX);

    // X weighs U+FFFD 2: 141 of them are 282 weighted characters, over a post's 280.
    const [variant] = await repurpose(owner, created.id, ["x"]);
    const path = `/api/content/${created.id}/variants/${variant.id}`;
    expectError(
      await api(path, as(owner, { method: "PUT", body: { parts: ["\ud800".repeat(141)] } })),
      400,
      "RULE_VIOLATION",
    );
    const fits = await api(
      path,
      as(owner, { method: "PUT", body: { parts: ["\ud800".repeat(140)] } }),
    );
    expect(fits.status, JSON.stringify(fits.body)).toBe(200);
    expect(fits.body.data.parts).toEqual(["\uFFFD".repeat(140)]);
  });

  it("a captured description, selection and tags are cleaned like the body", async () => {
    const owner = await signUp("content-clean-source");
    const created = await item(owner, {
      title: "yt",
      tags: ["price\u202Elist"],
      source: { kind: "youtube", videoId: "abcdefgh", description: "evil\u202Etxt.exe" },
    });
    expect(created.body).toBe("eviltxt.exe");
    expect(created.source.description).toBe("eviltxt.exe");
    expect(created.tags).toEqual(["pricelist"]);
    expectError(await create(owner, { title: "t", tags: ["\u202E"] }), 400, "VALIDATION_ERROR");
  });

  it("a body of 100,000 CJK characters fits the request limit", async () => {
    const owner = await signUp("content-cjk-body");
    const created = await item(owner, { title: "長い台本", body: "の".repeat(BODY_MAX) });
    expect(created.body).toHaveLength(BODY_MAX);
  });

  it("times outside 1970–9999 (once in UTC) are refused", async () => {
    const owner = await signUp("content-far-times");
    for (const scheduledAt of ["9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00Z"]) {
      const res = await create(owner, { title: "Far", scheduledAt });
      expectError(res, 400, "VALIDATION_ERROR");
      expect(res.body.error.issues[0].path).toBe("scheduledAt");
    }
  });
});
