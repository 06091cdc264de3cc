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
import { createDb } from "../db/client";
import { type DueFollowupCursor, dueFollowups } from "../db/cross-workspace";
import { countingD1, type RecordedStatement, rowsRead } from "./counting-d1";
import { dueFollowupIds, FOLLOWUPS, NOW, seedFollowupFixture } from "./followup-fixture";

const BATCH = 100;
const MAX_QUERIES = 1;
/** The partial index entry, the follow-up, its deal and the deal's stage. */
const ROWS_PER_FOLLOWUP = 4;
const ROWS_SLACK = 10;

beforeAll(seedFollowupFixture);

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
  const expected = dueFollowupIds();

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
