/**
 * Budget (issues 3 and 8): with 10,000 items in a workspace, a page of 50 from GET
 * /api/content and a month of the calendar issue at most 2 D1 queries (the session, user and
 * membership in one; the page in the other), one Durable Object call (the workspace's rate
 * limiter) and read no more rows than they return plus a small constant. Figures are printed as `BENCH {json}` lines for `npm run bench`.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { app } from "../app";
import { countingD1, type RecordedStatement, rowsRead } from "./counting-d1";

const ITEMS = 10_000;
const ROWS_PER_INSERT = 250;
const BASE = "https://bench.creatorops.test";
const START = Date.UTC(2026, 0, 1);
const STATUSES = ["idea", "idea", "drafting", "scheduled", "published", "archived"];
/** Rows a query may read beyond those it returns (the look-ahead row for the next cursor). */
const ROWS_SLACK = 5;
const MAX_QUERIES = 2;
const MAX_DURABLE_OBJECT_CALLS = 1;

let token = "";

/**
 * The rate limiter's namespace, counting the Durable Objects a request reaches: each
 * `enforceLimit` gets one stub and makes one call on it. (A stub itself cannot be wrapped: it
 * does not survive structured cloning.)
 */
function countingLimiter(calls: string[]): DurableObjectNamespace {
  const namespace = env.RATE_LIMITER;
  return new Proxy(namespace, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (property === "get") calls.push(String(property));
        return value.apply(target, args);
      };
    },
  }) as DurableObjectNamespace;
}

async function request(
  path: string,
  init: RequestInit = {},
  db: D1Database = env.DB,
  limiter: DurableObjectNamespace = env.RATE_LIMITER,
) {
  const ctx = createExecutionContext();
  const bindings = { ...env, DB: db, RATE_LIMITER: limiter };
  const res = await app.fetch(new Request(`${BASE}${path}`, init), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

beforeAll(async () => {
  const signup = await request("/api/auth/signup", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": "192.0.2.1" },
    body: JSON.stringify({ email: "bench@example.com", password: "bench-password", client: "api" }),
  });
  const created = (await signup.json()) as {
    data: { token: string; workspaceId: string; user: { id: string } };
  };
  token = created.data.token;
  const { workspaceId, user } = created.data;

  // Literal multi-row INSERTs: D1 caps bound parameters per statement at 100.
  const statements: D1PreparedStatement[] = [];
  for (let first = 0; first < ITEMS; first += ROWS_PER_INSERT) {
    const values: string[] = [];
    for (let i = first; i < Math.min(first + ROWS_PER_INSERT, ITEMS); i++) {
      const status = STATUSES[i % STATUSES.length];
      const createdAt = START + i * 60_000;
      // Scheduled items spread over a year, about 27 a day.
      const scheduledAt =
        status === "scheduled" ? START + (i % 365) * 86_400_000 + (i % 1440) * 60_000 : null;
      values.push(
        `('cnt_bench${i}', '${workspaceId}', 'Idea ${i}', 'Notes for idea ${i}', 'manual', '["x","linkedin"]', '["bench"]', '${status}', ${scheduledAt ?? "NULL"}, '${user.id}', ${createdAt}, ${createdAt})`,
      );
    }
    statements.push(
      env.DB.prepare(
        `INSERT INTO content_items (id, workspace_id, title, notes, source_kind, platforms, tags, status, scheduled_at, created_by, created_at, updated_at) VALUES ${values.join(", ")}`,
      ),
    );
  }
  await env.DB.batch(statements);
  await env.DB.prepare("ANALYZE").run();
});

interface Figures {
  name: string;
  status: number;
  returned: number;
  queries: number;
  durableObjectCalls: number;
  rowsReadPerQuery: number[];
  listRowsRead: number;
}

async function measure(
  name: string,
  path: string,
): Promise<Figures & { nextCursor: string | null }> {
  const log: RecordedStatement[] = [];
  const limiterCalls: string[] = [];
  const res = await request(
    path,
    { headers: { Authorization: `Bearer ${token}` } },
    countingD1(env.DB, log),
    countingLimiter(limiterCalls),
  );
  const body = (await res.json()) as { data: { items: unknown[]; nextCursor: string | null } };
  const reads = await rowsRead(env.DB, log);
  const figures = {
    name,
    status: res.status,
    returned: body.data.items.length,
    queries: log.length,
    durableObjectCalls: limiterCalls.length,
    rowsReadPerQuery: reads,
    listRowsRead: reads.at(-1) ?? Number.NaN,
  };
  console.log(`BENCH ${JSON.stringify({ kind: "d1", ...figures })}`);
  return { ...figures, nextCursor: body.data.nextCursor };
}

function expectWithinBudget(figures: Figures, expectedItems: number) {
  expect(figures.status).toBe(200);
  expect(figures.returned).toBe(expectedItems);
  expect(figures.queries).toBeLessThanOrEqual(MAX_QUERIES);
  expect(figures.durableObjectCalls).toBeLessThanOrEqual(MAX_DURABLE_OBJECT_CALLS);
  expect(figures.listRowsRead).toBeLessThanOrEqual(figures.returned + ROWS_SLACK);
}

it("pages of 50 from 10,000 items stay within the query and rows-read budget", async () => {
  const first = await measure("list page 1", "/api/content?limit=50");
  expectWithinBudget(first, 50);
  const second = await measure("list page 2", `/api/content?limit=50&cursor=${first.nextCursor}`);
  expectWithinBudget(second, 50);
  expectWithinBudget(await measure("list by status", "/api/content?limit=50&status=drafting"), 50);
});

it("a month of the calendar stays within the budget", async () => {
  // January 2026: items scheduled 31 days × ~27 a day, paged 50 at a time.
  const month = "from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z";
  const page = await measure("calendar month page", `/api/content?limit=50&${month}`);
  expectWithinBudget(page, 50);
});
