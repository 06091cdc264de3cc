/**
 * Budget (Performance: "the due-follow-ups query over 10,000 follow-ups in 100 workspaces reads
 * rows in proportion to the batch"): the reminder job's read of due follow-ups across workspaces
 * (edge/db/cross-workspace.ts `dueFollowups`) reads rows in proportion to the batch, not to the
 * table: each batch of 100 is one D1 query reading at most 4 rows per follow-up it answers
 * (index entry, follow-up, deal, stage) plus a small constant — however many follow-ups were sent, cancelled, reminded or are not yet due. Paging
 * through every due follow-up, batch by batch, visits each exactly once. Figures are printed as
 * `BENCH {json}` lines for `npm run bench`: the first, last and any over-budget batches, and a
 * summary of all.
 */
import { env } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { DEFAULT_STAGES } from "../../shared/crm";
import { createDb } from "../db/client";
import { type DueFollowupCursor, dueFollowups } from "../db/cross-workspace";
import { countingD1, type RecordedStatement, rowsRead } from "./counting-d1";

const WORKSPACES = 100;
const DEALS_PER_WORKSPACE = 10;
const FOLLOWUPS = 10_000;
const ROWS_PER_INSERT = 250;
const BATCH = 100;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The run's clock. */
const NOW = Date.UTC(2026, 10, 20, 9);
const MAX_QUERIES = 1;
/** The partial index entry, the follow-up, its deal and the deal's stage. */
const ROWS_PER_FOLLOWUP = 4;
const ROWS_SLACK = 10;

/** Of every 20 follow-ups: 12 pending and due (60%), 2 not yet due, 2 sent, 2 cancelled, 2 reminded. */
type Kind = "due" | "future" | "sent" | "cancelled" | "reminded";
function kindOf(i: number): Kind {
  const slot = i % 20;
  if (slot < 12) return "due";
  if (slot < 14) return "future";
  if (slot < 16) return "sent";
  if (slot < 18) return "cancelled";
  return "reminded";
}

const workspaceOf = (i: number) => `ws_fub${i % WORKSPACES}`;
const dealOf = (i: number) =>
  `deal_fub${i % WORKSPACES}_${Math.floor(i / WORKSPACES) % DEALS_PER_WORKSPACE}`;
/** Past due times over 90 days in 10-minute steps: about two follow-ups share each instant. */
const dueAtOf = (i: number) =>
  kindOf(i) === "future"
    ? NOW + (1 + (i % 500)) * HOUR
    : NOW - (1 + ((i * 37) % 5_000)) * 10 * MINUTE;

/**
 * A few deals closed or deleted, their pending follow-ups left behind (a follow-up taken back
 * by hand after the deal closed; a deal deleted within its 30-day restore window): they stay in
 * the partial index, so the query reads past them.
 */
const CLOSED_DEALS = new Map<string, "Paid" | "Lost" | "deleted">([
  ["deal_fub3_0", "Paid"],
  ["deal_fub17_4", "Paid"],
  ["deal_fub42_9", "Paid"],
  ["deal_fub8_2", "Lost"],
  ["deal_fub55_5", "Lost"],
  ["deal_fub91_7", "Lost"],
  ["deal_fub23_1", "deleted"],
  ["deal_fub64_3", "deleted"],
]);
const stageIdOf = (workspace: number, name: string) => `stg_fub${workspace}_${name.toLowerCase()}`;

/** Literal multi-row INSERTs: D1 caps bound parameters per statement at 100. */
function inserts(table: string, columns: string, rows: string[]): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let first = 0; first < rows.length; first += ROWS_PER_INSERT) {
    statements.push(
      env.DB.prepare(
        `INSERT INTO ${table} (${columns}) VALUES ${rows.slice(first, first + ROWS_PER_INSERT).join(", ")}`,
      ),
    );
  }
  return statements;
}

beforeAll(async () => {
  const users: string[] = [];
  const workspaces: string[] = [];
  const stages: string[] = [];
  const deals: string[] = [];
  for (let w = 0; w < WORKSPACES; w++) {
    users.push(`('usr_fub${w}', 'owner${w}@followups-bench.example')`);
    workspaces.push(`('ws_fub${w}', 'Workspace ${w}', 'usr_fub${w}')`);
    DEFAULT_STAGES.forEach((stage, position) => {
      stages.push(
        `('${stageIdOf(w, stage.name)}', 'ws_fub${w}', '${stage.name}', '${stage.kind}', ${position})`,
      );
    });
    for (let d = 0; d < DEALS_PER_WORKSPACE; d++) {
      const id = `deal_fub${w}_${d}`;
      const closed = CLOSED_DEALS.get(id);
      const stage = closed === "Paid" || closed === "Lost" ? closed : "Negotiating";
      const deletedAt = closed === "deleted" ? NOW - DAY : "NULL";
      deals.push(
        `('${id}', 'ws_fub${w}', 'Deal ${w}-${d}', '${stageIdOf(w, stage)}', 'usr_fub${w}', ${deletedAt})`,
      );
    }
  }
  const followups: string[] = [];
  for (let i = 0; i < FOLLOWUPS; i++) {
    const kind = kindOf(i);
    const dueAt = dueAtOf(i);
    const status = kind === "sent" || kind === "cancelled" ? kind : "pending";
    const sentAt = kind === "sent" ? dueAt : "NULL";
    const reminderSentAt = kind === "reminded" ? dueAt + HOUR : "NULL";
    const owner = `usr_fub${i % WORKSPACES}`;
    followups.push(
      `('fu_fub${String(i).padStart(5, "0")}', '${workspaceOf(i)}', '${dealOf(i)}', '{"name":"Contact ${i}","email":"contact${i}@brand.example"}', 'Following up on deal ${i}', 'Hi, just checking in on the proposal for deal ${i}.', ${dueAt}, '${status}', ${sentAt}, ${reminderSentAt}, '${owner}', '${owner}')`,
    );
  }
  await env.DB.batch([
    ...inserts("users", "id, email", users),
    ...inserts("workspaces", "id, name, created_by", workspaces),
    ...inserts("deal_stages", "id, workspace_id, name, kind, position", stages),
    ...inserts("deals", "id, workspace_id, title, stage_id, owner_id, deleted_at", deals),
    ...inserts(
      "followups",
      "id, workspace_id, deal_id, to_contact, subject, body, due_at, status, sent_at, reminder_sent_at, assignee_id, created_by",
      followups,
    ),
  ]);
  await env.DB.prepare("ANALYZE").run();
});

async function planOf(statement: RecordedStatement | undefined) {
  if (!statement) return [];
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`)
    .bind(...statement.params)
    .all<{ detail: string }>();
  return results.map((row) => row.detail);
}

interface BatchFigures {
  name: string;
  returned: number;
  queries: number;
  rowsReadPerQuery: number[];
  listRowsRead: number;
}

it("paging through the due follow-ups of 100 workspaces reads rows in proportion to the batch", async () => {
  expect(await env.DB.prepare("SELECT count(*) AS n FROM followups").first("n")).toBe(FOLLOWUPS);
  const expected = Array.from({ length: FOLLOWUPS }, (_, i) => i)
    .filter((i) => kindOf(i) === "due" && !CLOSED_DEALS.has(dealOf(i)))
    .map((i) => ({ id: `fu_fub${String(i).padStart(5, "0")}`, dueAt: dueAtOf(i) }))
    .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((followup) => followup.id);

  const visited: string[] = [];
  const figures: BatchFigures[] = [];
  let after: DueFollowupCursor | undefined;
  for (let batch = 1; ; batch++) {
    const log: RecordedStatement[] = [];
    const rows = await dueFollowups(createDb(countingD1(env.DB, log)), {
      now: new Date(NOW),
      limit: BATCH,
      after,
    });
    const reads = await rowsRead(env.DB, log);
    const batchFigures = {
      name: `due follow-ups batch ${batch} (10,000 in 100 workspaces)`,
      returned: rows.length,
      queries: log.length,
      rowsReadPerQuery: reads,
      listRowsRead: reads.at(-1) ?? Number.NaN,
    };
    // Over budget: say why, with SQLite's plan for the batch (a Bloom filter scans a table).
    const plan =
      batchFigures.listRowsRead > ROWS_PER_FOLLOWUP * BATCH + ROWS_SLACK
        ? await planOf(log.at(-1))
        : undefined;
    // The first batches, the last ones and any over budget; the summary below covers them all.
    if (batch <= 2 || rows.length < BATCH || plan) {
      console.log(`BENCH ${JSON.stringify({ kind: "d1", ...batchFigures, plan })}`);
    }
    figures.push(batchFigures);
    visited.push(...rows.map((row) => row.id));
    const last = rows.at(-1);
    if (!last) break;
    after = { dueAt: last.dueAt, id: last.id };
    expect(batch, "paging does not end").toBeLessThanOrEqual(FOLLOWUPS / BATCH + 1);
  }

  const total = figures.reduce((sum, batch) => sum + batch.listRowsRead, 0);
  console.log(
    `BENCH ${JSON.stringify({
      // Not "d1…": scripts/bench.ts tabulates the lines whose kind starts with "d1".
      kind: "followups-summary",
      name: "due follow-ups, all batches",
      batches: figures.length,
      answered: visited.length,
      queries: figures.reduce((sum, batch) => sum + batch.queries, 0),
      rowsRead: total,
      rowsReadPerAnswer: Number((total / visited.length).toFixed(2)),
      maxRowsReadPerBatch: Math.max(...figures.map((batch) => batch.listRowsRead)),
    })}`,
  );

  // Every due follow-up once, in (due_at, id) order; the answers fill whole batches.
  expect(visited).toEqual(expected);
  expect(expected.length).toBeGreaterThan(5_000);
  expect(figures.slice(0, -2).every((batch) => batch.returned === BATCH)).toBe(true);
  for (const batch of figures) {
    expect(batch.queries, batch.name).toBeLessThanOrEqual(MAX_QUERIES);
    expect(batch.listRowsRead, batch.name).toBeLessThanOrEqual(
      ROWS_PER_FOLLOWUP * BATCH + ROWS_SLACK,
    );
  }
});
