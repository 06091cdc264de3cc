/**
 * The pipeline at a glance: per stage the number of deals, how many went stale, and their value
 * and probability-weighted value per currency; plus what is booked, invoiced, paid and overdue,
 * per currency. Money is never summed across currencies.
 *
 * Two queries: the stages, and one GROUP BY (stage, currency) aggregate over the covering index
 * `deals_pipeline` (schema/crm.ts) — no deal row is loaded. What depends on a stage's kind is
 * decided per group afterwards, since every group lies in one stage.
 *
 * Rules (ours, where the issue leaves a choice):
 * - weighted = value × probability / 100, rounded once per stage and currency; a deal without a
 *   probability counts fully in won and paid stages (it is contracted) and not at all in open
 *   and lost ones.
 * - booked: deals in won and paid stages.
 * - paid: deals in a paid stage, or with `paidAt` set (lost deals excepted).
 * - invoiced: `invoiceSentAt` set and not paid, outside paid and lost stages; overdue: of those,
 *   the ones whose payment terms have passed since the invoice (Net 30 when no terms are set,
 *   the usual default of sponsorship contracts).
 * - stale: stale.ts.
 */
import { count, isNull, type SQL, sql } from "drizzle-orm";
import type { StageKind, TotalsByCurrency } from "../../shared/crm";
import { deals } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { stageRows } from "./stages";
import { STALE_AFTER_DAYS, staleBefore } from "./stale";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Payment terms assumed when a deal has none. */
export const DEFAULT_PAYMENT_TERMS_DAYS = 30;

export interface PipelineStage {
  stageId: string;
  name: string;
  kind: StageKind;
  position: number;
  count: number;
  staleCount: number;
  totals: Record<string, { valueMinor: number; weightedMinor: number }>;
}

export interface Pipeline {
  stages: PipelineStage[];
  booked: TotalsByCurrency;
  invoiced: TotalsByCurrency;
  paid: TotalsByCurrency;
  overdue: TotalsByCurrency;
  staleAfterDays: typeof STALE_AFTER_DAYS;
  asOf: string;
}

const total = (condition: SQL) =>
  sql<number>`coalesce(sum(CASE WHEN ${condition} THEN ${deals.valueMinor} END), 0)`;
const tally = (condition: SQL) => sql<number>`count(CASE WHEN ${condition} THEN 1 END)`;

function add(totals: TotalsByCurrency, currency: string, count: number, valueMinor: number) {
  if (!count) return;
  const entry = totals[currency] ?? { count: 0, valueMinor: 0 };
  entry.count += count;
  entry.valueMinor += valueMinor;
  totals[currency] = entry;
}

export async function pipelineTotals(ctx: WorkspaceContext, now = Date.now()): Promise<Pipeline> {
  const lastActivity = sql`coalesce(${deals.lastActivityAt}, ${deals.createdAt})`;
  const paidAt = sql`${deals.paidAt} IS NOT NULL`;
  const unpaidInvoice = sql`${deals.invoiceSentAt} IS NOT NULL AND ${deals.paidAt} IS NULL`;
  const overdue = sql`${unpaidInvoice} AND ${deals.invoiceSentAt} + coalesce(${deals.paymentTermsDays}, ${DEFAULT_PAYMENT_TERMS_DAYS}) * ${DAY_MS} < ${now}`;
  const [stages, groups] = await Promise.all([
    stageRows(ctx),
    ctx.db
      .select({
        stageId: deals.stageId,
        currency: deals.currency,
        count: count(),
        valueMinor: sql<number>`coalesce(sum(${deals.valueMinor}), 0)`,
        // Exact integer arithmetic in SQLite; divided by 100 (and rounded) once, below.
        valueTimesProbability: sql<number>`coalesce(sum(${deals.valueMinor} * ${deals.probability}), 0)`,
        valueWithoutProbability: total(sql`${deals.probability} IS NULL`),
        staleIfOpen: tally(sql`${lastActivity} < ${staleBefore("open", now) ?? 0}`),
        staleIfWon: tally(sql`${lastActivity} < ${staleBefore("won", now) ?? 0}`),
        paidCount: tally(paidAt),
        paidMinor: total(paidAt),
        invoicedCount: tally(unpaidInvoice),
        invoicedMinor: total(unpaidInvoice),
        overdueCount: tally(overdue),
        overdueMinor: total(overdue),
      })
      .from(deals)
      .where(ctx.scope.where(deals, isNull(deals.deletedAt)))
      .groupBy(deals.stageId, deals.currency),
  ]);

  const pipeline: Pipeline = {
    stages: stages.map((stage) => ({
      stageId: stage.id,
      name: stage.name,
      kind: stage.kind,
      position: stage.position,
      count: 0,
      staleCount: 0,
      totals: {},
    })),
    booked: {},
    invoiced: {},
    paid: {},
    overdue: {},
    staleAfterDays: STALE_AFTER_DAYS,
    asOf: new Date(now).toISOString(),
  };
  const byId = new Map(pipeline.stages.map((stage) => [stage.stageId, stage]));
  for (const group of groups) {
    const stage = group.stageId ? byId.get(group.stageId) : undefined;
    if (!stage) continue;
    const { kind } = stage;
    const certain = kind === "won" || kind === "paid";
    stage.count += group.count;
    stage.staleCount += kind === "open" ? group.staleIfOpen : kind === "won" ? group.staleIfWon : 0;
    stage.totals[group.currency] = {
      valueMinor: group.valueMinor,
      weightedMinor:
        roundHalfAway(group.valueTimesProbability / 100) +
        (certain ? group.valueWithoutProbability : 0),
    };
    if (certain) add(pipeline.booked, group.currency, group.count, group.valueMinor);
    if (kind === "paid") add(pipeline.paid, group.currency, group.count, group.valueMinor);
    if (kind === "paid" || kind === "lost") continue;
    add(pipeline.paid, group.currency, group.paidCount, group.paidMinor);
    add(pipeline.invoiced, group.currency, group.invoicedCount, group.invoicedMinor);
    add(pipeline.overdue, group.currency, group.overdueCount, group.overdueMinor);
  }
  return pipeline;
}

/** Rounds half away from zero, so a credit and a charge of the same size weigh the same. */
function roundHalfAway(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}
