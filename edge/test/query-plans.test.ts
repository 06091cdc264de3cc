/**
 * Every list and lookup the app issues (or is about to) must be answered from an index: no
 * full table scans across tenants, and no temporary sort for paginated lists. SQLite's
 * EXPLAIN QUERY PLAN on the real migrated D1 schema says which. Adding a query is one line
 * in QUERIES.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../db/client";
import {
  dealsWithDeliverables,
  dueDigests,
  dueFollowups,
  dueScheduledContent,
  overdueInvoices,
} from "../db/cross-workspace";

interface PlannedQuery {
  name: string;
  sql: string;
  params: (string | number)[];
  /** The index the plan must search (when the choice is unambiguous). */
  index?: string;
  /** A paginated or otherwise unbounded ordered list: the ORDER BY must come from the index. */
  sorted?: boolean;
}

const WS = "ws_1";
const T = 1_700_000_000_000;
const DAY = 86_400_000;

/** A page of deals (edge/crm/deal-list.ts) before its sort's conditions. */
const DEAL_PAGE =
  "SELECT deals.*, deal_stages.kind FROM deals LEFT JOIN deal_stages ON deal_stages.id = deals.stage_id WHERE deals.workspace_id = ? AND deals.deleted_at IS NULL";

/** The main table each query is about: its access must be a SEARCH using an index. */
const tableOf = (sql: string) => {
  const match = /\b(?:FROM|UPDATE|INTO)\s+(\w+)/i.exec(sql);
  if (!match?.[1]) throw new Error(`No table in ${sql}`);
  return match[1];
};

const QUERIES: PlannedQuery[] = [
  // ─── content_items (edge/db/content.ts) ───
  {
    name: "content: list, newest first (first page)",
    sql: "SELECT * FROM content_items WHERE workspace_id = ? AND deleted_at IS NULL AND status <> 'archived' ORDER BY created_at DESC, id DESC LIMIT ?",
    params: [WS, 51],
    index: "content_items_list",
    sorted: true,
  },
  {
    name: "content: list, newest first (after a cursor)",
    sql: "SELECT * FROM content_items WHERE workspace_id = ? AND deleted_at IS NULL AND status <> 'archived' AND (created_at < ? OR (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC LIMIT ?",
    params: [WS, T, T, "cnt_50", 51],
    index: "content_items_list",
    sorted: true,
  },
  {
    name: "content: list by status",
    sql: "SELECT * FROM content_items WHERE workspace_id = ? AND deleted_at IS NULL AND status = ? AND (created_at < ? OR (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC LIMIT ?",
    params: [WS, "drafting", T, T, "cnt_50", 51],
    index: "content_items_status",
    sorted: true,
  },
  {
    name: "content: calendar range by (scheduled_at, id)",
    sql: "SELECT * FROM content_items WHERE workspace_id = ? AND deleted_at IS NULL AND status <> 'archived' AND scheduled_at >= ? AND scheduled_at < ? AND scheduled_at IS NOT NULL AND (scheduled_at > ? OR (scheduled_at = ? AND id > ?)) ORDER BY scheduled_at ASC, id ASC LIMIT ?",
    params: [WS, T, T + 30 * DAY, T, T, "cnt_1", 51],
    index: "content_items_calendar",
    sorted: true,
  },
  {
    name: "content: lookup by (workspace_id, source_video_id)",
    sql: "SELECT * FROM content_items WHERE workspace_id = ? AND source_video_id = ? AND deleted_at IS NULL LIMIT 1",
    params: [WS, "vid_7"],
    index: "content_items_video",
  },
  {
    // At most one live item per video, so the ORDER BY sorts a single row.
    name: "content: list filtered to one video (the extension's saved state)",
    sql: "SELECT * FROM content_items WHERE workspace_id = ? AND deleted_at IS NULL AND status <> 'archived' AND source_video_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
    params: [WS, "vid_7", 2],
    index: "content_items_video",
  },
  {
    name: "content: lookup by id in the workspace",
    sql: "SELECT * FROM content_items WHERE workspace_id = ? AND id = ? AND deleted_at IS NULL LIMIT 1",
    params: [WS, "cnt_7"],
  },
  {
    name: "content: scheduled items due for publishing (cron, all workspaces)",
    sql: "SELECT id, workspace_id FROM content_items WHERE status = 'scheduled' AND scheduled_at <= ? AND deleted_at IS NULL ORDER BY scheduled_at LIMIT ?",
    params: [T, 100],
    index: "content_items_due",
    sorted: true,
  },
  {
    name: "content_variants: by content item",
    sql: "SELECT * FROM content_variants WHERE workspace_id = ? AND content_id = ? ORDER BY platform ASC, created_at ASC",
    params: [WS, "cnt_7"],
    index: "content_variants_content",
  },
  // ─── Sponsorship CRM ───
  // The deal list (edge/crm/deal-list.ts): the stage's kind joined for `stale`; one index per sort.
  {
    name: "deals: list, recently updated first (after a cursor)",
    sql: `${DEAL_PAGE} AND (deals.updated_at, deals.id) < (?, ?) ORDER BY deals.updated_at DESC, deals.id DESC LIMIT ?`,
    params: [WS, T, "deal_9", 51],
    index: "deals_list",
    sorted: true,
  },
  {
    name: "deals: list, newest first (after a cursor)",
    sql: `${DEAL_PAGE} AND (deals.created_at, deals.id) < (?, ?) ORDER BY deals.created_at DESC, deals.id DESC LIMIT ?`,
    params: [WS, T, "deal_9", 51],
    index: "deals_created",
    sorted: true,
  },
  {
    name: "deals: list by value, deals with one (after a cursor)",
    sql: `${DEAL_PAGE} AND deals.value_minor IS NOT NULL AND (deals.value_minor, deals.id) < (?, ?) ORDER BY deals.value_minor DESC, deals.id DESC LIMIT ?`,
    params: [WS, 250_000, "deal_9", 51],
    index: "deals_value",
    sorted: true,
  },
  {
    name: "deals: list by value, then the deals without one",
    sql: `${DEAL_PAGE} AND deals.value_minor IS NULL AND deals.id > ? ORDER BY deals.id ASC LIMIT ?`,
    params: [WS, "deal_9", 51],
    index: "deals_value",
    sorted: true,
  },
  {
    name: "deals: list by expected close (after a cursor)",
    sql: `${DEAL_PAGE} AND deals.expected_close_at IS NOT NULL AND (deals.expected_close_at, deals.id) > (?, ?) ORDER BY deals.expected_close_at ASC, deals.id ASC LIMIT ?`,
    params: [WS, T, "deal_9", 51],
    index: "deals_close",
    sorted: true,
  },
  {
    name: "deals: list closing in a range",
    sql: `${DEAL_PAGE} AND deals.expected_close_at >= ? AND deals.expected_close_at < ? AND deals.expected_close_at IS NOT NULL ORDER BY deals.expected_close_at ASC, deals.id ASC LIMIT ?`,
    params: [WS, T, T + 30 * DAY, 51],
    index: "deals_close",
    sorted: true,
  },
  {
    name: "deals: list of one stage",
    sql: `${DEAL_PAGE} AND deals.stage_id = ? AND (deals.updated_at, deals.id) < (?, ?) ORDER BY deals.updated_at DESC, deals.id DESC LIMIT ?`,
    params: [WS, "stg_1_1", T, "deal_9", 51],
    index: "deals_stage",
    sorted: true,
  },
  {
    // A thread has a handful of deals: read through its index and sorted in memory on purpose.
    name: "deals: list of one captured thread",
    sql: `${DEAL_PAGE} AND deals.source_thread_id = ? AND (+deals.updated_at, +deals.id) < (?, ?) ORDER BY +deals.updated_at DESC, +deals.id DESC LIMIT ?`,
    params: [WS, "thread_4", T, "deal_9", 51],
    index: "deals_source_thread",
  },
  {
    name: "deals: list of one captured message",
    sql: `${DEAL_PAGE} AND deals.source_message_id = ? ORDER BY +deals.updated_at DESC, +deals.id DESC LIMIT ?`,
    params: [WS, "msg_4", 51],
    index: "deals_source_message",
  },
  {
    name: "deals: one live deal with its stage's kind",
    sql: `${DEAL_PAGE} AND deals.id = ? LIMIT 1`,
    params: [WS, "deal_7"],
  },
  {
    name: "deals: captured email dedupe by (workspace_id, source_message_id)",
    sql: "SELECT id FROM deals WHERE workspace_id = ? AND source_message_id = ? AND deleted_at IS NULL LIMIT 1",
    params: [WS, "msg_4"],
    index: "deals_source_message",
  },
  {
    // edge/crm/pipeline.ts: the whole pipeline from the covering index, grouped in its order.
    name: "deals: pipeline totals per stage and currency",
    sql: "SELECT stage_id, currency, count(*), coalesce(sum(value_minor), 0), coalesce(sum(value_minor * probability), 0), coalesce(sum(CASE WHEN probability IS NULL THEN value_minor END), 0), count(CASE WHEN coalesce(last_activity_at, created_at) < ? THEN 1 END), count(CASE WHEN paid_at IS NOT NULL THEN 1 END), coalesce(sum(CASE WHEN invoice_sent_at IS NOT NULL AND paid_at IS NULL AND invoice_sent_at + coalesce(payment_terms_days, 30) * 86400000 < ? THEN value_minor END), 0) FROM deals WHERE workspace_id = ? AND deleted_at IS NULL GROUP BY stage_id, currency",
    params: [T - 14 * DAY, T, WS],
    index: "deals_pipeline",
    sorted: true,
  },
  {
    name: "deals: live deals in the stages being removed",
    sql: "SELECT stage_id, count(*) FROM deals WHERE workspace_id = ? AND stage_id IN (?, ?) AND deleted_at IS NULL GROUP BY stage_id",
    params: [WS, "stg_1_1", "stg_1_4"],
    sorted: true,
  },
  {
    name: "deals: CSV export of every live deal",
    sql: "SELECT deals.*, sponsors.name, deal_stages.name, deal_stages.kind, users.email FROM deals LEFT JOIN sponsors ON sponsors.id = deals.sponsor_id LEFT JOIN deal_stages ON deal_stages.id = deals.stage_id LEFT JOIN users ON users.id = deals.owner_id WHERE deals.workspace_id = ? AND deals.deleted_at IS NULL ORDER BY deals.updated_at DESC, deals.id DESC",
    params: [WS],
    index: "deals_list",
    sorted: true,
  },
  {
    name: "deal_stages: the pipeline in order",
    sql: "SELECT * FROM deal_stages WHERE workspace_id = ? ORDER BY position ASC",
    params: [WS],
    index: "deal_stages_pipeline",
    sorted: true,
  },
  {
    name: "deal_activities: timeline of a deal (after a cursor)",
    sql: "SELECT * FROM deal_activities WHERE workspace_id = ? AND deal_id = ? AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?",
    params: [WS, "deal_4", T, "act_9", 51],
    index: "deal_activities_deal",
    sorted: true,
  },
  // The due reminders (cron, all workspaces) are dueFollowups' own SQL: see the test at the end.
  {
    name: "followups: a workspace's upcoming follow-ups",
    sql: "SELECT * FROM followups WHERE workspace_id = ? AND due_at >= ? ORDER BY due_at ASC, id ASC LIMIT ?",
    params: [WS, T, 50],
    index: "followups_list",
    sorted: true,
  },
  {
    name: "sponsors: match a captured email by domain",
    sql: "SELECT * FROM sponsors WHERE workspace_id = ? AND domain = ? AND deleted_at IS NULL LIMIT 1",
    params: [WS, "brand7.example"],
    index: "sponsors_domain",
  },
  {
    name: "sponsors: list by name",
    sql: "SELECT * FROM sponsors WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY name ASC, id ASC LIMIT ?",
    params: [WS, 50],
    index: "sponsors_name",
    sorted: true,
  },
  // ─── Accounts, membership, invitations (edge/routes, edge/middleware, edge/auth) ───
  {
    name: "invitations: pending ones of a workspace",
    sql: "SELECT * FROM invitations WHERE workspace_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at ASC",
    params: [WS, T],
    index: "invitations_workspace",
    sorted: true,
  },
  {
    name: "invitations: by token hash (accept)",
    sql: "SELECT * FROM invitations WHERE token_hash = ? LIMIT 1",
    params: ["hash_3"],
    index: "invitations_token_hash_unique",
  },
  {
    name: "invitations: revoke the earlier link for the same email",
    sql: "UPDATE invitations SET revoked_at = ? WHERE workspace_id = ? AND email = ? AND accepted_at IS NULL AND revoked_at IS NULL",
    params: [T, WS, "invitee3@example.com"],
  },
  {
    name: "workspace_members: a user's workspaces (membership list)",
    sql: "SELECT workspaces.id, workspaces.name, workspaces.plan, workspace_members.role FROM workspace_members INNER JOIN workspaces ON workspaces.id = workspace_members.workspace_id WHERE workspace_members.user_id = ? ORDER BY workspaces.created_at ASC, workspaces.id ASC",
    params: ["usr_1"],
    index: "workspace_members_user",
    // Sorted in memory on purpose: one user's handful of memberships.
  },
  {
    name: "workspace_members: membership check of the workspace middleware",
    sql: "SELECT workspaces.id, workspace_members.role FROM workspace_members INNER JOIN workspaces ON workspaces.id = workspace_members.workspace_id WHERE workspace_members.user_id = ? AND workspace_members.workspace_id = ? LIMIT 2",
    params: ["usr_1", WS],
  },
  {
    name: "workspace_members: members of a workspace",
    sql: "SELECT * FROM workspace_members WHERE workspace_id = ? ORDER BY created_at ASC",
    params: [WS],
    // Sorted in memory on purpose: bounded by the workspace's member count.
  },
  {
    name: "sessions: by token hash (every authenticated request)",
    sql: "SELECT sessions.id, users.email FROM sessions INNER JOIN users ON users.id = sessions.user_id WHERE sessions.token_hash = ? LIMIT 1",
    params: ["hash_9"],
    index: "sessions_token_hash_unique",
  },
  {
    name: "audit_log: newest first (first page)",
    sql: "SELECT audit_log.*, users.email FROM audit_log LEFT JOIN users ON users.id = audit_log.actor_id WHERE audit_log.workspace_id = ? ORDER BY audit_log.created_at DESC, audit_log.id DESC LIMIT ?",
    params: [WS, 51],
    index: "audit_log_workspace",
    sorted: true,
  },
  {
    name: "audit_log: newest first (after a cursor)",
    sql: "SELECT audit_log.*, users.email FROM audit_log LEFT JOIN users ON users.id = audit_log.actor_id WHERE audit_log.workspace_id = ? AND (audit_log.created_at < ? OR (audit_log.created_at = ? AND audit_log.id < ?)) ORDER BY audit_log.created_at DESC, audit_log.id DESC LIMIT ?",
    params: [WS, T, T, "aud_40", 51],
    index: "audit_log_workspace",
    sorted: true,
  },
  // ─── AI, usage, jobs, email, idempotency, billing ───
  {
    name: "ai_requests: a workspace's recent requests",
    sql: "SELECT * FROM ai_requests WHERE workspace_id = ? ORDER BY created_at DESC LIMIT ?",
    params: [WS, 50],
    index: "ai_requests_workspace",
    sorted: true,
  },
  {
    name: "ai_requests: cached answer by (workspace_id, cache_key)",
    sql: "SELECT * FROM ai_requests WHERE workspace_id = ? AND cache_key = ? AND status = 'ok' LIMIT 1",
    params: [WS, "key_3"],
    index: "ai_requests_cache",
  },
  {
    name: "idempotency_keys: by (workspace_id, key)",
    sql: "SELECT * FROM idempotency_keys WHERE workspace_id = ? AND key = ? LIMIT 1",
    params: [WS, "idem_3"],
  },
  {
    name: "email_outbox: queued emails, oldest first",
    sql: "SELECT * FROM email_outbox WHERE status = 'queued' ORDER BY created_at ASC LIMIT ?",
    params: [50],
    index: "email_outbox_status",
    sorted: true,
  },
  {
    name: "jobs: a workspace's jobs, newest first",
    sql: "SELECT * FROM jobs WHERE workspace_id = ? ORDER BY created_at DESC LIMIT ?",
    params: [WS, 20],
    index: "jobs_workspace",
    sorted: true,
  },
  {
    name: "jobs: one job in the workspace",
    sql: "SELECT * FROM jobs WHERE workspace_id = ? AND id = ? LIMIT 1",
    params: [WS, "job_3"],
  },
  {
    name: "usage_counters: the month's credits",
    sql: "SELECT credits_used FROM usage_counters WHERE workspace_id = ? AND period = ?",
    params: [WS, "2023-11"],
  },
  {
    name: "usage_daily: the month's roll-up by feature",
    sql: "SELECT feature, sum(requests), sum(credits) FROM usage_daily WHERE workspace_id = ? AND day >= ? GROUP BY feature",
    params: [WS, "2023-11-01"],
  },
  {
    name: "subscriptions: by workspace",
    sql: "SELECT * FROM subscriptions WHERE workspace_id = ?",
    params: [WS],
    index: "subscriptions_workspace_id_unique",
  },
  {
    name: "subscriptions: trials ending (cron)",
    sql: "SELECT * FROM subscriptions WHERE status = 'trialing' AND trial_ends_at <= ?",
    params: [T],
    index: "subscriptions_trial",
  },
  // ─── Housekeeping (edge/jobs/housekeeping.ts, daily, all workspaces) ───
  {
    name: "housekeeping: expired or long-revoked sessions",
    sql: "DELETE FROM sessions WHERE expires_at < ? OR (revoked_at IS NOT NULL AND revoked_at < ?)",
    params: [T, T - DAY],
  },
  {
    name: "housekeeping: expired idempotency keys",
    sql: "DELETE FROM idempotency_keys WHERE expires_at < ?",
    params: [T],
    index: "idempotency_keys_expires",
  },
  {
    name: "housekeeping: old invitations",
    sql: "DELETE FROM invitations WHERE expires_at < ?",
    params: [T - 30 * DAY],
    index: "invitations_expires",
  },
  {
    name: "housekeeping: content deleted past the restore window",
    sql: "DELETE FROM content_items WHERE deleted_at < ?",
    params: [T - 30 * DAY],
  },
  {
    name: "housekeeping: deals deleted past the restore window",
    sql: "DELETE FROM deals WHERE deleted_at < ?",
    params: [T - 30 * DAY],
    index: "deals_deleted",
  },
];

async function plan(sql: string, params: (string | number)[]): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((row) => row.detail);
}

/** What is wrong with a plan for `query`, one line each (empty when the plan is good). */
function problems(query: PlannedQuery, details: string[]): string[] {
  const found: string[] = [];
  const table = tableOf(query.sql);
  // A SCAN of a real table (even through an index) reads every tenant's rows.
  for (const line of details.filter(
    (d) => /^SCAN /.test(d) && !/VIRTUAL TABLE|CONSTANT ROW/.test(d),
  )) {
    found.push(`full scan: ${line}`);
  }
  const search = new RegExp(
    `^SEARCH ${table} USING (COVERING INDEX|INDEX|INTEGER PRIMARY KEY|PRIMARY KEY)`,
  );
  if (!details.some((line) => search.test(line)))
    found.push(`${table} is not searched through an index`);
  if (
    query.index &&
    !details.some(
      (line) => line.startsWith(`SEARCH ${table} `) && line.includes(`INDEX ${query.index} `),
    )
  ) {
    found.push(`${table} is not searched through ${query.index}`);
  }
  if (query.sorted) {
    for (const line of details.filter((d) => d.includes("USE TEMP B-TREE")))
      found.push(`sorts in memory: ${line}`);
  }
  return found;
}

/** A few hundred rows per table across three workspaces, with fixed ids and times. */
async function seed() {
  const series = (count: number) =>
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count}) `;
  const ws = "'ws_' || (i % 3)";
  const statements = [
    `INSERT INTO users (id, email, name) ${series(20)} SELECT 'usr_' || i, 'user' || i || '@example.com', 'User ' || i FROM n`,
    `INSERT INTO workspaces (id, name, created_by) ${series(3)} SELECT 'ws_' || (i - 1), 'Workspace ' || i, 'usr_' || i FROM n`,
    `INSERT INTO workspace_members (workspace_id, user_id, role) ${series(20)} SELECT ${ws}, 'usr_' || i, CASE WHEN i <= 3 THEN 'owner' ELSE 'member' END FROM n`,
    `INSERT INTO content_items (id, workspace_id, title, status, source_kind, source_video_id, scheduled_at, deleted_at, created_by, created_at, updated_at)
      ${series(300)} SELECT 'cnt_' || i, ${ws}, 'Item ' || i,
        CASE i % 5 WHEN 0 THEN 'idea' WHEN 1 THEN 'drafting' WHEN 2 THEN 'scheduled' WHEN 3 THEN 'published' ELSE 'archived' END,
        CASE WHEN i % 4 = 0 THEN 'youtube' ELSE 'manual' END,
        CASE WHEN i % 4 = 0 THEN 'vid_' || i END,
        CASE WHEN i % 5 IN (2, 3) THEN ${T} + i * 3600000 END,
        CASE WHEN i % 17 = 0 THEN ${T} - i * 60000 END,
        'usr_' || (i % 20 + 1), ${T} - i * 60000, ${T} - i * 60000 FROM n`,
    `INSERT INTO content_variants (id, workspace_id, content_id, platform, body, generated_by, created_at)
      ${series(300)} SELECT 'var_' || i, ${ws}, 'cnt_' || i, CASE i % 3 WHEN 0 THEN 'x' WHEN 1 THEN 'linkedin' ELSE 'tiktok' END, 'Body ' || i, 'ai', ${T} FROM n`,
    `INSERT INTO sponsors (id, workspace_id, name, domain) ${series(60)} SELECT 'spn_' || i, ${ws}, 'Brand ' || i, CASE WHEN i % 6 <> 0 THEN 'brand' || i || '.example' END FROM n`,
    // Nine stages per workspace (positions 0–8: open, won, paid, lost as in DEFAULT_STAGES).
    `INSERT INTO deal_stages (id, workspace_id, name, kind, position) ${series(27)} SELECT 'stg_' || (i % 3) || '_' || ((i - 1) / 3), ${ws}, 'Stage ' || i,
        CASE WHEN (i - 1) / 3 < 3 THEN 'open' WHEN (i - 1) / 3 < 7 THEN 'won' WHEN (i - 1) / 3 = 7 THEN 'paid' ELSE 'lost' END, (i - 1) / 3 FROM n`,
    `INSERT INTO deals (id, workspace_id, sponsor_id, title, stage_id, value_minor, currency, probability, expected_close_at, invoice_sent_at, paid_at, source_message_id, source_thread_id, owner_id, last_activity_at, deleted_at, created_at, updated_at)
      ${series(200)} SELECT 'deal_' || i, ${ws}, 'spn_' || ((i - 1) % 60 + 1), 'Deal ' || i, 'stg_' || (i % 3) || '_' || (i % 9),
        CASE WHEN i % 7 <> 0 THEN (i % 13) * 25000 END, CASE WHEN i % 4 = 0 THEN 'EUR' ELSE 'USD' END, CASE WHEN i % 3 <> 0 THEN i % 101 END,
        CASE WHEN i % 5 <> 0 THEN ${T} + i * 86400000 END, CASE WHEN i % 9 = 6 THEN ${T} - i * 86400000 END, CASE WHEN i % 18 = 6 THEN ${T} END,
        CASE WHEN i % 2 = 0 THEN 'msg_' || i END, CASE WHEN i % 2 = 0 THEN 'thread_' || (i % 20) END,
        'usr_' || (i % 20 + 1), ${T} - i * 3600000, CASE WHEN i % 23 = 0 THEN ${T} - i * 60000 END, ${T} - i * 60000, ${T} - i * 30000 FROM n`,
    `INSERT INTO deal_activities (id, workspace_id, deal_id, kind, body, created_at)
      ${series(300)} SELECT 'act_' || i, ${ws}, 'deal_' || ((i - 1) % 200 + 1), 'note', 'Note ' || i, ${T} - i * 1000 FROM n`,
    `INSERT INTO followups (id, workspace_id, deal_id, subject, body, due_at, status, reminder_sent_at)
      ${series(200)} SELECT 'fu_' || i, ${ws}, 'deal_' || i, 'Following up ' || i, '', ${T} + (i - 100) * 3600000,
        CASE WHEN i % 3 = 0 THEN 'sent' WHEN i % 11 = 0 THEN 'cancelled' ELSE 'pending' END, CASE WHEN i % 5 = 0 THEN ${T} END FROM n`,
    `INSERT INTO invitations (id, workspace_id, email, role, token_hash, expires_at, created_at)
      ${series(100)} SELECT 'inv_' || i, ${ws}, 'invitee' || i || '@example.com', 'member', 'hash_' || i, ${T} + (i - 50) * 86400000, ${T} - i * 1000 FROM n`,
    `INSERT INTO sessions (id, user_id, token_hash, client, expires_at, last_used_at, revoked_at)
      ${series(200)} SELECT 'ses_' || i, 'usr_' || (i % 20 + 1), 'hash_' || i, 'api', ${T} + (i - 100) * 86400000, ${T}, CASE WHEN i % 7 = 0 THEN ${T} - i * 1000 END FROM n`,
    `INSERT INTO audit_log (id, workspace_id, actor_id, action, created_at)
      ${series(300)} SELECT 'aud_' || i, ${ws}, 'usr_' || (i % 20 + 1), 'workspace.updated', ${T} - (i / 2) * 1000 FROM n`,
    `INSERT INTO ai_requests (id, workspace_id, user_id, feature, provider, model, status, cache_key, created_at)
      ${series(200)} SELECT 'air_' || i, ${ws}, 'usr_' || (i % 20 + 1), 'repurpose', 'offline', 'extractive', 'ok', 'key_' || (i % 50), ${T} - i * 1000 FROM n`,
    `INSERT INTO idempotency_keys (workspace_id, key, method, path, request_hash, expires_at)
      ${series(100)} SELECT ${ws}, 'idem_' || i, 'POST', '/api/content', 'h' || i, ${T} + (i - 50) * 3600000 FROM n`,
    `INSERT INTO email_outbox (id, workspace_id, dedupe_key, to_email, template, subject, status, created_at)
      ${series(100)} SELECT 'eml_' || i, ${ws}, 'dedupe_' || i, 'to' || i || '@example.com', 'followup', 'Subject', CASE WHEN i % 2 = 0 THEN 'queued' ELSE 'sent' END, ${T} - i * 1000 FROM n`,
    `INSERT INTO jobs (id, workspace_id, kind, created_at) ${series(100)} SELECT 'job_' || i, ${ws}, 'repurpose', ${T} - i * 1000 FROM n`,
    `INSERT INTO subscriptions (id, workspace_id, plan, status, trial_ends_at) ${series(3)} SELECT 'sub_' || i, 'ws_' || (i - 1), 'creator', 'trialing', ${T} + i * 86400000 FROM n`,
    `INSERT INTO usage_counters (workspace_id, period, credits_used) ${series(3)} SELECT 'ws_' || (i - 1), '2023-11', i FROM n`,
    `INSERT INTO email_preferences (email, user_id, time_zone, digest_next_at) ${series(20)} SELECT 'user' || i || '@example.com', 'usr_' || i, CASE WHEN i % 2 = 0 THEN 'Europe/London' ELSE 'America/New_York' END, CASE WHEN i % 4 <> 0 THEN ${T} + (i - 10) * 3600000 END FROM n`,
    `UPDATE deals SET deliverables = '[{"id":"dlv_1","platform":"youtube","kind":"integration","draftDueAt":' || (${T} + 86400000) || ',"approvedAt":null,"liveAt":null,"done":false,"contentId":null}]' WHERE id IN ('deal_3', 'deal_8', 'deal_13')`,
    `INSERT INTO usage_daily (workspace_id, day, feature, requests) ${series(90)} SELECT ${ws}, '2023-11-' || printf('%02d', i % 30 + 1), CASE WHEN i <= 30 THEN 'repurpose' WHEN i <= 60 THEN 'extract' ELSE 'capture' END, 1 FROM n`,
  ];
  await env.DB.batch(statements.map((statement) => env.DB.prepare(statement)));
}

beforeAll(seed);

it("seeded every table the queries read", async () => {
  const tables = [...new Set(QUERIES.map((query) => tableOf(query.sql)))];
  for (const table of tables) {
    const row = await env.DB.prepare(`SELECT count(*) AS rows FROM ${table}`).first<{
      rows: number;
    }>();
    expect(row?.rows, table).toBeGreaterThan(0);
  }
});

it("flags a query that scans (the checker itself works)", async () => {
  const query = {
    name: "unindexed",
    sql: "SELECT * FROM content_items WHERE title LIKE ? ORDER BY notes",
    params: ["x%"],
    sorted: true,
  };
  const found = problems(query, await plan(query.sql, query.params));
  expect(found.some((line) => line.startsWith("full scan: SCAN content_items"))).toBe(true);
  expect(found.some((line) => line.startsWith("sorts in memory"))).toBe(true);
});

describe("query plans", () => {
  it.each(QUERIES.map((query) => [query.name, query] as const))("%s", async (_, query) => {
    const details = await plan(query.sql, query.params);
    expect(problems(query, details), `plan:\n  ${details.join("\n  ")}`).toEqual([]);
  });
});

it("every foreign key column leads an index, so cascades and SET NULL never scan", async () => {
  const { results: tables } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations' ORDER BY name",
  ).all<{ name: string }>();
  const failures: string[] = [];
  let checked = 0;
  for (const { name } of tables) {
    const { results: keys } = await env.DB.prepare(`PRAGMA foreign_key_list(${name})`).all<{
      from: string;
      table: string;
    }>();
    for (const key of keys) {
      checked += 1;
      const sql = `SELECT 1 FROM ${name} WHERE ${key.from} = ?`;
      const details = await plan(sql, ["x"]);
      if (!details.some((line) => line.startsWith(`SEARCH ${name} USING`))) {
        failures.push(`${name}.${key.from} → ${key.table}: ${details.join("; ")}`);
      }
    }
  }
  expect(checked).toBeGreaterThan(20);
  expect(failures).toEqual([]);
});

describe("the other cron jobs' reads across workspaces (cross-workspace.ts)", () => {
  const db = createDb(env.DB);
  const now = new Date(T);
  const reads = [
    ["scheduled content due", "content_items_due", dueScheduledContent(db, { now, limit: 100 })],
    [
      "scheduled content due, after a cursor",
      "content_items_due",
      dueScheduledContent(db, { now, limit: 100, after: { at: T - 3_600_000, rowid: 7 } }),
    ],
    [
      "unpaid invoices past their terms",
      "deals_unpaid_invoices",
      overdueInvoices(db, { now, limit: 100, defaultTermsDays: 30 }),
    ],
    [
      "unpaid invoices, after a cursor",
      "deals_unpaid_invoices",
      overdueInvoices(db, {
        now,
        limit: 100,
        defaultTermsDays: 30,
        after: { at: T - 60 * DAY, id: "deal_60" },
      }),
    ],
    [
      "deals with deliverables",
      "deals_with_deliverables",
      dealsWithDeliverables(db, { limit: 200 }),
    ],
    [
      "deals with deliverables, after a cursor",
      "deals_with_deliverables",
      dealsWithDeliverables(db, { limit: 200, after: "deal_8" }),
    ],
    ["digests due", "email_preferences_digest_due", dueDigests(db, { now, limit: 100 })],
    [
      "digests due, after a cursor",
      "email_preferences_digest_due",
      dueDigests(db, {
        now,
        limit: 100,
        after: { at: T - 5 * 3_600_000, email: "user5@example.com" },
      }),
    ],
  ] as const;

  it.each(reads)("%s: walks %s in order, no scan, no sort", async (_, index, query) => {
    const { sql, params } = query.toSQL();
    const details = await plan(sql, params as (string | number)[]);
    const shown = `plan:\n  ${details.join("\n  ")}`;
    // The first line reads the job's own (partial) index. The deliverable job's first page walks
    // that index from its start — it holds only live deals that have deliverables — and every
    // other read seeks into its index.
    expect(details[0], shown).toMatch(new RegExp(`^(SEARCH|SCAN) \\w+ USING INDEX ${index}\\b`));
    if (details[0]?.startsWith("SCAN")) expect(index).toBe("deals_with_deliverables");
    expect(
      details
        .slice(1)
        .filter((line) => /^SCAN /.test(line) && !/VIRTUAL TABLE|CONSTANT ROW/.test(line)),
      shown,
    ).toEqual([]);
    expect(
      details.filter((line) => line.includes("USE TEMP B-TREE")),
      shown,
    ).toEqual([]);
  });

  it("the invoice read finds the reminders already logged by the unique dedupe key", async () => {
    const { sql, params } = overdueInvoices(db, { now, limit: 100, defaultTermsDays: 30 }).toSQL();
    const details = await plan(sql, params as (string | number)[]);
    expect(details.join("\n")).toMatch(
      /SEARCH email_outbox USING INDEX email_outbox_dedupe_key_unique \(dedupe_key=\?\) LEFT-JOIN/,
    );
  });
});

describe("the reminder job's due follow-ups (cross-workspace.ts dueFollowups)", () => {
  /** The index SQLite made for a table's TEXT PRIMARY KEY (`sqlite_autoindex_<table>_1`). */
  const primaryKeyIndex = async (table: string) => {
    const { results } = await env.DB.prepare(`PRAGMA index_list(${table})`).all<{
      name: string;
      origin: string;
    }>();
    const index = results.find((entry) => entry.origin === "pk")?.name;
    if (!index) throw new Error(`${table} has no primary key index`);
    return index;
  };

  it.each([
    ["the first batch", undefined],
    ["a batch after a cursor", { dueAt: new Date(T - 50 * 3_600_000), id: "fu_50" }],
  ] as const)(
    "%s walks followups_due_reminders in order and joins by primary key",
    async (_, after) => {
      const query = dueFollowups(createDb(env.DB), { now: new Date(T), limit: 100, after }).toSQL();
      const details = await plan(query.sql, query.params as (string | number)[]);
      const shown = `plan:\n  ${details.join("\n  ")}`;
      const searches = details.filter((line) => line.startsWith("SEARCH "));
      expect(searches[0], shown).toMatch(
        /^SEARCH followups USING INDEX followups_due_reminders \(/,
      );
      expect(searches, shown).toContainEqual(
        `SEARCH deals USING INDEX ${await primaryKeyIndex("deals")} (id=?)`,
      );
      // A LEFT JOIN: a deal whose stage was never set still reminds.
      expect(searches, shown).toContainEqual(
        `SEARCH deal_stages USING INDEX ${await primaryKeyIndex("deal_stages")} (id=?) LEFT-JOIN`,
      );
      expect(searches, shown).toHaveLength(3);
      expect(
        details.filter((line) => line.startsWith("BLOOM FILTER")),
        shown,
      ).toEqual([]);
      expect(
        details.filter((line) => /^SCAN /.test(line) && !/VIRTUAL TABLE|CONSTANT ROW/.test(line)),
        shown,
      ).toEqual([]);
      expect(
        details.filter((line) => line.includes("USE TEMP B-TREE")),
        shown,
      ).toEqual([]);
    },
  );
});
