/**
 * `npm run bench`: the performance budgets of the issues, measured (never asserted by timed tests).
 *  1. D1 work per request: queries and rows read for content list pages over 10,000 items, the
 *     CRM's pages, the due follow-ups query, and the reminder cron and its consumer
 *     (edge/bench, the real app on real D1 in workerd; fails if over budget).
 *  2. Throughput of GET /api/content against `wrangler dev` under autocannon (20 connections),
 *     as a ratio to the no-database health route measured in the same run.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { signUp, startEdge } from "../e2e/harness/edge";

const CONNECTIONS = 20;
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ITEMS = 10_000;
const quietEnv = {
  ...process.env,
  CI: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
};

function section(title: string) {
  console.log(`\n── ${title}`);
}

function d1Budgets(): boolean {
  section(
    "D1 work per request (10,000 content items; 1,000 sponsors and 5,000 deals; pages of 50; 10,000 follow-ups in 100 workspaces, batches of 100; the reminder cron and its consumer)",
  );
  const run = spawnSync("npx", ["vitest", "run", "--config", "edge/bench/vitest.config.ts"], {
    env: quietEnv,
    encoding: "utf8",
  });
  const output = `${run.stdout}\n${run.stderr}`;
  const rows = output
    .split("\n")
    .map((line) => line.slice(line.indexOf("BENCH {") + "BENCH ".length))
    .filter((line, index, all) => all[index] !== undefined && line.startsWith('{"kind":"d1"'))
    .map((line) => JSON.parse(line));
  console.table(
    rows.map((row) => ({
      request: row.name,
      returned: row.returned,
      "D1 queries": row.queries,
      "Durable Object calls": row.durableObjectCalls,
      "rows read (list query)": row.listRowsRead,
      "rows read (all queries)": row.rowsReadPerQuery.join(" + "),
    })),
  );
  const range = (figure: { min: number; median: number; max: number }) =>
    `${figure.min}/${figure.median}/${figure.max}`;
  for (const line of output.split("\n")) {
    const json = line.slice(line.indexOf("BENCH {") + "BENCH ".length);
    if (json.startsWith('{"kind":"followups-summary"')) {
      const summary = JSON.parse(json);
      console.log(
        `${summary.name}: ${summary.answered} answered in ${summary.batches} batches of 100, ${summary.queries} D1 queries, ${summary.rowsRead} rows read (${summary.rowsReadPerAnswer} per follow-up, at most ${summary.maxRowsReadPerBatch} a batch)`,
      );
    } else if (json.startsWith('{"kind":"reminders-cron"')) {
      const run = JSON.parse(json);
      console.log(
        `${run.name}: ${run.enqueued} of ${run.dueInFixture} due enqueued, ${run.queries} D1 queries, ${run.sendBatchCalls} sendBatch calls of ${run.messagesPerSendBatch.min}–${run.messagesPerSendBatch.max} messages (${run.sendCalls} single sends), ${run.rowsRead} rows read (${run.rowsReadPerMessage} per message, at most ${run.maxRowsReadPerQuery} a query), ${run.wallMs} ms (${run.clock})`,
      );
    } else if (json.startsWith('{"kind":"reminders-consumer"')) {
      const run = JSON.parse(json);
      console.log(
        `${run.name}: D1 queries per email ${range(run.queriesPerEmail)} (min/median/max), round trips ${range(run.roundTripsPerEmail)} [${run.statements.join(", ")}], ${run.wallMsPerEmail} ms an email`,
      );
    } else if (json.startsWith('{"kind":"reminders-redelivery"')) {
      const run = JSON.parse(json);
      console.log(
        `${run.name}: D1 queries per message ${range(run.queriesPerMessage)} (min/median/max) [${run.statements.join(", ")}], ${run.newEmailRows} new email rows`,
      );
    }
  }
  if (run.status !== 0) console.log(output.slice(-3000));
  console.log(
    run.status === 0
      ? "within budget (content pages: ≤ 2 D1 queries, ≤ 1 Durable Object call, rows read ≤ returned + 5; deals pages and the pipeline over 5,000 deals: ≤ 3 queries, a page ≤ 2 rows per deal + 5; due follow-ups: 1 query and ≤ 4 rows per follow-up + 10 a batch; reminder cron: ≤ batches + 1 queries, ≤ 100 messages a sendBatch, every due follow-up once; reminder consumer: ≤ 7 queries (6 round trips) an email, ≤ 2 and no new email on redelivery)"
      : "OVER BUDGET",
  );
  return run.status === 0;
}

/** `wrangler d1 …` against the bench edge's local state. */
function wrangler(args: string[], persistTo: string) {
  const result = spawnSync(
    "node_modules/.bin/wrangler",
    [...args, "--local", "--persist-to", persistTo],
    { env: quietEnv, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${result.stderr}`);
}

async function load(title: string, url: string, headers: Record<string, string>) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    headers,
  });
  return {
    route: title,
    "req/s (mean)": Math.round(result.requests.average),
    "latency p50 ms": result.latency.p50,
    "latency p99 ms": result.latency.p99,
    "non-2xx": result.non2xx,
    statuses: Object.entries(result.statusCodeStats ?? {})
      .map(([code, stats]) => `${code}×${(stats as { count: number }).count}`)
      .join(" "),
    errors: result.errors,
  };
}

async function throughput() {
  section(
    `Throughput under load (autocannon, ${CONNECTIONS} connections, ${DURATION_SECONDS} s per route, wrangler dev)`,
  );
  // The e2e harness's edge: a free port, fresh state, every rate limit raised for the run
  // (measure the API, not the 429 path).
  const edge = await startEdge({ vars: { RATE_LIMIT_SCALE: "1000000" }, quiet: true });
  const base = `http://127.0.0.1:${edge.port}`;
  try {
    const user = await signUp(base, "load@example.com", "load-test-password");
    const values: string[] = [];
    for (let i = 0; i < ITEMS; i++) {
      const at = Date.UTC(2026, 0, 1) + i * 60_000;
      values.push(
        `('cnt_load${i}', '${user.workspaceId}', 'Idea ${i}', 'manual', '["x"]', '[]', 'idea', '${user.userId}', ${at}, ${at})`,
      );
    }
    const seedFile = join(edge.persistDir, "seed.sql");
    const statements: string[] = [];
    for (let i = 0; i < values.length; i += 500) {
      statements.push(
        `INSERT INTO content_items (id, workspace_id, title, source_kind, platforms, tags, status, created_by, created_at, updated_at) VALUES ${values.slice(i, i + 500).join(", ")};`,
      );
    }
    writeFileSync(seedFile, statements.join("\n"));
    wrangler(["d1", "execute", "DB", "--file", seedFile], edge.persistDir);

    const auth = { Authorization: `Bearer ${user.token}` };
    // Warm both routes so the first requests do not measure start-up.
    await fetch(`${base}/api/content?limit=50`, { headers: auth });
    const health = await load("GET /api/health (no database)", `${base}/api/health`, {});
    const content = await load(
      "GET /api/content?limit=50 (10,000 items)",
      `${base}/api/content?limit=50`,
      auth,
    );
    console.table([health, content]);
    const ratio = content["req/s (mean)"] / health["req/s (mean)"];
    console.log(`content list throughput = ${(ratio * 100).toFixed(1)}% of the health route`);
    return content["non-2xx"] === 0 && content.errors === 0;
  } finally {
    await edge.dispose();
  }
}

// BENCH_ONLY=throughput skips the D1 part (for trying a change against the load figure alone).
const budgetsOk = process.env.BENCH_ONLY === "throughput" ? true : d1Budgets();
const loadOk = await throughput();
if (!budgetsOk || !loadOk) {
  console.error("\nbench: a budget was exceeded or the load run saw errors");
  process.exit(1);
}
