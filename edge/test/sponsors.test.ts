/**
 * Sponsors through the real Worker and D1: create, read, update with validation, keyset pages
 * by name, delete refused while deals are live, restore within 30 days, merge, matching an
 * email to its sponsor (company domain, free-mail address, agency contact), the CSV export and
 * tenant isolation. Deals are written straight to D1 (in a stage of the workspace).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { findSponsorForEmail } from "../crm/sponsor-matching";
import { createDb } from "../db/client";
import { loadWorkspaceContext } from "../db/workspace-context";
import { type ApiResult, api, as, signUp, type TestUser } from "./helpers";

const DAY = 24 * 60 * 60 * 1000;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A domain no other test uses (the domain is unique per workspace, tests share none). */
const domain = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}.com`;

async function sponsor(user: TestUser, body: Record<string, unknown>) {
  const res = await api("/api/sponsors", as(user, { body }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

const get = (user: TestUser, id: string) => api(`/api/sponsors/${id}`, as(user));
const put = (user: TestUser, id: string, body: Record<string, unknown>) =>
  api(`/api/sponsors/${id}`, as(user, { method: "PUT", body }));
const remove = (user: TestUser, id: string) =>
  api(`/api/sponsors/${id}`, as(user, { method: "DELETE" }));
const restore = (user: TestUser, id: string) =>
  api(`/api/sponsors/${id}/restore`, as(user, { method: "POST" }));
const merge = (user: TestUser, id: string, sourceId: string) =>
  api(`/api/sponsors/${id}/merge`, as(user, { body: { sourceId } }));

function expectError(res: ApiResult, status: number, code: string, issuePath?: string) {
  expect({ status: res.status, code: res.body?.error?.code }, JSON.stringify(res.body)).toEqual({
    status,
    code,
  });
  expect(res.body.success).toBe(false);
  if (issuePath) {
    const paths = res.body.error.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toContain(issuePath);
  }
}

async function firstStage(workspaceId: string): Promise<string> {
  const row = await env.DB.prepare(
    "SELECT id FROM deal_stages WHERE workspace_id = ? ORDER BY position LIMIT 1",
  )
    .bind(workspaceId)
    .first<{ id: string }>();
  if (!row) throw new Error("the workspace has no stages");
  return row.id;
}

let dealCounter = 0;
/** A deal row of `user`'s workspace, written straight to D1. */
async function insertDeal(
  user: TestUser,
  sponsorId: string | null,
  deal: { title?: string; valueMinor?: number | null; currency?: string; deletedAt?: number } = {},
): Promise<string> {
  dealCounter += 1;
  const id = `deal_test${dealCounter}_${crypto.randomUUID().slice(0, 8)}`;
  await env.DB.prepare(
    `INSERT INTO deals (id, workspace_id, sponsor_id, title, stage_id, value_minor, currency, deleted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      id,
      user.workspaceId,
      sponsorId,
      deal.title ?? `Deal ${dealCounter}`,
      await firstStage(user.workspaceId),
      deal.valueMinor === undefined ? 100_00 : deal.valueMinor,
      deal.currency ?? "USD",
      deal.deletedAt ?? null,
    )
    .run();
  return id;
}

async function sponsorRow(id: string) {
  return env.DB.prepare("SELECT * FROM sponsors WHERE id = ?").bind(id).first();
}

async function dealSponsors(ids: string[]) {
  const { results } = await env.DB.prepare(
    `SELECT id, sponsor_id FROM deals WHERE id IN (${ids.map(() => "?").join(", ")}) ORDER BY id`,
  )
    .bind(...ids)
    .all<{ id: string; sponsor_id: string | null }>();
  return Object.fromEntries(results.map((row) => [row.id, row.sponsor_id]));
}

describe("create, read and update", () => {
  it("creates a sponsor: trimmed, contacts lower-cased and one per address, UTC times", async () => {
    const owner = await signUp("sponsor-create");
    const brandDomain = domain("northwind");
    const before = Date.now();
    const res = await api(
      "/api/sponsors",
      as(owner, {
        body: {
          name: "  Northwind Audio  ",
          domain: brandDomain.toUpperCase(),
          contacts: [
            { name: "Sarah", email: "Sarah@Northwind.example", role: "Partnerships" },
            { email: "sarah@northwind.example", role: "Ignored second role" },
            { name: "Kim", email: "kim@agency.example", agency: true },
          ],
          notes: "Met at VidCon.",
          id: "spn_chosenByClient",
          workspaceId: "ws_chosenByClient00000000",
        },
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const data = res.body.data;
    expect(data).toEqual({
      id: expect.stringMatching(/^spn_/),
      name: "Northwind Audio",
      domain: brandDomain,
      contacts: [
        { name: "Sarah", email: "sarah@northwind.example", role: "Partnerships", agency: false },
        { name: "Kim", email: "kim@agency.example", agency: true },
      ],
      notes: "Met at VidCon.",
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: expect.stringMatching(ISO_UTC),
    });
    expect(data.id).not.toBe("spn_chosenByClient");
    expect(Date.parse(data.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(await sponsorRow(data.id)).toMatchObject({
      workspace_id: owner.workspaceId,
      created_by: owner.userId,
      deleted_at: null,
    });

    const read = await get(owner, data.id);
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual({ ...data, deals: [], totals: {} });
  });

  it("refuses invalid input with 400 VALIDATION_ERROR naming the field, never a 500", async () => {
    const owner = await signUp("sponsor-invalid");
    const cases: [Record<string, unknown>, string][] = [
      [{}, "name"],
      [{ name: "   " }, "name"],
      [{ name: "x".repeat(201) }, "name"],
      [{ name: "Brand", domain: "not a domain" }, "domain"],
      [{ name: "Brand", domain: "-brand.com" }, "domain"],
      [{ name: "Brand", contacts: [{ email: "not-an-email" }] }, "contacts.0.email"],
      [{ name: "Brand", contacts: [{ email: "a@b.example", agency: "yes" }] }, "contacts.0.agency"],
      [{ name: "Brand", contacts: "a@b.example" }, "contacts"],
      [{ name: "Brand", notes: 42 }, "notes"],
    ];
    for (const [body, path] of cases) {
      expectError(await api("/api/sponsors", as(owner, { body })), 400, "VALIDATION_ERROR", path);
    }
    const created = await sponsor(owner, { name: "Valid" });
    expectError(await put(owner, created.id, {}), 400, "VALIDATION_ERROR", "(root)");
    expectError(await put(owner, created.id, { name: "" }), 400, "VALIDATION_ERROR", "name");
    expectError(await get(owner, "s".repeat(500)), 400, "VALIDATION_ERROR", "id");
    expectError(await get(owner, "spn_doesNotExist"), 404, "NOT_FOUND");
    const { results } = await env.DB.prepare("SELECT id FROM sponsors WHERE workspace_id = ?")
      .bind(owner.workspaceId)
      .all();
    expect(results).toHaveLength(1);
  });

  it.each([
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.co.uk",
    "yahoo.co.jp",
    "icloud.com",
    "proton.me",
    "gmx.de",
    "yandex.ru",
    "qq.com",
  ])("refuses the free-mail domain %s as a sponsor's domain (400 naming domain)", async (free) => {
    const owner = await signUp("sponsor-free-mail");
    expectError(
      await api("/api/sponsors", as(owner, { body: { name: "Brand", domain: free } })),
      400,
      "VALIDATION_ERROR",
      "domain",
    );
    const created = await sponsor(owner, { name: "Brand" });
    expectError(await put(owner, created.id, { domain: free }), 400, "VALIDATION_ERROR", "domain");
  });

  it("answers 409 CONFLICT for a domain another live sponsor has, never a 500", async () => {
    const owner = await signUp("sponsor-domain");
    const shared = domain("lumina");
    const first = await sponsor(owner, { name: "Lumina", domain: shared });
    const second = await sponsor(owner, { name: "Lumina again" });

    const duplicate = await api(
      "/api/sponsors",
      as(owner, { body: { name: "Dup", domain: shared } }),
    );
    expectError(duplicate, 409, "CONFLICT", "domain");
    expect(duplicate.body.error.message).toContain("Lumina");
    expect(duplicate.body.error.details).toEqual({ sponsorId: first.id });
    expectError(await put(owner, second.id, { domain: shared }), 409, "CONFLICT", "domain");

    // Another workspace may have the same domain.
    const other = await signUp("sponsor-domain-other");
    await sponsor(other, { name: "Lumina", domain: shared });

    // A deleted sponsor frees its domain; restoring it while another has it is a 409 too.
    expect((await remove(owner, first.id)).status).toBe(200);
    const taker = await put(owner, second.id, { domain: shared });
    expect(taker.status, JSON.stringify(taker.body)).toBe(200);
    expectError(await restore(owner, first.id), 409, "CONFLICT", "domain");
    expect(await sponsorRow(first.id)).toMatchObject({ deleted_at: expect.any(Number) });
  });

  it("creates once per Idempotency-Key", async () => {
    const owner = await signUp("sponsor-idempotent");
    const headers = { "Idempotency-Key": `sponsor-key-${crypto.randomUUID()}` };
    const body = { name: "Once", domain: domain("once") };
    const first = await api("/api/sponsors", as(owner, { body, headers }));
    const retry = await api("/api/sponsors", as(owner, { body, headers }));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.data).toEqual(first.body.data);
    const reused = await api("/api/sponsors", as(owner, { body: { name: "Other" }, headers }));
    expectError(reused, 400, "IDEMPOTENCY_KEY_REUSED");
    const { results } = await env.DB.prepare("SELECT id FROM sponsors WHERE workspace_id = ?")
      .bind(owner.workspaceId)
      .all();
    expect(results).toHaveLength(1);
  });

  it("updates the fields sent: contacts replace the list, null clears domain and notes", async () => {
    const owner = await signUp("sponsor-update");
    const created = await sponsor(owner, {
      name: "Kaffeewerk",
      domain: domain("kaffeewerk"),
      contacts: [{ email: "old@kaffeewerk.example" }],
      notes: "Old notes",
    });
    const renamed = await put(owner, created.id, {
      name: "Kaffeewerk GmbH",
      contacts: [{ name: "Lena", email: "LENA@kaffeewerk.example" }],
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body.data).toMatchObject({
      name: "Kaffeewerk GmbH",
      domain: created.domain,
      contacts: [{ name: "Lena", email: "lena@kaffeewerk.example", agency: false }],
      notes: "Old notes",
    });
    expect(Date.parse(renamed.body.data.updatedAt)).toBeGreaterThanOrEqual(
      Date.parse(created.updatedAt),
    );
    const cleared = await put(owner, created.id, { domain: null, notes: null });
    expect(cleared.body.data).toMatchObject({ domain: null, notes: null, name: "Kaffeewerk GmbH" });
  });

  it("reads a sponsor with its live deals and totals per currency, never summed across", async () => {
    const owner = await signUp("sponsor-detail");
    const brand = await sponsor(owner, { name: "Sol y Mar" });
    const other = await sponsor(owner, { name: "Other brand" });
    const usdA = await insertDeal(owner, brand.id, { title: "Video", valueMinor: 2500_00 });
    const usdB = await insertDeal(owner, brand.id, { title: "Short", valueMinor: 500_00 });
    const eur = await insertDeal(owner, brand.id, {
      title: "Credit note",
      valueMinor: -250_00,
      currency: "EUR",
    });
    const unpriced = await insertDeal(owner, brand.id, {
      title: "Barter",
      valueMinor: null,
      currency: "JPY",
    });
    await insertDeal(owner, brand.id, {
      title: "Deleted",
      valueMinor: 9999_00,
      deletedAt: Date.now(),
    });
    await insertDeal(owner, other.id, { title: "Not this sponsor", valueMinor: 1_00 });

    const res = await get(owner, brand.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const stageId = await firstStage(owner.workspaceId);
    expect(
      [...res.body.data.deals].sort((a: { id: string }, b: { id: string }) =>
        a.id.localeCompare(b.id),
      ),
    ).toEqual(
      [
        { id: usdA, title: "Video", stageId, valueMinor: 2500_00, currency: "USD" },
        { id: usdB, title: "Short", stageId, valueMinor: 500_00, currency: "USD" },
        { id: eur, title: "Credit note", stageId, valueMinor: -250_00, currency: "EUR" },
        { id: unpriced, title: "Barter", stageId, valueMinor: null, currency: "JPY" },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(res.body.data.totals).toEqual({
      USD: { count: 2, valueMinor: 3000_00 },
      EUR: { count: 1, valueMinor: -250_00 },
      JPY: { count: 1, valueMinor: 0 },
    });
  });
});

describe("list", () => {
  let owner: TestUser;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    owner = await signUp("sponsor-list");
    for (const name of ["Delta", "alpha", "Charlie", "Bravo", "Same", "Same", "Same", "Echo"]) {
      const created = await sponsor(owner, { name });
      ids[`${name}-${created.id}`] = created.id;
    }
  });

  const list = (query = "") => api(`/api/sponsors${query}`, as(owner));

  async function allPages(query: string, between?: () => Promise<void>) {
    const seen: { id: string; name: string }[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res = await list(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      seen.push(...res.body.data.items);
      cursor = res.body.data.nextCursor;
      if (!cursor) return seen;
      await between?.();
    }
    throw new Error("pagination did not end");
  }

  it("orders by name then id, in keyset pages without repeats or gaps", async () => {
    const whole = await list("?limit=100");
    expect(whole.body.data.nextCursor).toBeNull();
    const names = whole.body.data.items.map((item: { name: string }) => item.name);
    // Byte order of the name (the index order): capitals before lower case.
    expect(names).toEqual(["Bravo", "Charlie", "Delta", "Echo", "Same", "Same", "Same", "alpha"]);
    const sames = whole.body.data.items.filter((item: { name: string }) => item.name === "Same");
    expect(sames.map((item: { id: string }) => item.id)).toEqual(
      sames.map((item: { id: string }) => item.id).sort(),
    );

    for (const limit of [1, 2, 3]) {
      const paged = await allPages(`?limit=${limit}`);
      expect(paged.map((item) => item.id)).toEqual(
        whole.body.data.items.map((item: { id: string }) => item.id),
      );
    }
  });

  it("a sponsor added while paging appears once if after the cursor, never as a repeat", async () => {
    const extra = await signUp("sponsor-list-live");
    for (const name of ["B", "D", "F", "H"]) await sponsor(extra, { name });
    const seen: string[] = [];
    let cursor: string | null = null;
    let added = false;
    for (let page = 0; page < 20; page++) {
      const res: ApiResult = await api(
        `/api/sponsors?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        as(extra),
      );
      seen.push(...res.body.data.items.map((item: { name: string }) => item.name));
      cursor = res.body.data.nextCursor;
      if (!cursor) break;
      if (!added) {
        await sponsor(extra, { name: "A" }); // before the cursor: not seen on this pass
        await sponsor(extra, { name: "G" }); // after it: seen once
        added = true;
      }
    }
    expect(seen).toEqual(["B", "D", "F", "G", "H"]);
  });

  it("searches name, domain and contact addresses; LIKE wildcards are literal", async () => {
    const searcher = await signUp("sponsor-search");
    const brandDomain = domain("acoustica");
    const byName = await sponsor(searcher, { name: "Maison Verte" });
    const byDomain = await sponsor(searcher, { name: "Acoustica", domain: brandDomain });
    const byContact = await sponsor(searcher, {
      name: "Quiet Co",
      contacts: [{ email: "jules@verte-partners.example" }],
    });
    const percent = await sponsor(searcher, { name: "100% Juice" });
    const search = async (q: string) => {
      const res = await api(`/api/sponsors?q=${encodeURIComponent(q)}`, as(searcher));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data.items.map((item: { id: string }) => item.id).sort();
    };
    expect(await search("verte")).toEqual([byName.id, byContact.id].sort());
    expect(await search(brandDomain.slice(0, 12))).toEqual([byDomain.id]);
    expect(await search("JULES@")).toEqual([byContact.id]);
    expect(await search("0%")).toEqual([percent.id]);
    expect(await search("_")).toEqual([]);
  });

  it("leaves deleted sponsors out", async () => {
    const keeper = await signUp("sponsor-list-deleted");
    const gone = await sponsor(keeper, { name: "Gone" });
    const kept = await sponsor(keeper, { name: "Kept" });
    await remove(keeper, gone.id);
    const res = await api("/api/sponsors", as(keeper));
    expect(res.body.data.items.map((item: { id: string }) => item.id)).toEqual([kept.id]);
  });

  it.each([
    ["garbage", "%%%"],
    ["no id", btoa("|Name")],
    ["no name", btoa("spn_x|")],
    ["not UTF-8", btoa("\xff\xfe|x")],
    ["over 1,000 characters", "A".repeat(1001)],
  ])("refuses a cursor that is %s with 400 naming cursor", async (_, cursor) => {
    expectError(
      await list(`?cursor=${encodeURIComponent(cursor)}`),
      400,
      "VALIDATION_ERROR",
      "cursor",
    );
  });

  it("pages through names of 200 characters (the cursor carries the name)", async () => {
    const longNames = await signUp("sponsor-long-names");
    const name = (char: string) => `${char}${"é".repeat(199)}`;
    for (const char of ["a", "b", "c"]) await sponsor(longNames, { name: name(char) });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResult = await api(
        `/api/sponsors?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        as(longNames),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      seen.push(res.body.data.items[0].name);
      cursor = res.body.data.nextCursor;
    } while (cursor);
    expect(seen).toEqual([name("a"), name("b"), name("c")]);
  });
});

describe("delete and restore", () => {
  it("refuses to delete a sponsor with live deals, naming how many; deleted deals do not count", async () => {
    const owner = await signUp("sponsor-delete-deals");
    const brand = await sponsor(owner, { name: "Northwind" });
    const dealIds = [
      await insertDeal(owner, brand.id),
      await insertDeal(owner, brand.id, { currency: "EUR" }),
      await insertDeal(owner, brand.id),
    ];
    await insertDeal(owner, brand.id, { deletedAt: Date.now() - DAY });
    const before = await sponsorRow(brand.id);

    const refused = await remove(owner, brand.id);
    expectError(refused, 409, "CONFLICT");
    expect(refused.body.error.message).toBe(
      "Northwind has 3 deals. Move or delete its 3 deals first.",
    );
    expect(refused.body.error.details).toEqual({ deals: 3 });
    expect(await sponsorRow(brand.id)).toEqual(before);

    await env.DB.prepare("UPDATE deals SET deleted_at = ? WHERE id IN (?, ?)")
      .bind(Date.now(), dealIds[0], dealIds[1])
      .run();
    const single = await remove(owner, brand.id);
    expectError(single, 409, "CONFLICT");
    expect(single.body.error.message).toBe(
      "Northwind has 1 deal. Move or delete its 1 deal first.",
    );

    await env.DB.prepare("UPDATE deals SET sponsor_id = NULL WHERE id = ?").bind(dealIds[2]).run();
    const deleted = await remove(owner, brand.id);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(deleted.body.data).toEqual({
      id: brand.id,
      deletedAt: expect.stringMatching(ISO_UTC),
      restoreUntil: expect.stringMatching(ISO_UTC),
    });
    expect(
      Date.parse(deleted.body.data.restoreUntil) - Date.parse(deleted.body.data.deletedAt),
    ).toBe(30 * DAY);
    expectError(await get(owner, brand.id), 404, "NOT_FOUND");
    expectError(await put(owner, brand.id, { name: "Ghost" }), 404, "NOT_FOUND");
    expectError(await remove(owner, brand.id), 404, "NOT_FOUND");
  });

  it("restores within 30 days, not after, and only a deleted sponsor", async () => {
    const owner = await signUp("sponsor-restore");
    const recent = await sponsor(owner, { name: "Recent", domain: domain("recent") });
    const old = await sponsor(owner, { name: "Old" });
    const live = await sponsor(owner, { name: "Live" });
    await remove(owner, recent.id);
    await remove(owner, old.id);
    await env.DB.prepare("UPDATE sponsors SET deleted_at = ? WHERE id = ?")
      .bind(Date.now() - 29 * DAY, recent.id)
      .run();
    await env.DB.prepare("UPDATE sponsors SET deleted_at = ? WHERE id = ?")
      .bind(Date.now() - 31 * DAY, old.id)
      .run();

    const restored = await restore(owner, recent.id);
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body.data).toMatchObject({
      id: recent.id,
      name: "Recent",
      domain: recent.domain,
    });
    expect((await get(owner, recent.id)).status).toBe(200);

    expectError(await restore(owner, old.id), 400, "RESTORE_WINDOW_PASSED");
    expect(await sponsorRow(old.id)).toMatchObject({ deleted_at: expect.any(Number) });
    expectError(await restore(owner, live.id), 404, "NOT_FOUND");
    expectError(await restore(owner, "spn_doesNotExist"), 404, "NOT_FOUND");
  });
});

describe("merge", () => {
  it("moves deals (deleted ones too) and contacts to the target in one step; the source is gone", async () => {
    const owner = await signUp("sponsor-merge");
    const sourceDomain = domain("lumina-old");
    const target = await sponsor(owner, {
      name: "Lumina",
      contacts: [
        { email: "ana@lumina.example", role: "Brand manager" },
        { email: "kim@agency.example", name: "Kim" },
      ],
      notes: "Target notes",
    });
    const source = await sponsor(owner, {
      name: "Lumina Inc",
      domain: sourceDomain,
      contacts: [
        { email: "ANA@lumina.example", name: "Ana" },
        { email: "kim@agency.example", agency: true },
        { email: "lee@lumina.example" },
      ],
      notes: "Source notes",
    });
    const bystander = await sponsor(owner, { name: "Bystander" });
    const targetDeal = await insertDeal(owner, target.id, { valueMinor: 100_00 });
    const moved = [
      await insertDeal(owner, source.id, { valueMinor: 200_00 }),
      await insertDeal(owner, source.id, { valueMinor: -50_00, currency: "EUR" }),
    ];
    const movedDeleted = await insertDeal(owner, source.id, { deletedAt: Date.now() });
    const untouched = await insertDeal(owner, bystander.id);

    const res = await merge(owner, target.id, source.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      id: target.id,
      name: "Lumina",
      domain: sourceDomain,
      contacts: [
        { name: "Ana", email: "ana@lumina.example", role: "Brand manager", agency: false },
        { name: "Kim", email: "kim@agency.example", agency: true },
        { email: "lee@lumina.example", agency: false },
      ],
      notes: "Target notes\n\nSource notes",
      totals: { USD: { count: 2, valueMinor: 300_00 }, EUR: { count: 1, valueMinor: -50_00 } },
    });
    expect(res.body.data.deals.map((deal: { id: string }) => deal.id).sort()).toEqual(
      [targetDeal, ...moved].sort(),
    );
    expect(await dealSponsors([targetDeal, ...moved, movedDeleted, untouched])).toEqual({
      [targetDeal]: target.id,
      [moved[0] as string]: target.id,
      [moved[1] as string]: target.id,
      [movedDeleted]: target.id,
      [untouched]: bystander.id,
    });
    expectError(await get(owner, source.id), 404, "NOT_FOUND");
    expectError(await merge(owner, target.id, source.id), 404, "NOT_FOUND");
    const listed = await api("/api/sponsors", as(owner));
    expect(listed.body.data.items.map((item: { id: string }) => item.id).sort()).toEqual(
      [target.id, bystander.id].sort(),
    );
  });

  it("is all or nothing: a failing step leaves every row as it was", async () => {
    const owner = await signUp("sponsor-merge-atomic");
    const target = await sponsor(owner, { name: "Target", contacts: [{ email: "a@t.example" }] });
    const source = await sponsor(owner, { name: "Source", contacts: [{ email: "b@s.example" }] });
    const deal = await insertDeal(owner, source.id);
    const before = { target: await sponsorRow(target.id), source: await sponsorRow(source.id) };
    // The target's update, the batch's last statement, fails.
    const trigger = `fail_merge_${target.id.replace(/\W/g, "_")}`;
    await env.DB.prepare(
      `CREATE TRIGGER ${trigger} BEFORE UPDATE ON sponsors WHEN OLD.id = '${target.id}'
       BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
    ).run();
    try {
      const res = await merge(owner, target.id, source.id);
      expect(res.status).toBe(500);
    } finally {
      await env.DB.prepare(`DROP TRIGGER ${trigger}`).run();
    }
    expect(await dealSponsors([deal])).toEqual({ [deal]: source.id });
    expect({ target: await sponsorRow(target.id), source: await sponsorRow(source.id) }).toEqual(
      before,
    );
  });

  it("refuses to merge a sponsor into itself (400) and unknown or deleted sources (404)", async () => {
    const owner = await signUp("sponsor-merge-refused");
    const target = await sponsor(owner, { name: "Target" });
    const deleted = await sponsor(owner, { name: "Deleted" });
    await remove(owner, deleted.id);
    expectError(await merge(owner, target.id, target.id), 400, "VALIDATION_ERROR", "sourceId");
    expectError(await merge(owner, target.id, "spn_doesNotExist"), 404, "NOT_FOUND");
    expectError(await merge(owner, target.id, deleted.id), 404, "NOT_FOUND");
    expectError(await merge(owner, deleted.id, target.id), 404, "NOT_FOUND");
    expectError(
      await api(`/api/sponsors/${target.id}/merge`, as(owner, { body: {} })),
      400,
      "VALIDATION_ERROR",
      "sourceId",
    );
    expect(await sponsorRow(target.id)).toMatchObject({ deleted_at: null });
  });
});

describe("matching an email to its sponsor", () => {
  let owner: TestUser;
  const s: Record<string, { id: string; name: string }> = {};
  let northwindDomain: string;
  let agencyDomain: string;

  const match = async (email: string, brandHint?: string, user = owner) => {
    const ctx = await loadWorkspaceContext(createDb(env.DB), env, user.workspaceId, user.userId);
    if (!ctx) throw new Error("no workspace");
    const found = await findSponsorForEmail(ctx, { email, name: "Anyone At All", brandHint });
    return found.sponsor
      ? { name: found.sponsor.name, matchedBy: found.matchedBy }
      : { sponsor: null, reason: found.reason };
  };

  beforeAll(async () => {
    owner = await signUp("sponsor-match");
    northwindDomain = domain("northwind");
    agencyDomain = domain("bigagency");
    const make = async (key: string, body: Record<string, unknown>) => {
      s[key] = await sponsor(owner, body);
    };
    await make("northwind", {
      name: "Northwind",
      domain: northwindDomain,
      contacts: [{ email: `sarah@${northwindDomain}` }],
    });
    await make("alphaGmail", {
      name: "Alpha Drinks",
      contacts: [{ email: "alpha.brand@gmail.com" }],
    });
    await make("betaGmail", { name: "Beta Games", contacts: [{ email: "beta.brand@gmail.com" }] });
    await make("lumina", {
      name: "Lumina",
      domain: domain("lumina"),
      contacts: [{ email: `kim@${agencyDomain}`, agency: true }],
    });
    await make("solymar", {
      name: "Sol y Mar",
      contacts: [{ email: `kim@${agencyDomain}`, agency: true }],
    });
    await make("etoile", { name: "Étoile Café" });
    // A sponsor made for the agency itself before it was known as one: never matched by domain.
    await make("agencyItself", { name: "Big Agency", domain: agencyDomain });
    await make("freelanceAgent", {
      name: "Kaffeewerk",
      contacts: [{ email: "agent.kai@outlook.com", agency: true }],
    });
    await make("deleted", { name: "Deleted brand", domain: domain("deleted") });
    await remove(owner, s.deleted?.id as string);
  });

  it("matches a company address by the sponsor's domain (and its subdomains)", async () => {
    expect(await match(`new.person@${northwindDomain}`)).toEqual({
      name: "Northwind",
      matchedBy: "domain",
    });
    expect(await match(`Someone@News.${northwindDomain.toUpperCase()}`)).toEqual({
      name: "Northwind",
      matchedBy: "domain",
    });
    expect(await match(`sarah@${northwindDomain}`)).toEqual({
      name: "Northwind",
      matchedBy: "address",
    });
  });

  it("keeps two brands writing from gmail.com apart: by full address, never by domain", async () => {
    expect(await match("alpha.brand@gmail.com")).toEqual({
      name: "Alpha Drinks",
      matchedBy: "address",
    });
    expect(await match("Beta.Brand@Gmail.com")).toEqual({
      name: "Beta Games",
      matchedBy: "address",
    });
    expect(await match("someone.else@gmail.com")).toEqual({ sponsor: null, reason: "free-mail" });
    expect(await match("someone@hotmail.co.uk")).toEqual({ sponsor: null, reason: "free-mail" });
    // A brand named in a free-mail email is no evidence: anyone can claim to be Northwind.
    expect(await match("northwind.deals@gmail.com", "Northwind")).toEqual({
      sponsor: null,
      reason: "free-mail",
    });
  });

  it("matches an agency's email by the brand it names, or asks", async () => {
    const kim = `kim@${agencyDomain}`;
    expect(await match(kim)).toEqual({ sponsor: null, reason: "agency" });
    expect(await match(kim, "lumina")).toEqual({ name: "Lumina", matchedBy: "agency-brand" });
    expect(await match(kim, "  SOL Y MAR ")).toEqual({
      name: "Sol y Mar",
      matchedBy: "agency-brand",
    });
    expect(await match(kim, "ÉTOILE CAFÉ")).toEqual({
      name: "Étoile Café",
      matchedBy: "agency-brand",
    });
    expect(await match(kim, "Unknown Brand")).toEqual({ sponsor: null, reason: "agency" });
    expect(await match(kim, "Deleted brand")).toEqual({ sponsor: null, reason: "agency" });
    // A colleague at the agency is the agency too, even though a sponsor has its domain.
    expect(await match(`lee@${agencyDomain}`)).toEqual({ sponsor: null, reason: "agency" });
    expect(await match(`lee@${agencyDomain}`, "Lumina")).toEqual({
      name: "Lumina",
      matchedBy: "agency-brand",
    });
    // An agent writing from free mail: the address is the agency, its domain says nothing.
    expect(await match("agent.kai@outlook.com")).toEqual({ sponsor: null, reason: "agency" });
    expect(await match("agent.kai@outlook.com", "Kaffeewerk")).toEqual({
      name: "Kaffeewerk",
      matchedBy: "agency-brand",
    });
    expect(await match("other.agent@outlook.com", "Kaffeewerk")).toEqual({
      sponsor: null,
      reason: "free-mail",
    });
  });

  it("answers unknown for a domain no sponsor has, a deleted sponsor's, or another workspace's", async () => {
    expect(await match("hello@unknown-brand.example")).toEqual({
      sponsor: null,
      reason: "unknown",
    });
    expect(await match(`x@${domain("deleted")}`)).toEqual({ sponsor: null, reason: "unknown" });
    const stranger = await signUp("sponsor-match-stranger");
    expect(await match(`sarah@${northwindDomain}`, undefined, stranger)).toEqual({
      sponsor: null,
      reason: "unknown",
    });
    expect(await match("alpha.brand@gmail.com", undefined, stranger)).toEqual({
      sponsor: null,
      reason: "free-mail",
    });
  });
});

describe("CSV export", () => {
  it("exports every live sponsor with deal counts and totals per currency, safe for spreadsheets", async () => {
    const owner = await signUp("sponsor-csv");
    const hostile = await sponsor(owner, {
      name: "=cmd|'/C calc'!A0",
      contacts: [{ email: "a@hostile.example" }, { email: "b@hostile.example" }],
      notes: "+SUM(A1)\nsecond line",
    });
    const plain = await sponsor(owner, { name: "Acme, Inc.", domain: "acme-csv.example" });
    const gone = await sponsor(owner, { name: "@Deleted" });
    await remove(owner, gone.id);
    await insertDeal(owner, hostile.id, { valueMinor: -250_00, currency: "USD" });
    await insertDeal(owner, hostile.id, { valueMinor: 1000, currency: "JPY" });
    await insertDeal(owner, hostile.id, { valueMinor: 5_00, deletedAt: Date.now() });
    await insertDeal(owner, plain.id, { valueMinor: 1234_56, currency: "EUR" });

    const res = await api("/api/sponsors/export.csv", as(owner));
    expect(res.status, String(res.body)).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="sponsors-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(String(res.body).split("\r\n")).toEqual([
      "name,domain,contact_emails,notes,deals,total_EUR,total_JPY,total_USD",
      "'=cmd|'/C calc'!A0,,a@hostile.example; b@hostile.example,\"'+SUM(A1)\nsecond line\",2,,1000,-250",
      '"Acme, Inc.",acme-csv.example,,,1,1234.56,,',
      "",
    ]);
  });

  it("answers the header alone for a workspace without sponsors", async () => {
    const owner = await signUp("sponsor-csv-empty");
    const res = await api("/api/sponsors/export.csv", as(owner));
    expect(res.status).toBe(200);
    expect(res.body).toBe("name,domain,contact_emails,notes,deals\r\n");
  });
});

describe("tenancy", () => {
  it("another workspace's sponsor is a 404 on every route, and its rows stay unchanged", async () => {
    const [victim, outsider] = await Promise.all([
      signUp("sponsor-victim"),
      signUp("sponsor-outsider"),
    ]);
    const theirs = await sponsor(victim, {
      name: "Victim brand",
      domain: domain("victim"),
      contacts: [{ email: "v@victim.example" }],
    });
    const theirDeleted = await sponsor(victim, { name: "Victim deleted" });
    await remove(victim, theirDeleted.id);
    const theirDeal = await insertDeal(victim, theirs.id);
    const mine = await sponsor(outsider, { name: "Outsider brand" });
    const snapshot = async () => ({
      sponsors: (
        await env.DB.prepare("SELECT * FROM sponsors WHERE workspace_id = ? ORDER BY id")
          .bind(victim.workspaceId)
          .all()
      ).results,
      deals: (
        await env.DB.prepare("SELECT * FROM deals WHERE workspace_id = ? ORDER BY id")
          .bind(victim.workspaceId)
          .all()
      ).results,
    });
    const before = await snapshot();

    expectError(await get(outsider, theirs.id), 404, "NOT_FOUND");
    expectError(await put(outsider, theirs.id, { name: "Hijacked" }), 404, "NOT_FOUND");
    expectError(await remove(outsider, theirs.id), 404, "NOT_FOUND");
    expectError(await restore(outsider, theirDeleted.id), 404, "NOT_FOUND");
    expectError(await merge(outsider, theirs.id, mine.id), 404, "NOT_FOUND");
    expectError(await merge(outsider, mine.id, theirs.id), 404, "NOT_FOUND");
    // The victim's workspace named in the header: not a member, so it does not exist.
    expectError(
      await api("/api/sponsors", { token: outsider.token, workspaceId: victim.workspaceId }),
      404,
      "NOT_FOUND",
    );
    expectError(
      await api("/api/sponsors/export.csv", {
        token: outsider.token,
        workspaceId: victim.workspaceId,
      }),
      404,
      "NOT_FOUND",
    );
    const listed = await api("/api/sponsors?q=Victim", as(outsider));
    expect(listed.body.data.items).toEqual([]);
    const exported = await api("/api/sponsors/export.csv", as(outsider));
    expect(String(exported.body)).not.toContain("Victim");

    expect(await snapshot()).toEqual(before);
    expect(await dealSponsors([theirDeal])).toEqual({ [theirDeal]: theirs.id });
    expect((await get(outsider, mine.id)).body.data.deals).toEqual([]);
  });
});
