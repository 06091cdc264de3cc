/**
 * Monthly AI credits. A charge is one conditional UPSERT, so two concurrent requests can
 * never both spend the last credit: SQLite applies them one after the other and the second
 * finds the counter at the limit.
 */
import { and, count, eq, gte, lt, ne, sql, sum } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { PLANS, type PlanId } from "../../shared/plans";
import {
  aiRequests,
  contentItems,
  deals,
  emailOutbox,
  usageCounters,
  usageDaily,
  usageRollups,
} from "./schema";
import type { WorkspaceScope } from "./scope";

/** `2026-11`: the UTC calendar month credits are counted in. */
export function usagePeriod(at = new Date()): string {
  return at.toISOString().slice(0, 7);
}

/** The first instant of the next UTC month, when credits reset. */
export function resetDate(at = new Date()): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

/** Spends `credits` if the month's total stays within the plan; false when it would not. */
export async function chargeCredits(
  scope: WorkspaceScope,
  plan: PlanId,
  credits: number,
): Promise<boolean> {
  const limit = PLANS[plan].monthlyAiCredits;
  const period = usagePeriod();
  // The workspace's own row (primary key workspace_id + period) is the only one touched.
  const rows = await scope.db.all<{ credits_used: number }>(sql`
    INSERT INTO usage_counters (workspace_id, period, credits_used, updated_at)
    SELECT ${scope.workspaceId}, ${period}, ${credits}, ${Date.now()} WHERE ${credits} <= ${limit}
    ON CONFLICT (workspace_id, period) DO UPDATE
      SET credits_used = credits_used + excluded.credits_used, updated_at = excluded.updated_at
      WHERE usage_counters.credits_used + excluded.credits_used <= ${limit}
    RETURNING credits_used`);
  return rows.length > 0;
}

/** Gives credits back when the work they paid for failed or was abandoned. */
export async function refundCredits(scope: WorkspaceScope, credits: number): Promise<void> {
  await scope.update(
    usageCounters,
    { creditsUsed: sql`max(0, ${usageCounters.creditsUsed} - ${credits})`, updatedAt: new Date() },
    eq(usageCounters.period, usagePeriod()),
  );
}

export interface DailyUsage {
  feature: string;
  credits: number;
  promptTokens: number;
  completionTokens: number;
  costMicros: number;
}

/** The day's roll-up row for a feature, added to in the same batch as the AI request record. */
export function addDailyUsage(scope: WorkspaceScope, usage: DailyUsage, at = new Date()) {
  const day = at.toISOString().slice(0, 10);
  return scope.insert(usageDaily, { ...usage, day, requests: 1 }).onConflictDoUpdate({
    target: [usageDaily.workspaceId, usageDaily.day, usageDaily.feature],
    set: {
      requests: sql`${usageDaily.requests} + 1`,
      credits: sql`${usageDaily.credits} + ${usage.credits}`,
      promptTokens: sql`${usageDaily.promptTokens} + ${usage.promptTokens}`,
      completionTokens: sql`${usageDaily.completionTokens} + ${usage.completionTokens}`,
      costMicros: sql`${usageDaily.costMicros} + ${usage.costMicros}`,
    },
  });
}

/** This month's credits (used, left, limit, reset) and per-feature totals. */
export async function usageSummary(scope: WorkspaceScope, plan: PlanId, at = new Date()) {
  const period = usagePeriod(at);
  const db = scope.db;
  const [counterRows, featureRows] = await db.batch([
    db
      .select({ used: usageCounters.creditsUsed })
      .from(usageCounters)
      .where(scope.where(usageCounters, eq(usageCounters.period, period))),
    db
      .select({
        feature: usageDaily.feature,
        requests: sum(usageDaily.requests).mapWith(Number),
        credits: sum(usageDaily.credits).mapWith(Number),
        costMicros: sum(usageDaily.costMicros).mapWith(Number),
      })
      .from(usageDaily)
      .where(scope.where(usageDaily, gte(usageDaily.day, `${period}-01`)))
      .groupBy(usageDaily.feature),
  ]);
  const limit = PLANS[plan].monthlyAiCredits;
  const used = counterRows[0]?.used ?? 0;
  return {
    plan,
    period,
    creditsLimit: limit,
    creditsUsed: used,
    creditsLeft: Math.max(0, limit - used),
    resetsAt: resetDate(at).toISOString(),
    byFeature: featureRows,
  };
}

/**
 * Rolls up workspace `scope`'s UTC day `day` (`YYYY-MM-DD`) into `usage_rollups`: AI calls
 * (answered by a provider; cache hits are not calls), credits, tokens and cost from
 * `ai_requests`, content items and deals created that day (deleted since or not), emails sent.
 * Recomputed from those tables and written with an upsert, so rolling a day up twice leaves
 * the same row. A day with nothing to count writes no row. Answers the counts.
 */
export async function rollUpUsage(scope: WorkspaceScope, day: string) {
  const start = new Date(`${day}T00:00:00.000Z`);
  const end = new Date(start.getTime() + 24 * 60 * 60 * 1000);
  const during = (column: SQLiteColumn) => and(gte(column, start), lt(column, end));
  const [[ai], [content], [dealRows], [emails]] = await scope.db.batch([
    scope.db
      .select({
        calls: count(),
        credits: sql<number>`coalesce(sum(${aiRequests.credits}), 0)`,
        promptTokens: sql<number>`coalesce(sum(${aiRequests.promptTokens}), 0)`,
        completionTokens: sql<number>`coalesce(sum(${aiRequests.completionTokens}), 0)`,
        costMicros: sql<number>`coalesce(sum(${aiRequests.costMicros}), 0)`,
      })
      .from(aiRequests)
      .where(
        scope.where(aiRequests, during(aiRequests.createdAt), ne(aiRequests.status, "cached")),
      ),
    scope.db
      .select({ n: count() })
      .from(contentItems)
      .where(scope.where(contentItems, during(contentItems.createdAt))),
    scope.db
      .select({ n: count() })
      .from(deals)
      .where(scope.where(deals, during(deals.createdAt))),
    scope.db
      .select({ n: count() })
      .from(emailOutbox)
      .where(scope.where(emailOutbox, eq(emailOutbox.status, "sent"), during(emailOutbox.sentAt))),
  ]);
  const totals = {
    aiCalls: ai?.calls ?? 0,
    credits: Number(ai?.credits ?? 0),
    promptTokens: Number(ai?.promptTokens ?? 0),
    completionTokens: Number(ai?.completionTokens ?? 0),
    costMicros: Number(ai?.costMicros ?? 0),
    contentCreated: content?.n ?? 0,
    dealsCreated: dealRows?.n ?? 0,
    emailsSent: emails?.n ?? 0,
  };
  if (Object.values(totals).every((value) => value === 0)) return totals;
  const now = new Date();
  await scope.insert(usageRollups, { day, ...totals, updatedAt: now }).onConflictDoUpdate({
    target: [usageRollups.workspaceId, usageRollups.day],
    set: { ...totals, updatedAt: now },
  });
  return totals;
}
