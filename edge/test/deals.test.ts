/**
 * Deals through the real Worker and D1: creation with defaults and validation (400 with field
 * paths, never a 500 from a foreign key), reading and partial updates, stage changes and field
 * corrections recorded as activities, notes, soft delete and restore, the pipeline's stages
 * (rename, reorder, add, remove; refused with deals; members refused), every sort and filter
 * of the list paging without repeats or gaps, and tenant isolation.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_STAGES } from "../../shared/crm";
import {
  type ApiResult,
  addMember,
  api,
  as,
  type RequestOptions,
  signUp,
  type TestUser,
} from "./helpers";

const DAY = 24 * 60 * 60 * 1000;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PERSON = { source: "person", confidence: 1 };

interface StageView {
  id: string;
  name: string;
  kind: string;
  position: number;
}

function expectError(res: ApiResult, status: number, code: string, paths?: string[]) {
  expect({ status: res.status, code: res.body?.error?.code }, JSON.stringify(res.body)).toEqual({
    status,
    code,
  });
  expect(res.body.success).toBe(false);
  if (paths) {
    const named = (res.body.error.issues ?? []).map((issue: { path: string }) => issue.path);
    expect(named, JSON.stringify(res.body)).toEqual(expect.arrayContaining(paths));
  }
}

async function stagesOf(user: TestUser): Promise<StageView[]> {
  const res = await api("/api/deals/stages", as(user));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

async function stageNamed(user: TestUser, name: string): Promise<StageView> {
  const stage = (await stagesOf(user)).find((s) => s.name === name);
  if (!stage) throw new Error(`no stage ${name}`);
  return stage;
}

/** Creates a deal and returns its view; fails the test on anything but 201. */
async function deal(user: TestUser, body: Record<string, unknown>) {
  const res = await api("/api/deals", as(user, { body }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

const update = (user: TestUser, id: string, body: Record<string, unknown>) =>
  api(`/api/deals/${id}`, as(user, { method: "PUT", body }));

async function activities(user: TestUser, id: string, query = "") {
  const res = await api(`/api/deals/${id}/activities${query}`, as(user));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

async function dealRow(id: string) {
  return env.DB.prepare("SELECT * FROM deals WHERE id = ?").bind(id).first<Record<string, any>>();
}

async function workspaceRows(workspaceId: string) {
  const rows = async (table: string) =>
    (
      await env.DB.prepare(`SELECT * FROM ${table} WHERE workspace_id = ? ORDER BY id`)
        .bind(workspaceId)
        .all()
    ).results;
  return {
    deals: await rows("deals"),
    stages: await rows("deal_stages"),
    activities: await rows("deal_activities"),
  };
}

describe("create and read", () => {
  it("creates a deal in the first stage, in USD, owned by its creator, with person-set fields", async () => {
    const owner = await signUp("deal-create");
    const [lead] = await stagesOf(owner);
    const before = Date.now();
    const created = await deal(owner, {
      title: "  Desk lamp integration  ",
      valueMinor: 250_000,
      probability: 60,
      deliverables: [
        {
          id: "dlv_chosenByClient",
          platform: "youtube",
          kind: "60-second integrated read",
          draftDueAt: "2030-03-01T09:00:00+02:00",
        },
        { platform: "instagram", kind: "Story with link", done: true },
      ],
      usageRights: { term: "30 days", channels: ["youtube"] },
      exclusivity: { category: "Lighting", until: "2030-06-01T00:00:00Z" },
      id: "deal_chosenByClient",
      workspaceId: "ws_chosenByClient",
      source: "email",
      fieldSources: { title: { source: "ai", confidence: 0.1 } },
    });
    expect(created).toMatchObject({
      title: "Desk lamp integration",
      stageId: lead?.id,
      currency: "USD",
      valueMinor: 250_000,
      probability: 60,
      ownerId: owner.userId,
      sponsorId: null,
      source: "manual",
      sourceMessageId: null,
      usageRights: { term: "30 days", channels: ["youtube"], paidUsage: false },
      exclusivity: { category: "Lighting", until: "2030-06-01T00:00:00.000Z" },
      expectedCloseAt: null,
      stale: false,
    });
    expect(created.id).toMatch(/^deal_/);
    expect(created.id).not.toBe("deal_chosenByClient");
    expect(created.deliverables).toHaveLength(2);
    expect(created.deliverables[0]).toMatchObject({
      platform: "youtube",
      draftDueAt: "2030-03-01T07:00:00.000Z",
      approvedAt: null,
      done: false,
      contentId: null,
    });
    expect(created.deliverables[1]).toMatchObject({ platform: "instagram", done: true });
    for (const deliverable of created.deliverables) {
      expect(deliverable.id).toMatch(/^dlv_/);
      expect(deliverable.id).not.toBe("dlv_chosenByClient");
    }
    // Exactly the fields the person gave are theirs.
    expect(created.fieldSources).toEqual({
      title: PERSON,
      valueMinor: PERSON,
      probability: PERSON,
      deliverables: PERSON,
      usageRights: PERSON,
      exclusivity: PERSON,
    });
    for (const field of ["createdAt", "updatedAt", "lastActivityAt"]) {
      expect(created[field]).toMatch(ISO_UTC);
      expect(Date.parse(created[field])).toBeGreaterThanOrEqual(before - 1000);
    }

    const row = await dealRow(created.id);
    expect(row).toMatchObject({
      workspace_id: owner.workspaceId,
      stage_id: lead?.id,
      created_by: owner.userId,
      deleted_at: null,
    });
    expect(typeof row?.last_activity_at).toBe("number");
    const stored = JSON.parse(row?.deliverables);
    expect(stored[0].draftDueAt).toBe(Date.parse("2030-03-01T07:00:00Z"));
    // Recording nothing: a deal starts with an empty timeline.
    expect((await activities(owner, created.id)).items).toEqual([]);

    const got = await api(`/api/deals/${created.id}`, as(owner));
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(created);
  });

  it("takes the stage, currency (any case) and owner it is given", async () => {
    const owner = await signUp("deal-create-given");
    const member = await signUp("deal-create-member");
    await addMember(owner, owner.workspaceId, member, "member");
    const negotiating = await stageNamed(owner, "Negotiating");
    const created = await deal(owner, {
      title: "Podcast read",
      stageId: negotiating.id,
      currency: "eur",
      valueMinor: -250,
      ownerId: member.userId,
    });
    expect(created).toMatchObject({
      stageId: negotiating.id,
      currency: "EUR",
      valueMinor: -250,
      ownerId: member.userId,
    });
    const unowned = await deal(owner, { title: "Nobody's yet", ownerId: null });
    expect(unowned.ownerId).toBeNull();
  });

  it.each([
    ["a currency that is no ISO 4217 code", { currency: "usd1" }, "currency"],
    ["an unknown three-letter currency", { currency: "ABC" }, "currency"],
    ["a probability over 100", { probability: 101 }, "probability"],
    ["a negative probability", { probability: -1 }, "probability"],
    ["a fractional value", { valueMinor: 10.5 }, "valueMinor"],
    ["a value as text", { valueMinor: "2500" }, "valueMinor"],
    ["no title", { title: undefined }, "title"],
    ["a blank title", { title: "   " }, "title"],
    ["a time without offset", { expectedCloseAt: "2030-01-01T10:00:00" }, "expectedCloseAt"],
    [
      "an unknown platform",
      { deliverables: [{ platform: "myspace", kind: "Post" }] },
      "deliverables.0.platform",
    ],
    ["payment terms over a year", { paymentTermsDays: 400 }, "paymentTermsDays"],
  ])("refuses %s with 400 naming the field", async (_, fields, path) => {
    const owner = await signUpOnce();
    const res = await api("/api/deals", as(owner, { body: { title: "Valid title", ...fields } }));
    expectError(res, 400, "VALIDATION_ERROR", [path]);
  });

  it("refuses a stage, sponsor, owner or content item of another workspace with 400, never a 500", async () => {
    const [owner, other] = await Promise.all([signUp("deal-refs"), signUp("deal-refs-other")]);
    const [otherStage] = await stagesOf(other);
    await env.DB.prepare(
      "INSERT INTO sponsors (id, workspace_id, name) VALUES (?, ?, 'Other brand')",
    )
      .bind(`spn_other_${other.userId}`, other.workspaceId)
      .run();
    const otherContent = await api("/api/content", as(other, { body: { title: "Their video" } }));
    expect(otherContent.status).toBe(201);

    const res = await api(
      "/api/deals",
      as(owner, {
        body: {
          title: "Borrowed references",
          stageId: otherStage?.id,
          sponsorId: `spn_other_${other.userId}`,
          ownerId: other.userId,
          deliverables: [
            { platform: "youtube", kind: "Video", contentId: otherContent.body.data.id },
          ],
        },
      }),
    );
    expectError(res, 400, "VALIDATION_ERROR", [
      "stageId",
      "sponsorId",
      "ownerId",
      "deliverables.0.contentId",
    ]);
    // Ids that exist nowhere are refused the same way.
    for (const field of ["stageId", "sponsorId", "ownerId"]) {
      const missing = await api(
        "/api/deals",
        as(owner, { body: { title: "Missing reference", [field]: "xyz_doesNotExist" } }),
      );
      expectError(missing, 400, "VALIDATION_ERROR", [field]);
    }
    expect((await workspaceRows(owner.workspaceId)).deals).toEqual([]);

    const mine = await deal(owner, { title: "Mine" });
    for (const [field, value] of [
      ["stageId", otherStage?.id],
      ["sponsorId", `spn_other_${other.userId}`],
      ["ownerId", other.userId],
    ] as const) {
      expectError(await update(owner, mine.id, { [field]: value }), 400, "VALIDATION_ERROR", [
        field,
      ]);
    }
    expect(await dealRow(mine.id)).toMatchObject({ sponsor_id: null, owner_id: owner.userId });
  });

  it("links a sponsor and content item of the same workspace", async () => {
    const owner = await signUp("deal-links");
    const sponsorId = `spn_mine_${owner.userId}`;
    await env.DB.prepare("INSERT INTO sponsors (id, workspace_id, name) VALUES (?, ?, 'Lumen')")
      .bind(sponsorId, owner.workspaceId)
      .run();
    const content = await api("/api/content", as(owner, { body: { title: "Lamp review" } }));
    const created = await deal(owner, {
      title: "Lumen lamp",
      sponsorId,
      deliverables: [{ platform: "youtube", kind: "Review", contentId: content.body.data.id }],
    });
    expect(created.sponsorId).toBe(sponsorId);
    expect(created.deliverables[0].contentId).toBe(content.body.data.id);
  });
});

let sharedUser: Promise<TestUser> | undefined;
/** One user for the validation cases (they never write). */
const signUpOnce = () => {
  sharedUser ??= signUp("deal-validation");
  return sharedUser;
};

describe("update", () => {
  it("changes only the fields given, merges nested terms and keeps deliverable ids", async () => {
    const owner = await signUp("deal-update");
    const created = await deal(owner, {
      title: "Original",
      valueMinor: 100_000,
      usageRights: { term: "30 days", channels: ["youtube"], paidUsage: true },
      deliverables: [
        { platform: "youtube", kind: "Video", draftDueAt: "2030-01-10T00:00:00Z" },
        { platform: "x", kind: "Post" },
      ],
    });
    const [video, post] = created.deliverables;
    const res = await update(owner, created.id, {
      probability: 80,
      usageRights: { term: "90 days" },
      deliverables: [
        { id: video.id, platform: "youtube", kind: "Video", done: true },
        { id: "dlv_madeUp", platform: "tiktok", kind: "Short" },
      ],
      expectedCloseAt: "2030-02-01T00:00:00+01:00",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const updated = res.body.data;
    expect(updated).toMatchObject({
      title: "Original",
      valueMinor: 100_000,
      probability: 80,
      usageRights: { term: "90 days", channels: ["youtube"], paidUsage: true },
      expectedCloseAt: "2030-01-31T23:00:00.000Z",
    });
    expect(updated.deliverables[0]).toMatchObject({
      id: video.id,
      done: true,
      // Left out of the edit, so kept.
      draftDueAt: "2030-01-10T00:00:00.000Z",
    });
    expect(updated.deliverables[1].id).not.toBe("dlv_madeUp");
    expect(updated.deliverables[1].id).not.toBe(post.id);
    expect(updated.deliverables).toHaveLength(2);
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    expect(updated.fieldSources).toMatchObject({
      probability: PERSON,
      usageRights: PERSON,
      expectedCloseAt: PERSON,
    });
    // Clearing with null.
    const cleared = await update(owner, created.id, { expectedCloseAt: null, probability: null });
    expect(cleared.body.data).toMatchObject({ expectedCloseAt: null, probability: null });
  });

  it("refuses an empty change, a bad value and an unknown deal", async () => {
    const owner = await signUp("deal-update-bad");
    const created = await deal(owner, { title: "Kept" });
    expectError(await update(owner, created.id, {}), 400, "VALIDATION_ERROR", ["(root)"]);
    expectError(await update(owner, created.id, { probability: 101 }), 400, "VALIDATION_ERROR", [
      "probability",
    ]);
    expectError(await update(owner, created.id, { currency: "usd1" }), 400, "VALIDATION_ERROR", [
      "currency",
    ]);
    expectError(await update(owner, "deal_doesNotExist", { title: "x" }), 404, "NOT_FOUND");
    expect((await api(`/api/deals/${created.id}`, as(owner))).body.data.title).toBe("Kept");
  });

  it("records a stage change with both stages' ids and names, once", async () => {
    const owner = await signUp("deal-stage-change");
    const stages = await stagesOf(owner);
    const [lead, contacted] = stages;
    const created = await deal(owner, { title: "Moving deal" });
    // Pretend the deal went quiet a month ago.
    await env.DB.prepare("UPDATE deals SET last_activity_at = ? WHERE id = ?")
      .bind(Date.now() - 30 * DAY, created.id)
      .run();
    expect((await api(`/api/deals/${created.id}`, as(owner))).body.data.stale).toBe(true);

    const res = await update(owner, created.id, { stageId: contacted?.id });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ stageId: contacted?.id, stale: false });
    expect(Date.now() - Date.parse(res.body.data.lastActivityAt)).toBeLessThan(60_000);

    // The same stage again changes nothing and records nothing.
    expect((await update(owner, created.id, { stageId: contacted?.id })).status).toBe(200);
    const { items } = await activities(owner, created.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      dealId: created.id,
      kind: "stage_change",
      actorId: owner.userId,
      body: "Lead → Contacted",
      metadata: {
        fromStageId: lead?.id,
        fromStageName: "Lead",
        fromKind: "open",
        toStageId: contacted?.id,
        toStageName: "Contacted",
        toKind: "open",
      },
    });
    expect(items[0].createdAt).toMatch(ISO_UTC);
    expect((await dealRow(created.id))?.stage_id).toBe(contacted?.id);
  });

  it("a correction of an extracted field becomes the person's and records field_corrected", async () => {
    const owner = await signUp("deal-correction");
    const created = await deal(owner, { title: "Captured deal" });
    // As the email capture leaves it: value and terms read by the AI and the heuristic.
    await env.DB.prepare(
      "UPDATE deals SET value_minor = 200000, payment_terms_days = 30, field_sources = ? WHERE id = ?",
    )
      .bind(
        JSON.stringify({
          title: PERSON,
          valueMinor: { source: "ai", confidence: 0.7 },
          paymentTermsDays: { source: "heuristic", confidence: 0.9 },
        }),
        created.id,
      )
      .run();

    const res = await update(owner, created.id, {
      valueMinor: 250_000,
      // Confirming the heuristic's value is no correction: it stays the heuristic's.
      paymentTermsDays: 30,
      title: "Captured deal, renamed",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.fieldSources).toEqual({
      title: PERSON,
      valueMinor: PERSON,
      paymentTermsDays: { source: "heuristic", confidence: 0.9 },
    });
    const { items } = await activities(owner, created.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: "field_corrected",
      actorId: owner.userId,
      metadata: {
        field: "valueMinor",
        previousSource: "ai",
        previousConfidence: 0.7,
        from: 200000,
        to: 250000,
      },
    });
  });
});

describe("activities", () => {
  it("adds notes (201, who and when) and lists them newest first in keyset pages", async () => {
    const owner = await signUp("deal-notes");
    const member = await signUp("deal-notes-member");
    await addMember(owner, owner.workspaceId, member, "member");
    const created = await deal(owner, { title: "Noted deal" });
    const added: string[] = [];
    for (let n = 1; n <= 5; n++) {
      const author = n % 2 ? owner : member;
      const res = await api(
        `/api/deals/${created.id}/activities`,
        as(author, { workspaceId: owner.workspaceId, body: { body: `  Note ${n}  ` } }),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.data).toMatchObject({
        dealId: created.id,
        kind: "note",
        body: `Note ${n}`,
        metadata: null,
        actorId: author.userId,
      });
      expect(res.body.data.id).toMatch(/^act_/);
      added.push(res.body.data.id);
    }
    const first = await activities(owner, created.id, "?limit=2");
    expect(first.items).toHaveLength(2);
    const seen = [...first.items];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await activities(
        owner,
        created.id,
        `?limit=2&cursor=${encodeURIComponent(cursor)}`,
      );
      seen.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(seen.map((a: { id: string }) => a.id).sort()).toEqual([...added].sort());
    const times = seen.map((a: { createdAt: string }) => Date.parse(a.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(seen[0].body).toBe("Note 5");
    expect((await dealRow(created.id))?.last_activity_at).toBeGreaterThanOrEqual(
      Date.parse(seen[0].createdAt),
    );
  });

  it("refuses an empty note and a note on a missing or deleted deal", async () => {
    const owner = await signUp("deal-notes-bad");
    const created = await deal(owner, { title: "Quiet deal" });
    const note = (id: string, body: unknown) =>
      api(`/api/deals/${id}/activities`, as(owner, { body }));
    expectError(await note(created.id, { body: "   " }), 400, "VALIDATION_ERROR", ["body"]);
    expectError(await note(created.id, {}), 400, "VALIDATION_ERROR", ["body"]);
    expectError(await note("deal_missing", { body: "Hello" }), 404, "NOT_FOUND");
    await api(`/api/deals/${created.id}`, as(owner, { method: "DELETE" }));
    expectError(await note(created.id, { body: "Hello" }), 404, "NOT_FOUND");
    expectError(await api(`/api/deals/${created.id}/activities`, as(owner)), 404, "NOT_FOUND");
  });
});

describe("delete and restore", () => {
  it("deletes softly, hides the deal, and restores it within 30 days", async () => {
    const owner = await signUp("deal-delete");
    const created = await deal(owner, { title: "Deleted then back" });
    const deleted = await api(`/api/deals/${created.id}`, as(owner, { method: "DELETE" }));
    expect(deleted.status).toBe(200);
    expect(deleted.body.data.id).toBe(created.id);
    expect(
      Date.parse(deleted.body.data.restoreUntil) - Date.parse(deleted.body.data.deletedAt),
    ).toBe(30 * DAY);
    expectError(await api(`/api/deals/${created.id}`, as(owner)), 404, "NOT_FOUND");
    expectError(await update(owner, created.id, { title: "x" }), 404, "NOT_FOUND");
    expectError(
      await api(`/api/deals/${created.id}`, as(owner, { method: "DELETE" })),
      404,
      "NOT_FOUND",
    );
    expect((await api("/api/deals", as(owner))).body.data.items).toEqual([]);

    const restored = await api(`/api/deals/${created.id}/restore`, as(owner, { method: "POST" }));
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body.data).toMatchObject({ id: created.id, title: "Deleted then back" });
    expect((await api(`/api/deals/${created.id}`, as(owner))).status).toBe(200);
    // Only a deleted deal can be restored.
    expectError(
      await api(`/api/deals/${created.id}/restore`, as(owner, { method: "POST" })),
      404,
      "NOT_FOUND",
    );
  });

  it("refuses a restore after 30 days", async () => {
    const owner = await signUp("deal-restore-late");
    const created = await deal(owner, { title: "Too late" });
    await env.DB.prepare("UPDATE deals SET deleted_at = ? WHERE id = ?")
      .bind(Date.now() - 31 * DAY, created.id)
      .run();
    expectError(
      await api(`/api/deals/${created.id}/restore`, as(owner, { method: "POST" })),
      400,
      "RESTORE_WINDOW_PASSED",
    );
    expect((await dealRow(created.id))?.deleted_at).not.toBeNull();
  });

  it("refuses with 409 when its email was captured again since", async () => {
    const owner = await signUp("deal-restore-conflict");
    const first = await deal(owner, { title: "Captured first" });
    const second = await deal(owner, { title: "Captured again" });
    await env.DB.prepare(
      "UPDATE deals SET source = 'email', source_message_id = 'msg-42', deleted_at = ? WHERE id = ?",
    )
      .bind(Date.now() - DAY, first.id)
      .run();
    await env.DB.prepare(
      "UPDATE deals SET source = 'email', source_message_id = 'msg-42' WHERE id = ?",
    )
      .bind(second.id)
      .run();
    expectError(
      await api(`/api/deals/${first.id}/restore`, as(owner, { method: "POST" })),
      409,
      "CONFLICT",
    );
    expect((await dealRow(first.id))?.deleted_at).not.toBeNull();
  });
});

describe("stages", () => {
  const put = (user: TestUser, stages: unknown[], workspaceId = user.workspaceId) =>
    api("/api/deals/stages", as(user, { method: "PUT", workspaceId, body: { stages } }));
  const listed = (stages: StageView[]) => stages.map(({ id, name, kind }) => ({ id, name, kind }));

  it("starts every workspace with the default pipeline, in order", async () => {
    const owner = await signUp("stages-default");
    const stages = await stagesOf(owner);
    expect(stages.map(({ name, kind }) => ({ name, kind }))).toEqual(DEFAULT_STAGES);
    expect(stages.map((s) => s.position)).toEqual(stages.map((_, index) => index));
    for (const stage of stages) expect(stage.id).toMatch(/^stg_/);
  });

  it("renames, reorders, adds and removes stages in one PUT; deals keep their stage", async () => {
    const owner = await signUp("stages-edit");
    const stages = await stagesOf(owner);
    const [lead, contacted, negotiating] = stages;
    const held = await deal(owner, { title: "Stays in Lead", stageId: lead?.id });
    const next = [
      { ...listed([contacted as StageView])[0], name: "Reached out" },
      ...listed([lead as StageView]),
      { name: "Pitched", kind: "open" },
      ...listed(stages.slice(3)),
    ];
    const res = await put(owner, next);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const after = await stagesOf(owner);
    expect(res.body.data).toEqual(after);
    expect(after.map((s) => s.name)).toEqual([
      "Reached out",
      "Lead",
      "Pitched",
      "Contracted",
      "Delivering",
      "Delivered",
      "Invoiced",
      "Paid",
      "Lost",
    ]);
    expect(after.map((s) => s.position)).toEqual(after.map((_, index) => index));
    expect(after[0]?.id).toBe(contacted?.id);
    expect(after[1]?.id).toBe(lead?.id);
    expect(after[2]?.id).toMatch(/^stg_/);
    expect(after.some((s) => s.id === negotiating?.id)).toBe(false);
    expect((await api(`/api/deals/${held.id}`, as(owner))).body.data.stageId).toBe(lead?.id);
    // A new deal now starts in the new first stage.
    expect((await deal(owner, { title: "New lead" })).stageId).toBe(contacted?.id);
    // The change is in the audit log.
    const log = await api("/api/audit-log", { token: owner.token });
    expect(log.body.data.items[0]).toMatchObject({ action: "pipeline.updated" });
  });

  it("refuses to remove a stage that holds live deals, naming it and the count", async () => {
    const owner = await signUp("stages-remove-held");
    const stages = await stagesOf(owner);
    const negotiating = stages[2] as StageView;
    await deal(owner, { title: "One", stageId: negotiating.id });
    await deal(owner, { title: "Two", stageId: negotiating.id });
    const before = await workspaceRows(owner.workspaceId);
    const res = await put(owner, listed(stages.filter((s) => s.id !== negotiating.id)));
    expectError(res, 409, "CONFLICT");
    expect(res.body.error.message).toContain('"Negotiating" holds 2 deals');
    expect(res.body.error.details).toEqual({
      stages: [{ id: negotiating.id, name: "Negotiating", deals: 2 }],
    });
    expect(await workspaceRows(owner.workspaceId)).toEqual(before);
  });

  it("removes a stage whose only deals are deleted; they restore into a stage of the same kind", async () => {
    const owner = await signUp("stages-remove-deleted");
    const stages = await stagesOf(owner);
    const delivering = stages[4] as StageView;
    const gone = await deal(owner, { title: "Deleted deal", stageId: delivering.id });
    await api(`/api/deals/${gone.id}`, as(owner, { method: "DELETE" }));
    const res = await put(owner, listed(stages.filter((s) => s.id !== delivering.id)));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const restored = await api(`/api/deals/${gone.id}/restore`, as(owner, { method: "POST" }));
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    // The first remaining won stage.
    expect(restored.body.data.stageId).toBe(stages[3]?.id);
  });

  it.each([
    [
      "a kind left without a stage",
      (stages: StageView[]) => listed(stages.filter((s) => s.kind !== "lost")),
      ["stages"],
    ],
    [
      "two stages with the same name in another case",
      (stages: StageView[]) => [...listed(stages), { name: "LEAD", kind: "open" }],
      ["stages.9.name"],
    ],
    [
      "an id that is no stage of the pipeline",
      (stages: StageView[]) => [...listed(stages), { id: "stg_madeUp", name: "New", kind: "open" }],
      ["stages.9.id"],
    ],
    [
      "the same stage twice",
      (stages: StageView[]) => [
        ...listed(stages),
        { id: stages[0]?.id, name: "Lead again", kind: "open" },
      ],
      ["stages.9.id"],
    ],
    [
      "an unknown kind",
      (stages: StageView[]) => [...listed(stages), { name: "Maybe", kind: "maybe" }],
      ["stages.9.kind"],
    ],
    [
      "a blank name",
      (stages: StageView[]) => [...listed(stages), { name: "  ", kind: "open" }],
      ["stages.9.name"],
    ],
  ])("refuses %s with 400, changing nothing", async (_, make, paths) => {
    const owner = await signUp("stages-invalid");
    const stages = await stagesOf(owner);
    const res = await put(owner, make(stages));
    expectError(res, 400, "VALIDATION_ERROR", paths);
    expect(await stagesOf(owner)).toEqual(stages);
  });

  it("lets admins change the pipeline and refuses members with 403", async () => {
    const owner = await signUp("stages-roles");
    const [admin, member] = await Promise.all([signUp("stages-admin"), signUp("stages-member")]);
    await addMember(owner, owner.workspaceId, admin, "admin");
    await addMember(owner, owner.workspaceId, member, "member");
    const stages = await stagesOf(owner);
    const renamed = listed(stages).map((s, index) => (index === 0 ? { ...s, name: "Inbox" } : s));
    const refused = await put(member, renamed, owner.workspaceId);
    expectError(refused, 403, "FORBIDDEN");
    expect(await stagesOf(owner)).toEqual(stages);
    // Members still read the pipeline.
    expect(
      (await api("/api/deals/stages", as(member, { workspaceId: owner.workspaceId }))).status,
    ).toBe(200);
    const allowed = await put(admin, renamed, owner.workspaceId);
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
    expect(allowed.body.data[0].name).toBe("Inbox");
  });
});

describe("list", () => {
  const T = Date.UTC(2030, 0, 1);
  const COUNT = 120;
  let owner: TestUser;
  let member: TestUser;
  let stages: StageView[];
  const sponsorId = () => `spn_list_${owner.userId}`;

  interface Seeded {
    id: string;
    title: string;
    stageId: string;
    sponsorId: string | null;
    ownerId: string;
    currency: string;
    valueMinor: number | null;
    expectedCloseAt: number | null;
    createdAt: number;
    updatedAt: number;
    sourceMessageId: string | null;
    sourceThreadId: string | null;
  }
  const seeded: Seeded[] = [];

  beforeAll(async () => {
    owner = await signUp("deal-list");
    // Paging every sort and filter takes a few hundred requests: the team plan's rate allows
    // them (set before the workspace's first request, which fills its bucket to the plan's size).
    await env.DB.prepare("UPDATE workspaces SET plan = 'team' WHERE id = ?")
      .bind(owner.workspaceId)
      .run();
    member = await signUp("deal-list-member");
    await addMember(owner, owner.workspaceId, member, "member");
    stages = await stagesOf(owner);
    await env.DB.prepare("INSERT INTO sponsors (id, workspace_id, name) VALUES (?, ?, 'Lumen')")
      .bind(sponsorId(), owner.workspaceId)
      .run();
    for (let i = 0; i < COUNT; i++) {
      seeded.push({
        // A permutation of the insertion order, so ids break ties independently of it.
        id: `deal_${String((i * 37) % COUNT).padStart(3, "0")}_${owner.userId.slice(-6)}`,
        title: i % 6 === 0 ? `Podcast 100% read ${i}` : `Video ${i}`,
        stageId: (stages[i % 3] as StageView).id,
        sponsorId: i % 10 === 0 ? sponsorId() : null,
        ownerId: i % 2 ? owner.userId : member.userId,
        currency: i % 4 === 0 ? "EUR" : "USD",
        // Ties, zero, negative values and deals without a value.
        valueMinor: i % 9 === 0 ? null : ((i % 13) - 4) * 2500,
        expectedCloseAt: i % 5 === 0 ? null : T + (i % 17) * DAY,
        createdAt: T - Math.floor(i / 4) * 1000,
        updatedAt: T - (i % 40) * 1000,
        sourceMessageId: i % 30 === 1 ? `msg-${i}` : null,
        sourceThreadId: i % 30 === 1 || i % 30 === 2 ? "thread-7" : null,
      });
    }
    await env.DB.batch(
      seeded.map((d) =>
        env.DB.prepare(
          `INSERT INTO deals (id, workspace_id, sponsor_id, title, stage_id, value_minor, currency, expected_close_at, owner_id, source_message_id, source_thread_id, last_activity_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).bind(
          d.id,
          owner.workspaceId,
          d.sponsorId,
          d.title,
          d.stageId,
          d.valueMinor,
          d.currency,
          d.expectedCloseAt,
          d.ownerId,
          d.sourceMessageId,
          d.sourceThreadId,
          d.updatedAt,
          d.createdAt,
          d.updatedAt,
        ),
      ),
    );
    // A deleted deal never shows.
    await env.DB.prepare(
      "INSERT INTO deals (id, workspace_id, title, stage_id, deleted_at) VALUES (?, ?, 'Deleted', ?, ?)",
    )
      .bind(`deal_deleted_${owner.userId}`, owner.workspaceId, stages[0]?.id, T)
      .run();
  }, 30_000);

  /** Every page of `query`, as ids in page order. */
  async function allPages(query: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const res: ApiResult = await api(
        `/api/deals?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        as(owner),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      ids.push(...res.body.data.items.map((d: { id: string }) => d.id));
      cursor = res.body.data.nextCursor;
      if (!cursor) return ids;
    }
    throw new Error("paging did not end");
  }

  const KEY = {
    updated: (d: Seeded) => d.updatedAt,
    created: (d: Seeded) => d.createdAt,
    value: (d: Seeded) => d.valueMinor,
    expectedClose: (d: Seeded) => d.expectedCloseAt,
  } as const;

  /** The order the API promises: by key then id in the direction asked, no-key deals last by id. */
  function expected(deals: Seeded[], sort: keyof typeof KEY, order: "asc" | "desc") {
    const sign = order === "asc" ? 1 : -1;
    const byId = (a: Seeded, b: Seeded) => sign * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const keyed = deals.filter((d) => KEY[sort](d) !== null);
    const unkeyed = deals.filter((d) => KEY[sort](d) === null);
    keyed.sort(
      (a, b) => sign * ((KEY[sort](a) as number) - (KEY[sort](b) as number)) || byId(a, b),
    );
    unkeyed.sort(byId);
    return [...keyed, ...unkeyed].map((d) => d.id);
  }

  it.each([
    ["updated", "desc"],
    ["updated", "asc"],
    ["created", "desc"],
    ["created", "asc"],
    ["value", "desc"],
    ["value", "asc"],
    ["expectedClose", "desc"],
    ["expectedClose", "asc"],
  ] as const)("sort=%s order=%s pages through every deal once, in order", async (sort, order) => {
    const ids = await allPages(`sort=${sort}&order=${order}&limit=7`);
    expect(ids).toHaveLength(COUNT);
    expect(new Set(ids).size).toBe(COUNT);
    expect(ids).toEqual(expected(seeded, sort, order));
  });

  it("defaults to the most recently updated first, 50 a page, each deal with stale", async () => {
    const res = await api("/api/deals", as(owner));
    expect(res.status).toBe(200);
    expect(res.body.data.items).toHaveLength(50);
    expect(res.body.data.items.map((d: { id: string }) => d.id)).toEqual(
      expected(seeded, "updated", "desc").slice(0, 50),
    );
    // Seeded in 2030: no activity "for N days" yet.
    expect(res.body.data.items[0]).toMatchObject({ stale: false, currency: expect.any(String) });
  });

  it.each([
    ["stageId", () => `stageId=${stages[1]?.id}`, (d: Seeded) => d.stageId === stages[1]?.id],
    ["sponsorId", () => `sponsorId=${sponsorId()}`, (d: Seeded) => d.sponsorId === sponsorId()],
    ["ownerId", () => `ownerId=${member.userId}`, (d: Seeded) => d.ownerId === member.userId],
    ["currency (any case)", () => "currency=eur", (d: Seeded) => d.currency === "EUR"],
    [
      "sourceMessageId",
      () => "sourceMessageId=msg-31",
      (d: Seeded) => d.sourceMessageId === "msg-31",
    ],
    [
      "sourceThreadId",
      () => "sourceThreadId=thread-7",
      (d: Seeded) => d.sourceThreadId === "thread-7",
    ],
    ["q (title, % taken literally)", () => "q=100%25", (d: Seeded) => d.title.includes("100%")],
    [
      "closeFrom (inclusive) and closeTo (exclusive)",
      () =>
        `closeFrom=${new Date(T + 3 * DAY).toISOString()}&closeTo=${new Date(T + 6 * DAY).toISOString().slice(0, 10)}`,
      (d: Seeded) =>
        d.expectedCloseAt !== null &&
        d.expectedCloseAt >= T + 3 * DAY &&
        d.expectedCloseAt < T + 6 * DAY,
    ],
  ])("filters by %s, in every sort", async (_, query, keep) => {
    const wanted = seeded.filter(keep);
    expect(wanted.length).toBeGreaterThan(0);
    for (const sort of ["updated", "value", "expectedClose"] as const) {
      const ids = await allPages(`${query()}&sort=${sort}&order=asc&limit=4`);
      expect(ids).toEqual(expected(wanted, sort, "asc"));
    }
  });

  it("combines filters", async () => {
    const ids = await allPages(`currency=USD&ownerId=${owner.userId}&stageId=${stages[0]?.id}`);
    expect(ids).toEqual(
      expected(
        seeded.filter(
          (d) => d.currency === "USD" && d.ownerId === owner.userId && d.stageId === stages[0]?.id,
        ),
        "updated",
        "desc",
      ),
    );
  });

  it.each([
    ["sort=cheapest", "sort"],
    ["order=sideways", "order"],
    ["limit=101", "limit"],
    ["currency=usd1", "currency"],
    ["closeFrom=yesterday", "closeFrom"],
    ["closeFrom=2030-02-01&closeTo=2030-01-01", "closeFrom"],
    ["cursor=garbage", "cursor"],
  ])("refuses ?%s with 400 naming it", async (query, path) => {
    expectError(await api(`/api/deals?${query}`, as(owner)), 400, "VALIDATION_ERROR", [path]);
  });
});

describe("another tenant", () => {
  it("cannot read, change, delete, restore or annotate a deal; rows stay unchanged", async () => {
    const [victim, outsider] = await Promise.all([signUp("deal-victim"), signUp("deal-outsider")]);
    const live = await deal(victim, { title: "Private deal", valueMinor: 500_000 });
    const removed = await deal(victim, { title: "Deleted private deal" });
    await api(`/api/deals/${removed.id}`, as(victim, { method: "DELETE" }));
    await api(`/api/deals/${live.id}/activities`, as(victim, { body: { body: "Secret note" } }));
    const victimStages = await stagesOf(victim);
    const before = await workspaceRows(victim.workspaceId);

    const attempts: Array<[string, RequestOptions]> = [
      [`/api/deals/${live.id}`, {}],
      [`/api/deals/${live.id}`, { method: "PUT", body: { title: "Mine now" } }],
      [`/api/deals/${live.id}`, { method: "DELETE" }],
      [`/api/deals/${removed.id}/restore`, { method: "POST" }],
      [`/api/deals/${live.id}/activities`, {}],
      [`/api/deals/${live.id}/activities`, { body: { body: "Planted note" } }],
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
    // The victim's stages are not the outsider's to keep or move deals into.
    const outsiderStages = await stagesOf(outsider);
    const stolen = await api(
      "/api/deals/stages",
      as(outsider, {
        method: "PUT",
        body: {
          stages: [
            ...outsiderStages.map(({ id, name, kind }) => ({ id, name, kind })),
            { id: victimStages[0]?.id, name: "Borrowed", kind: "open" },
          ],
        },
      }),
    );
    expectError(stolen, 400, "VALIDATION_ERROR", ["stages.9.id"]);
    const list = await api("/api/deals", as(outsider));
    expect(list.body.data.items).toEqual([]);
    const csv = await api("/api/deals/export.csv", as(outsider));
    expect(csv.body).not.toContain("Private deal");
    expect(await workspaceRows(victim.workspaceId)).toEqual(before);
  });
});
