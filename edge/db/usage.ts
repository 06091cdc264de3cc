/**
 * Monthly AI credits. A charge is one conditional UPSERT, so two concurrent requests can
 * never both spend the last credit: SQLite applies them one after the other and the second
 * finds the counter at the limit.
 */
import { eq, gte, sql, sum } from "drizzle-orm";
import { PLANS, type PlanId } from "../../shared/plans";
import { usageCounters, usageDaily } from "./schema";
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
