/**
 * The reminder job's read (edge/db/cross-workspace.ts `dueFollowups`) on real D1: pending
 * follow-ups due by `now` whose reminder was not sent, across every workspace, in `(due_at, id)`
 * order, batch after batch with a keyset cursor. Rows are inserted straight into D1 with fixed
 * ids and times, so every follow-up this file expects (or refuses) is named.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_STAGES } from "../../shared/crm";
import { createDb } from "../db/client";
import { type DueFollowupCursor, dueFollowups } from "../db/cross-workspace";
import { dealStages, deals, followups, users, workspaces } from "../db/schema";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The run's clock: 2026-11-20T09:00:00Z. */
const T = Date.UTC(2026, 10, 20, 9);

const db = createDb(env.DB);

const WORKSPACES = ["ws_due_a", "ws_due_b", "ws_due_c"] as const;
type Workspace = (typeof WORKSPACES)[number];
type DealKey = "open" | "won" | "paid" | "lost" | "gone";

const stageId = (workspace: Workspace, name: string) => `stg_${workspace}_${name.toLowerCase()}`;
const dealId = (workspace: Workspace, key: DealKey) => `deal_${workspace}_${key}`;
/** The stage each of a workspace's deals sits in; `gone` is deleted. */
const DEAL_STAGES: Record<DealKey, string> = {
  open: "Negotiating",
  won: "Contracted",
  paid: "Paid",
  lost: "Lost",
  gone: "Lead",
};

interface SeedFollowup {
  id: string;
  workspace: Workspace;
  deal: DealKey;
  dueAt: number;
  status?: "pending" | "sent" | "cancelled";
  reminderSentAt?: number;
  to?: { name?: string; email: string } | null;
  assigneeId?: string | null;
}

/** Due, pending, not reminded, on a live deal in an open or won stage: the answer, in order. */
const DUE: SeedFollowup[] = [
  // A run that never happened: due three months ago, still waiting.
  { id: "fu_missed", workspace: "ws_due_b", deal: "won", dueAt: T - 90 * DAY },
  { id: "fu_week", workspace: "ws_due_c", deal: "open", dueAt: T - 7 * DAY },
  { id: "fu_no_recipient", workspace: "ws_due_b", deal: "open", dueAt: T - 2 * DAY, to: null },
  // Three due at the same instant in three workspaces: the id breaks the tie, not the workspace.
  { id: "fu_tie_1", workspace: "ws_due_c", deal: "won", dueAt: T - DAY },
  { id: "fu_tie_2", workspace: "ws_due_b", deal: "open", dueAt: T - DAY },
  { id: "fu_tie_3", workspace: "ws_due_a", deal: "open", dueAt: T - DAY },
  { id: "fu_hour", workspace: "ws_due_a", deal: "won", dueAt: T - HOUR },
  // Due at the very instant of the run: `due_at <= now`.
  { id: "fu_now", workspace: "ws_due_c", deal: "open", dueAt: T },
];
const DUE_IDS = DUE.map((followup) => followup.id);

/** Each left out for one reason only; all but the first fell due before the run. */
const LEFT_OUT = {
  notYetDue: { id: "fu_x_future", workspace: "ws_due_a", deal: "open", dueAt: T + 1 },
  sent: {
    id: "fu_x_sent",
    workspace: "ws_due_b",
    deal: "open",
    dueAt: T - 3 * DAY,
    status: "sent",
  },
  cancelled: {
    id: "fu_x_cancelled",
    workspace: "ws_due_c",
    deal: "open",
    dueAt: T - 3 * DAY,
    status: "cancelled",
  },
  reminded: {
    id: "fu_x_reminded",
    workspace: "ws_due_a",
    deal: "open",
    dueAt: T - 3 * DAY,
    reminderSentAt: T - 2 * DAY,
  },
  deletedDeal: { id: "fu_x_deleted_deal", workspace: "ws_due_a", deal: "gone", dueAt: T - 3 * DAY },
  paidDeal: { id: "fu_x_paid_deal", workspace: "ws_due_b", deal: "paid", dueAt: T - 3 * DAY },
  lostDeal: { id: "fu_x_lost_deal", workspace: "ws_due_c", deal: "lost", dueAt: T - 3 * DAY },
} satisfies Record<string, SeedFollowup>;

const ownerOf = (workspace: Workspace) => `usr_${workspace}_owner`;
const assistantOf = (workspace: Workspace) => `usr_${workspace}_assistant`;

async function seed() {
  const statements = [
    db.insert(users).values(
      WORKSPACES.flatMap((workspace) => [
        { id: ownerOf(workspace), email: `owner@${workspace}.example` },
        { id: assistantOf(workspace), email: `assistant@${workspace}.example` },
      ]),
    ),
    db.insert(workspaces).values(
      WORKSPACES.map((workspace) => ({
        id: workspace,
        name: `Workspace ${workspace}`,
        createdBy: ownerOf(workspace),
      })),
    ),
    ...WORKSPACES.map((workspace) =>
      db.insert(dealStages).values(
        DEFAULT_STAGES.map((stage, position) => ({
          id: stageId(workspace, stage.name),
          workspaceId: workspace,
          name: stage.name,
          kind: stage.kind,
          position,
        })),
      ),
    ),
    ...WORKSPACES.map((workspace) =>
      db.insert(deals).values(
        (Object.keys(DEAL_STAGES) as DealKey[]).map((key) => ({
          id: dealId(workspace, key),
          workspaceId: workspace,
          title: `${workspace} ${key} deal`,
          stageId: stageId(workspace, DEAL_STAGES[key]),
          deletedAt: key === "gone" ? new Date(T - DAY) : null,
        })),
      ),
    ),
    ...[...DUE, ...Object.values(LEFT_OUT)].map((followup: SeedFollowup) =>
      db.insert(followups).values({
        id: followup.id,
        workspaceId: followup.workspace,
        dealId: dealId(followup.workspace, followup.deal),
        to:
          followup.to === undefined
            ? { name: "Priya Shah", email: `priya+${followup.id}@brand.example` }
            : followup.to,
        subject: `Subject of ${followup.id}`,
        body: `Body of ${followup.id}`,
        dueAt: new Date(followup.dueAt),
        status: followup.status ?? "pending",
        sentAt: followup.status === "sent" ? new Date(followup.dueAt) : null,
        reminderSentAt: followup.reminderSentAt ? new Date(followup.reminderSentAt) : null,
        assigneeId:
          followup.assigneeId === undefined ? assistantOf(followup.workspace) : followup.assigneeId,
        createdBy: ownerOf(followup.workspace),
      }),
    ),
  ] as const;
  await db.batch(statements);
}

beforeAll(async () => {
  // The query reads every workspace: only this file's rows may be in the database.
  expect(await env.DB.prepare("SELECT count(*) AS n FROM followups").first("n")).toBe(0);
  await seed();
});

/** One run's read: the ids it answers at `now`, in one batch of up to 100. */
const dueIds = async (now = T) =>
  (await dueFollowups(db, { now: new Date(now), limit: 100 })).map((row) => row.id);

/** Pages through every due follow-up `limit` at a time, as the reminder job does. */
async function pageThrough(limit: number, onBatch?: (ids: string[]) => Promise<void>) {
  const batches: string[][] = [];
  let after: DueFollowupCursor | undefined;
  for (;;) {
    const rows = await dueFollowups(db, { now: new Date(T), limit, after });
    expect(rows.length).toBeLessThanOrEqual(limit);
    batches.push(rows.map((row) => row.id));
    await onBatch?.(rows.map((row) => row.id));
    const last = rows.at(-1);
    if (!last) return batches;
    after = { dueAt: last.dueAt, id: last.id };
    // A loop that never ends would fail by timeout; this fails with the batches so far.
    expect(batches.length).toBeLessThanOrEqual(DUE.length + 1);
  }
}

describe("dueFollowups (the reminder job's read across workspaces)", () => {
  it("answers the due pending follow-ups of every workspace, soonest first, ties by id", async () => {
    const rows = await dueFollowups(db, { now: new Date(T), limit: 100 });
    expect(rows.map((row) => row.id)).toEqual(DUE_IDS);
    expect(new Set(rows.map((row) => row.workspaceId))).toEqual(new Set(WORKSPACES));
    const dueTimes = rows.map((row) => row.dueAt.getTime());
    expect(dueTimes).toEqual(DUE.map((followup) => followup.dueAt));
  });

  it("carries what the reminder needs: workspace, deal and its title, subject, recipient, assignee", async () => {
    const rows = await dueFollowups(db, { now: new Date(T), limit: 100 });
    expect(rows.find((row) => row.id === "fu_tie_3")).toEqual({
      id: "fu_tie_3",
      workspaceId: "ws_due_a",
      dealId: "deal_ws_due_a_open",
      dealTitle: "ws_due_a open deal",
      dueAt: new Date(T - DAY),
      subject: "Subject of fu_tie_3",
      to: { name: "Priya Shah", email: "priya+fu_tie_3@brand.example" },
      assigneeId: "usr_ws_due_a_assistant",
      createdBy: "usr_ws_due_a_owner",
      stageKind: "open",
    });
    expect(rows.find((row) => row.id === "fu_missed")).toMatchObject({
      workspaceId: "ws_due_b",
      dealId: "deal_ws_due_b_won",
      dealTitle: "ws_due_b won deal",
      stageKind: "won",
    });
    // No recipient on file yet: the reminder goes to the assignee all the same.
    expect(rows.find((row) => row.id === "fu_no_recipient")).toMatchObject({
      to: null,
      assigneeId: "usr_ws_due_b_assistant",
    });
  });

  describe("leaves out, each for its one reason (and answers it once the reason is gone)", () => {
    const restored = (sql: string, undo: string) => ({ sql, undo });
    const cases: [string, { id: string }, { sql: string; undo: string } | "later run"][] = [
      ["one not yet due", LEFT_OUT.notYetDue, "later run"],
      [
        "one already sent",
        LEFT_OUT.sent,
        restored(
          "UPDATE followups SET status = 'pending', sent_at = NULL WHERE id = 'fu_x_sent'",
          `UPDATE followups SET status = 'sent', sent_at = ${T - 3 * DAY} WHERE id = 'fu_x_sent'`,
        ),
      ],
      [
        "a cancelled one",
        LEFT_OUT.cancelled,
        restored(
          "UPDATE followups SET status = 'pending' WHERE id = 'fu_x_cancelled'",
          "UPDATE followups SET status = 'cancelled' WHERE id = 'fu_x_cancelled'",
        ),
      ],
      [
        "one whose reminder was sent",
        LEFT_OUT.reminded,
        restored(
          "UPDATE followups SET reminder_sent_at = NULL WHERE id = 'fu_x_reminded'",
          `UPDATE followups SET reminder_sent_at = ${T - 2 * DAY} WHERE id = 'fu_x_reminded'`,
        ),
      ],
      [
        "one of a deleted deal",
        LEFT_OUT.deletedDeal,
        restored(
          "UPDATE deals SET deleted_at = NULL WHERE id = 'deal_ws_due_a_gone'",
          `UPDATE deals SET deleted_at = ${T - DAY} WHERE id = 'deal_ws_due_a_gone'`,
        ),
      ],
      [
        "one of a deal in a paid stage",
        LEFT_OUT.paidDeal,
        restored(
          "UPDATE deals SET stage_id = 'stg_ws_due_b_invoiced' WHERE id = 'deal_ws_due_b_paid'",
          "UPDATE deals SET stage_id = 'stg_ws_due_b_paid' WHERE id = 'deal_ws_due_b_paid'",
        ),
      ],
      [
        "one of a deal in a lost stage",
        LEFT_OUT.lostDeal,
        restored(
          "UPDATE deals SET stage_id = 'stg_ws_due_c_lead' WHERE id = 'deal_ws_due_c_lost'",
          "UPDATE deals SET stage_id = 'stg_ws_due_c_lost' WHERE id = 'deal_ws_due_c_lost'",
        ),
      ],
    ];

    it.each(cases)("%s", async (_, { id }, comeback) => {
      expect(await dueIds()).not.toContain(id);
      if (comeback === "later run") {
        expect(await dueIds(T + 1)).toContain(id);
        return;
      }
      // The same row with the reason undone is answered: nothing else keeps it out.
      await env.DB.prepare(comeback.sql).run();
      try {
        expect(await dueIds()).toEqual([...DUE_IDS, id].sort(byDueThenId));
      } finally {
        await env.DB.prepare(comeback.undo).run();
      }
      expect(await dueIds()).toEqual(DUE_IDS);
    });
  });

  it.each([1, 2, 3, 100])(
    "batches of %i visit every due follow-up exactly once, in order",
    async (limit) => {
      const batches = await pageThrough(limit);
      expect(batches.flat()).toEqual(DUE_IDS);
      expect(batches.at(-1)).toEqual([]);
      expect(batches.slice(0, -1).every((batch) => batch.length > 0)).toBe(true);
      expect(batches).toHaveLength(Math.ceil(DUE.length / limit) + 1);
    },
  );

  it("a batch boundary inside a tie of due times splits it by id, skipping and repeating none", async () => {
    // fu_tie_1..3 are answers 4 to 6: batches of 2 end after fu_tie_1.
    const batches = await pageThrough(2);
    expect(batches[1]).toEqual(["fu_no_recipient", "fu_tie_1"]);
    expect(batches[2]).toEqual(["fu_tie_2", "fu_tie_3"]);
  });

  it("paging still visits each once when the job marks every batch reminded as it goes", async () => {
    try {
      const batches = await pageThrough(3, async (ids) => {
        if (ids.length === 0) return;
        await env.DB.prepare(
          `UPDATE followups SET reminder_sent_at = ? WHERE id IN (${ids.map(() => "?").join(", ")})`,
        )
          .bind(T, ...ids)
          .run();
      });
      expect(batches.flat()).toEqual(DUE_IDS);
      // The next run answers only what fell due since.
      expect(await dueIds(T + 15 * MINUTE)).toEqual([LEFT_OUT.notYetDue.id]);
    } finally {
      await env.DB.prepare(
        `UPDATE followups SET reminder_sent_at = NULL WHERE id IN (${DUE_IDS.map(() => "?").join(", ")})`,
      )
        .bind(...DUE_IDS)
        .run();
    }
    expect(await dueIds()).toEqual(DUE_IDS);
  });

  it("a deal whose stage was never set still reminds: its stage counts as open", async () => {
    const first = DUE[0] as SeedFollowup;
    const id = dealId(first.workspace, first.deal);
    const stage = await env.DB.prepare("SELECT stage_id FROM deals WHERE id = ?")
      .bind(id)
      .first("stage_id");
    await env.DB.prepare("UPDATE deals SET stage_id = NULL WHERE id = ?").bind(id).run();
    try {
      expect(await dueIds()).toEqual(DUE_IDS);
    } finally {
      await env.DB.prepare("UPDATE deals SET stage_id = ? WHERE id = ?").bind(stage, id).run();
    }
  });

  it("a follow-up that fell due while no run happened is answered by the next run, first", async () => {
    // fu_missed fell due 90 days before T; a run a month later still finds it.
    const later = await dueIds(T + 30 * DAY);
    expect(later[0]).toBe("fu_missed");
    expect(later).toEqual([...DUE_IDS, LEFT_OUT.notYetDue.id].sort(byDueThenId));
  });
});

/** Every seeded follow-up's due time, for sorting expected lists the way the query does. */
const dueAtOf = new Map(
  [...DUE, ...Object.values(LEFT_OUT)].map((followup: SeedFollowup) => [
    followup.id,
    followup.dueAt,
  ]),
);
function byDueThenId(a: string, b: string) {
  const byDue = (dueAtOf.get(a) ?? 0) - (dueAtOf.get(b) ?? 0);
  return byDue !== 0 ? byDue : a < b ? -1 : a > b ? 1 : 0;
}
