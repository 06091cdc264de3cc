/**
 * The pipeline's totals and the deals CSV export through the real Worker and D1: per stage
 * counts, values and probability-weighted values per currency (never summed across
 * currencies), booked, invoiced, paid and overdue-unpaid totals, stale deals per stage kind,
 * the D1 query count of the pipeline and of a page of deals, and a CSV that is safe to open in
 * a spreadsheet.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { countingD1, type RecordedStatement } from "../bench/counting-d1";
import { listDeals } from "../crm/deal-list";
import { pipelineTotals } from "../crm/pipeline";
import { createDb } from "../db/client";
import { workspaceContext } from "../db/workspace-context";
import { type ApiResult, api, as, signUp, type TestUser } from "./helpers";

const DAY = 24 * 60 * 60 * 1000;

interface StageView {
  id: string;
  name: string;
  kind: string;
  position: number;
}

async function stagesOf(user: TestUser): Promise<StageView[]> {
  const res = await api("/api/deals/stages", as(user));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

interface SeedDeal {
  stage: number;
  currency: string;
  valueMinor: number | null;
  probability?: number | null;
  lastActivityDaysAgo?: number;
  invoiceSentDaysAgo?: number;
  paymentTermsDays?: number;
  paid?: boolean;
  deleted?: boolean;
}

let counter = 0;
/** Inserts deals straight into D1 (times the API would never let a test wait for). */
async function seedDeals(user: TestUser, stages: StageView[], deals: SeedDeal[]) {
  const now = Date.now();
  const daysAgo = (days: number | undefined) => (days === undefined ? null : now - days * DAY);
  await env.DB.batch(
    deals.map((d) => {
      counter += 1;
      return env.DB.prepare(
        `INSERT INTO deals (id, workspace_id, title, stage_id, currency, value_minor, probability, payment_terms_days, invoice_sent_at, paid_at, last_activity_at, deleted_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(
        `deal_pipe_${counter}_${user.userId.slice(-6)}`,
        user.workspaceId,
        `Deal ${counter}`,
        (stages[d.stage] as StageView).id,
        d.currency,
        d.valueMinor,
        d.probability ?? null,
        d.paymentTermsDays ?? null,
        daysAgo(d.invoiceSentDaysAgo),
        d.paid ? now - DAY : null,
        daysAgo(d.lastActivityDaysAgo ?? 0),
        d.deleted ? now - DAY : null,
        now - 60 * DAY,
        now,
      );
    }),
  );
}

// Default stages: 0 Lead, 1 Contacted, 2 Negotiating (open); 3 Contracted, 4 Delivering,
// 5 Delivered, 6 Invoiced (won); 7 Paid (paid); 8 Lost (lost).
const PIPELINE_DEALS: SeedDeal[] = [
  // Lead: two USD deals (one gone quiet 15 days: stale), one EUR deal without a probability.
  { stage: 0, currency: "USD", valueMinor: 100_000, probability: 50, lastActivityDaysAgo: 15 },
  { stage: 0, currency: "USD", valueMinor: 30_001, probability: 33, lastActivityDaysAgo: 13 },
  { stage: 0, currency: "EUR", valueMinor: 200_000 },
  { stage: 0, currency: "USD", valueMinor: 1, probability: 100, deleted: true },
  // Negotiating: a yen deal and a USD deal without a value yet.
  { stage: 2, currency: "JPY", valueMinor: 50_000, probability: 10 },
  { stage: 2, currency: "USD", valueMinor: null, probability: 50 },
  // Contracted (won): no probability counts fully; a credit stays negative; 8 days quiet is stale.
  { stage: 3, currency: "USD", valueMinor: 400_000, lastActivityDaysAgo: 8 },
  { stage: 3, currency: "EUR", valueMinor: -25_000, probability: 100, lastActivityDaysAgo: 6 },
  // Invoiced (won): overdue (40 days, Net 30), within terms (10 days, no terms: Net 30),
  // overdue in pounds (20 days, Net 15), and one already paid.
  { stage: 6, currency: "USD", valueMinor: 300_000, invoiceSentDaysAgo: 40, paymentTermsDays: 30 },
  { stage: 6, currency: "USD", valueMinor: 100_000, invoiceSentDaysAgo: 10 },
  { stage: 6, currency: "GBP", valueMinor: 50_000, invoiceSentDaysAgo: 20, paymentTermsDays: 15 },
  { stage: 6, currency: "USD", valueMinor: 70_000, invoiceSentDaysAgo: 50, paid: true },
  // Paid: paid whether or not paidAt was filled in; an old invoice here is no longer owed.
  { stage: 7, currency: "USD", valueMinor: 500_000, paid: true, lastActivityDaysAgo: 90 },
  { stage: 7, currency: "EUR", valueMinor: 100_000, invoiceSentDaysAgo: 90 },
  // Lost: weighted as given, never stale, never owed.
  {
    stage: 8,
    currency: "USD",
    valueMinor: 999_900,
    probability: 20,
    invoiceSentDaysAgo: 90,
    lastActivityDaysAgo: 90,
  },
];

describe("GET /api/deals/pipeline", () => {
  let owner: TestUser;
  let stages: StageView[];

  beforeAll(async () => {
    const [user, stranger] = await Promise.all([signUp("pipeline"), signUp("pipeline-other")]);
    owner = user;
    stages = await stagesOf(owner);
    await seedDeals(owner, stages, PIPELINE_DEALS);
    // Another workspace's deals never count here.
    await seedDeals(stranger, await stagesOf(stranger), [
      { stage: 0, currency: "USD", valueMinor: 123_456, probability: 50 },
      { stage: 7, currency: "USD", valueMinor: 654_321, paid: true },
    ]);
    // Totals key on the kind, never on a stage's name.
    const renamed = stages.map(({ id, name, kind }) => ({
      id,
      kind,
      name: name === "Paid" ? "Cash in" : name === "Lost" ? "Dead" : name,
    }));
    const put = await api(
      "/api/deals/stages",
      as(owner, { method: "PUT", body: { stages: renamed } }),
    );
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  });

  it("answers every stage with its count, stale count and totals per currency", async () => {
    const res = await api("/api/deals/pipeline", as(owner));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const data = res.body.data;
    const ids = stages.map((s) => s.id);
    expect(data.stages).toEqual([
      {
        stageId: ids[0],
        name: "Lead",
        kind: "open",
        position: 0,
        count: 3,
        staleCount: 1,
        totals: {
          // round((100000 × 50 + 30001 × 33) / 100) = round(59900.33)
          USD: { valueMinor: 130_001, weightedMinor: 59_900 },
          // No probability in an open stage: not counted as weighted.
          EUR: { valueMinor: 200_000, weightedMinor: 0 },
        },
      },
      {
        stageId: ids[1],
        name: "Contacted",
        kind: "open",
        position: 1,
        count: 0,
        staleCount: 0,
        totals: {},
      },
      {
        stageId: ids[2],
        name: "Negotiating",
        kind: "open",
        position: 2,
        count: 2,
        staleCount: 0,
        totals: {
          JPY: { valueMinor: 50_000, weightedMinor: 5_000 },
          USD: { valueMinor: 0, weightedMinor: 0 },
        },
      },
      {
        stageId: ids[3],
        name: "Contracted",
        kind: "won",
        position: 3,
        count: 2,
        staleCount: 1,
        totals: {
          USD: { valueMinor: 400_000, weightedMinor: 400_000 },
          EUR: { valueMinor: -25_000, weightedMinor: -25_000 },
        },
      },
      expect.objectContaining({ stageId: ids[4], count: 0, totals: {} }),
      expect.objectContaining({ stageId: ids[5], count: 0, totals: {} }),
      {
        stageId: ids[6],
        name: "Invoiced",
        kind: "won",
        position: 6,
        count: 4,
        staleCount: 0,
        totals: {
          USD: { valueMinor: 470_000, weightedMinor: 470_000 },
          GBP: { valueMinor: 50_000, weightedMinor: 50_000 },
        },
      },
      {
        stageId: ids[7],
        name: "Cash in",
        kind: "paid",
        position: 7,
        count: 2,
        staleCount: 0,
        totals: {
          USD: { valueMinor: 500_000, weightedMinor: 500_000 },
          EUR: { valueMinor: 100_000, weightedMinor: 100_000 },
        },
      },
      {
        stageId: ids[8],
        name: "Dead",
        kind: "lost",
        position: 8,
        count: 1,
        staleCount: 0,
        totals: { USD: { valueMinor: 999_900, weightedMinor: 199_980 } },
      },
    ]);
    expect(data.staleAfterDays).toEqual({ open: 14, won: 7 });
    expect(Math.abs(Date.parse(data.asOf) - Date.now())).toBeLessThan(60_000);
  });

  it("answers booked, invoiced, paid and overdue-unpaid per currency, never summed across them", async () => {
    const { body } = await api("/api/deals/pipeline", as(owner));
    const { booked, invoiced, paid, overdue } = body.data;
    // Won and paid stages.
    expect(booked).toEqual({
      USD: { count: 5, valueMinor: 1_370_000 },
      EUR: { count: 2, valueMinor: 75_000 },
      GBP: { count: 1, valueMinor: 50_000 },
    });
    // The paid stage, plus the invoiced deal with paidAt set.
    expect(paid).toEqual({
      USD: { count: 2, valueMinor: 570_000 },
      EUR: { count: 1, valueMinor: 100_000 },
    });
    // Invoice sent, not paid, outside paid and lost stages.
    expect(invoiced).toEqual({
      USD: { count: 2, valueMinor: 400_000 },
      GBP: { count: 1, valueMinor: 50_000 },
    });
    // Of those, past their payment terms.
    expect(overdue).toEqual({
      USD: { count: 1, valueMinor: 300_000 },
      GBP: { count: 1, valueMinor: 50_000 },
    });
  });

  it("marks the same deals stale in the list as in the pipeline", async () => {
    const res = await api("/api/deals?limit=100", as(owner));
    const stale = res.body.data.items.filter((d: { stale: boolean }) => d.stale);
    expect(stale.map((d: { stageId: string }) => d.stageId).sort()).toEqual(
      [stages[0]?.id, stages[3]?.id].sort(),
    );
  });

  it("runs 2 D1 queries from indexes, and a page of deals 1 or 2", async () => {
    const log: RecordedStatement[] = [];
    const db = createDb(countingD1(env.DB, log));
    const ctx = workspaceContext(
      db,
      env,
      { id: owner.workspaceId, name: "Pipeline", plan: "free", role: "owner" },
      { id: owner.userId },
    );
    /** EXPLAIN QUERY PLAN of each statement the app sent, as one line each. */
    const plansOf = (statements: RecordedStatement[]) =>
      Promise.all(
        statements.map(async (statement) => {
          const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`)
            .bind(...statement.params)
            .all<{ detail: string }>();
          return results.map((row) => row.detail).join("; ");
        }),
      );

    await pipelineTotals(ctx);
    expect(log).toHaveLength(2);
    // The aggregate, as the app sends it, reads the covering index and no deal row.
    const pipelinePlans = await plansOf(log);
    expect(pipelinePlans.join("\n")).toContain("COVERING INDEX deals_pipeline");
    for (const plan of pipelinePlans) expect(plan).not.toMatch(/\bSCAN\b|TEMP B-TREE/);

    log.length = 0;
    const page = await listDeals(ctx, { sort: "updated", order: "desc", limit: 5 });
    expect(page.items).toHaveLength(5);
    expect(log).toHaveLength(1);
    // The last page of a sort with deals lacking a value reads both segments.
    const { nextCursor } = await listDeals(ctx, { sort: "value", order: "desc", limit: 100 });
    expect(nextCursor).toBeNull();
    expect(log).toHaveLength(3);
    for (const plan of await plansOf(log)) {
      expect(plan).toMatch(/^SEARCH deals USING INDEX deals_(list|value) /);
      expect(plan).not.toMatch(/\bSCAN\b|TEMP B-TREE/);
    }
  });

  it("is an empty pipeline for a new workspace", async () => {
    const fresh = await signUp("pipeline-empty");
    const { body } = await api("/api/deals/pipeline", as(fresh));
    expect(body.data.stages).toHaveLength(9);
    for (const stage of body.data.stages) {
      expect(stage).toMatchObject({ count: 0, staleCount: 0, totals: {} });
    }
    expect(body.data).toMatchObject({ booked: {}, invoiced: {}, paid: {}, overdue: {} });
  });
});

/** RFC 4180 records (quoted cells with doubled quotes, CRLF between records). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      record.push(cell);
      cell = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
      i++;
    } else cell += char;
  }
  if (cell || record.length) records.push([...record, cell]);
  return records;
}

describe("GET /api/deals/export.csv", () => {
  let owner: TestUser;
  let res: ApiResult<string>;
  const rows = () => parseCsv(res.body);
  const column = (name: string) => rows()[0]?.indexOf(name) ?? -1;
  const rowOf = (title: string) =>
    rows().find((row) => row[column("title")] === title || row[column("title")] === `'${title}`);

  beforeAll(async () => {
    owner = await signUp("deals-csv");
    const stages = await stagesOf(owner);
    await env.DB.prepare(
      "INSERT INTO sponsors (id, workspace_id, name) VALUES (?, ?, '=cmd|'' /C calc''!A0')",
    )
      .bind(`spn_csv_${owner.userId}`, owner.workspaceId)
      .run();
    const create = async (body: Record<string, unknown>) => {
      const made = await api("/api/deals", as(owner, { body }));
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      return made.body.data;
    };
    await create({
      title: '=HYPERLINK("http://evil.example","Click")',
      sponsorId: `spn_csv_${owner.userId}`,
      stageId: stages[3]?.id,
      valueMinor: -250,
      currency: "USD",
      probability: 40,
      poNumber: "+PO-77",
      expectedCloseAt: "2030-05-01T12:00:00Z",
      deliverables: [{ platform: "youtube", kind: "-60s read", done: true }],
    });
    await create({ title: "@SUM(A1:A9)", valueMinor: -25_000, currency: "USD" });
    await create({ title: "Yen deal, with a comma", valueMinor: 1500, currency: "JPY" });
    await create({ title: "-Minus\nand multi-line", valueMinor: 250_050, currency: "EUR" });
    await create({ title: "No value yet" });
    const gone = await create({ title: "Deleted deal" });
    await api(`/api/deals/${gone.id}`, as(owner, { method: "DELETE" }));
    res = await api<string>("/api/deals/export.csv", as(owner));
  });

  it("answers a CSV download with a header and every live deal", async () => {
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="deals-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    expect(rows()[0]).toEqual([
      "id",
      "title",
      "sponsor",
      "stage",
      "stage_kind",
      "amount",
      "currency",
      "value_minor",
      "probability",
      "payment_terms_days",
      "po_number",
      "expected_close_at",
      "invoice_sent_at",
      "paid_at",
      "owner",
      "source",
      "deliverables",
      "stale",
      "last_activity_at",
      "created_at",
      "updated_at",
    ]);
    expect(rows()).toHaveLength(1 + 5);
    expect(res.body).not.toContain("Deleted deal");
    expect(res.body.endsWith("\r\n")).toBe(true);
  });

  it("neutralises cells a spreadsheet would run, in titles, names and terms", async () => {
    const row = rowOf('=HYPERLINK("http://evil.example","Click")');
    expect(row?.[column("title")]).toBe(`'=HYPERLINK("http://evil.example","Click")`);
    expect(row?.[column("sponsor")]).toBe("'=cmd|' /C calc'!A0");
    expect(row?.[column("po_number")]).toBe("'+PO-77");
    expect(row?.[column("deliverables")]).toBe("youtube: -60s read (done)");
    expect(row?.[column("stage")]).toBe("Contracted");
    expect(row?.[column("stage_kind")]).toBe("won");
    expect(row?.[column("owner")]).toBe(owner.email);
    expect(row?.[column("expected_close_at")]).toBe("2030-05-01T12:00:00.000Z");
    expect(rowOf("@SUM(A1:A9)")?.[column("title")]).toBe("'@SUM(A1:A9)");
    expect(rowOf("-Minus\nand multi-line")?.[column("title")]).toBe("'-Minus\nand multi-line");
    // Nothing in the file starts a cell with a formula character unless neutralised.
    for (const record of rows().slice(1)) {
      for (const [index, cell] of record.entries()) {
        if (["amount", "value_minor"].includes(rows()[0]?.[index] ?? "")) continue;
        expect(cell, `${rows()[0]?.[index]}: ${cell}`).not.toMatch(/^[=+\-@\t\r]/);
      }
    }
  });

  it("keeps money as plain numbers: negative values unquoted, minor units and major units", async () => {
    const lines = res.body.split("\r\n");
    const credit = rowOf('=HYPERLINK("http://evil.example","Click")');
    expect(credit?.[column("value_minor")]).toBe("-250");
    expect(credit?.[column("amount")]).toBe("-2.5");
    expect(credit?.[column("currency")]).toBe("USD");
    expect(credit?.[column("probability")]).toBe("40");
    // Unquoted and not prefixed in the raw text.
    const creditLine = lines.find((line) => line.includes("HYPERLINK"));
    expect(creditLine).toContain(",-2.5,USD,-250,40,");
    const big = lines.find((line) => line.includes("SUM(A1:A9)"));
    expect(big).toContain(",-250,USD,-25000,");
    const yen = rowOf("Yen deal, with a comma");
    expect(yen?.[column("amount")]).toBe("1500");
    expect(yen?.[column("value_minor")]).toBe("1500");
    expect(rowOf("-Minus\nand multi-line")?.[column("amount")]).toBe("2500.5");
    const empty = rowOf("No value yet");
    expect(empty?.[column("amount")]).toBe("");
    expect(empty?.[column("value_minor")]).toBe("");
    expect(empty?.[column("stale")]).toBe("false");
  });
});
