/**
 * The follow-ups benchmarks' fixture (followups.bench-test.ts, reminders.bench-test.ts): 10,000
 * follow-ups in 100 workspaces of 10 deals each, with an owner per workspace, as of `NOW` — of
 * every 20, 12 pending and due, 2 not yet due, 2 sent, 2 cancelled, 2 reminded — and a few
 * deals closed or deleted with their pending follow-ups left behind. Each bench file runs in its
 * own isolated storage, so each seeds it (`seedFollowupFixture` in its `beforeAll`).
 */
import { env } from "cloudflare:workers";
import { DEFAULT_STAGES } from "../../shared/crm";

export const WORKSPACES = 100;
export const DEALS_PER_WORKSPACE = 10;
export const FOLLOWUPS = 10_000;
const ROWS_PER_INSERT = 250;
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The run's clock. */
export const NOW = Date.UTC(2026, 10, 20, 9);

/** Of every 20 follow-ups: 12 pending and due (60%), 2 not yet due, 2 sent, 2 cancelled, 2 reminded. */
export type Kind = "due" | "future" | "sent" | "cancelled" | "reminded";
export function kindOf(i: number): Kind {
  const slot = i % 20;
  if (slot < 12) return "due";
  if (slot < 14) return "future";
  if (slot < 16) return "sent";
  if (slot < 18) return "cancelled";
  return "reminded";
}

export const followupIdOf = (i: number) => `fu_fub${String(i).padStart(5, "0")}`;
export const workspaceOf = (i: number) => `ws_fub${i % WORKSPACES}`;
export const dealOf = (i: number) =>
  `deal_fub${i % WORKSPACES}_${Math.floor(i / WORKSPACES) % DEALS_PER_WORKSPACE}`;
/** Past due times over 90 days in 10-minute steps: about two follow-ups share each instant. */
export const dueAtOf = (i: number) =>
  kindOf(i) === "future"
    ? NOW + (1 + (i % 500)) * HOUR
    : NOW - (1 + ((i * 37) % 5_000)) * 10 * MINUTE;

/**
 * A few deals closed or deleted, their pending follow-ups left behind (a follow-up taken back
 * by hand after the deal closed; a deal deleted within its 30-day restore window): they stay in
 * the partial index, so the query reads past them.
 */
export const CLOSED_DEALS = new Map<string, "Paid" | "Lost" | "deleted">([
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

/**
 * The ids of the follow-ups due for a reminder at `NOW` (pending, due, not reminded, on a live
 * deal that is not paid or lost), soonest first: (due_at, id) order, as `dueFollowups` pages.
 */
export function dueFollowupIds(): string[] {
  return Array.from({ length: FOLLOWUPS }, (_, i) => i)
    .filter((i) => kindOf(i) === "due" && !CLOSED_DEALS.has(dealOf(i)))
    .map((i) => ({ id: followupIdOf(i), dueAt: dueAtOf(i) }))
    .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((followup) => followup.id);
}

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

/**
 * Writes the fixture to `env.DB` (users, workspaces with their owner's membership, stages,
 * deals, follow-ups) in one batch, then runs ANALYZE. Every follow-up is assigned to and
 * written by its workspace's owner.
 */
export async function seedFollowupFixture(): Promise<void> {
  const users: string[] = [];
  const workspaces: string[] = [];
  const members: string[] = [];
  const stages: string[] = [];
  const deals: string[] = [];
  for (let w = 0; w < WORKSPACES; w++) {
    users.push(`('usr_fub${w}', 'owner${w}@followups-bench.example')`);
    workspaces.push(`('ws_fub${w}', 'Workspace ${w}', 'usr_fub${w}')`);
    members.push(`('ws_fub${w}', 'usr_fub${w}', 'owner')`);
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
      `('${followupIdOf(i)}', '${workspaceOf(i)}', '${dealOf(i)}', '{"name":"Contact ${i}","email":"contact${i}@brand.example"}', 'Following up on deal ${i}', 'Hi, just checking in on the proposal for deal ${i}.', ${dueAt}, '${status}', ${sentAt}, ${reminderSentAt}, '${owner}', '${owner}')`,
    );
  }
  await env.DB.batch([
    ...inserts("users", "id, email", users),
    ...inserts("workspaces", "id, name, created_by", workspaces),
    ...inserts("workspace_members", "workspace_id, user_id, role", members),
    ...inserts("deal_stages", "id, workspace_id, name, kind, position", stages),
    ...inserts("deals", "id, workspace_id, title, stage_id, owner_id, deleted_at", deals),
    ...inserts(
      "followups",
      "id, workspace_id, deal_id, to_contact, subject, body, due_at, status, sent_at, reminder_sent_at, assignee_id, created_by",
      followups,
    ),
  ]);
  await env.DB.prepare("ANALYZE").run();
}
