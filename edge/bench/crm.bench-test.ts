/**
 * Budget (issue 9): with 1,000 sponsors and 5,000 deals in a workspace, `GET /api/deals/pipeline`
 * and a page of `GET /api/deals` each run at most 3 D1 queries (the session and membership in
 * one), and a page reads two rows per deal it returns (the deal and its stage, whose kind says
 * whether it is stale) plus a small constant; the pipeline is an aggregate over a covering index,
 * so it reads index entries, never whole deals. Figures are
 * printed as `BENCH {json}` lines for `npm run bench`.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { app } from "../app";
import { countingD1, type RecordedStatement, rowsRead } from "./counting-d1";

const SPONSORS = 1_000;
const DEALS = 5_000;
const ROWS_PER_INSERT = 250;
const BASE = "https://bench.creatorops.test";
const START = Date.UTC(2026, 0, 1);
const CURRENCIES = ["USD", "USD", "EUR", "GBP"];
const MAX_QUERIES = 3;
const ROWS_SLACK = 5;
/** The deal and its stage. */
const ROWS_PER_DEAL = 2;

let token = "";

async function request(path: string, db: D1Database = env.DB) {
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`${BASE}${path}`, { headers: { Authorization: `Bearer ${token}` } }),
    { ...env, DB: db },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

beforeAll(async () => {
  const signup = await app.fetch(
    new Request(`${BASE}/api/auth/signup`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": "192.0.2.9" },
      body: JSON.stringify({
        email: "crm-bench@example.com",
        password: "bench-password",
        client: "api",
      }),
    }),
    env,
    createExecutionContext(),
  );
  const created = (await signup.json()) as {
    data: { token: string; workspaceId: string; user: { id: string } };
  };
  token = created.data.token;
  const { workspaceId, user } = created.data;
  const { results: stages } = await env.DB.prepare(
    "SELECT id FROM deal_stages WHERE workspace_id = ? ORDER BY position",
  )
    .bind(workspaceId)
    .all<{ id: string }>();

  // Literal multi-row INSERTs: D1 caps bound parameters per statement at 100.
  const statements: D1PreparedStatement[] = [];
  for (let first = 0; first < SPONSORS; first += ROWS_PER_INSERT) {
    const values: string[] = [];
    for (let i = first; i < Math.min(first + ROWS_PER_INSERT, SPONSORS); i++) {
      values.push(
        `('spn_bench${i}', '${workspaceId}', 'Sponsor ${String(i).padStart(4, "0")}', 'sponsor${i}.example', '[]', ${START}, ${START})`,
      );
    }
    statements.push(
      env.DB.prepare(
        `INSERT INTO sponsors (id, workspace_id, name, domain, contacts, created_at, updated_at) VALUES ${values.join(", ")}`,
      ),
    );
  }
  for (let first = 0; first < DEALS; first += ROWS_PER_INSERT) {
    const values: string[] = [];
    for (let i = first; i < Math.min(first + ROWS_PER_INSERT, DEALS); i++) {
      const at = START + i * 60_000;
      const stage = stages[i % stages.length]?.id;
      const invoiced = i % 7 === 0 ? at : "NULL";
      values.push(
        `('deal_bench${i}', '${workspaceId}', 'spn_bench${i % SPONSORS}', 'Deal ${i}', '${stage}', ${(i % 97) * 10_000}, '${CURRENCIES[i % CURRENCIES.length]}', ${i % 101}, 30, '[]', '{}', ${invoiced}, '${user.id}', 'manual', ${at}, ${at}, ${at})`,
      );
    }
    statements.push(
      env.DB.prepare(
        `INSERT INTO deals (id, workspace_id, sponsor_id, title, stage_id, value_minor, currency, probability, payment_terms_days, deliverables, field_sources, invoice_sent_at, owner_id, source, last_activity_at, created_at, updated_at) VALUES ${values.join(", ")}`,
      ),
    );
  }
  await env.DB.batch(statements);
  await env.DB.prepare("ANALYZE").run();
});

async function measure(name: string, path: string) {
  const log: RecordedStatement[] = [];
  const res = await request(path, countingD1(env.DB, log));
  const body = (await res.json()) as { data: { items?: unknown[]; nextCursor?: string | null } };
  const reads = await rowsRead(env.DB, log);
  const figures = {
    name,
    status: res.status,
    returned: body.data.items?.length ?? 0,
    queries: log.length,
    rowsReadPerQuery: reads,
    listRowsRead: reads.at(-1) ?? Number.NaN,
  };
  console.log(`BENCH ${JSON.stringify({ kind: "d1", ...figures })}`);
  return { ...figures, nextCursor: body.data.nextCursor ?? null };
}

it("a page of deals stays within the query and rows-read budget, for every sort", async () => {
  for (const sort of ["updated", "value", "expectedClose"]) {
    const first = await measure(`deals page 1 (${sort})`, `/api/deals?limit=50&sort=${sort}`);
    expect(first.status).toBe(200);
    expect(first.returned).toBe(50);
    expect(first.queries).toBeLessThanOrEqual(MAX_QUERIES);
    if (sort !== "expectedClose") {
      // (No deal here has a close date: that page is the "without a value" tail, two queries.)
      expect(first.listRowsRead).toBeLessThanOrEqual(first.returned * ROWS_PER_DEAL + ROWS_SLACK);
    }
  }
  const first = await measure("deals page 1 (updated)", "/api/deals?limit=50");
  const second = await measure(
    "deals page 2 (updated)",
    `/api/deals?limit=50&cursor=${encodeURIComponent(first.nextCursor ?? "")}`,
  );
  expect(second.returned).toBe(50);
  expect(second.listRowsRead).toBeLessThanOrEqual(second.returned * ROWS_PER_DEAL + ROWS_SLACK);
});

it("the pipeline over 5,000 deals is an aggregate within the query budget", async () => {
  const pipeline = await measure("deals pipeline (5,000 deals)", "/api/deals/pipeline");
  expect(pipeline.status).toBe(200);
  expect(pipeline.queries).toBeLessThanOrEqual(MAX_QUERIES);
});
