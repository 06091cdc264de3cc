/**
 * The one metered AI call every feature goes through (repurposing now; deal extraction and
 * follow-up drafts next): cache look-up → rate limit → credits charged atomically → provider
 * call → one `ai_requests` record (feature, provider, model, tokens, cost, latency, status,
 * cache key) saved in the same batch as the feature's own writes → credits refunded when
 * anything after the charge fails.
 *
 * Credits meter paid AI work only: a provider that costs nothing (the offline one) is charged
 * 0 credits and recorded with cost 0, so a free workspace never spends its month on drafts
 * that cost us nothing.
 */

import { desc, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { PLANS } from "../../shared/plans";
import { aiRequests } from "../db/schema";
import { addDailyUsage, chargeCredits, refundCredits, resetDate } from "../db/usage";
import type { WorkspaceContext } from "../db/workspace-context";
import { ApiError } from "../errors";
import { newId } from "../lib/ids";
import { enforceLimit } from "../rate-limits";
import { estimateCostMicros } from "./pricing";
import type { AiAnswerMeta, AiProvider } from "./provider";

/** The features that call AI, as recorded in `ai_requests.feature` and the usage roll-up. */
export type AiFeature = "repurpose" | "deal_extraction" | "followup_draft";

/** An earlier successful call with the same cache key. */
export interface PreviousCall {
  id: string;
  provider: string;
  model: string;
}

export interface MeteredCall<T> {
  feature: AiFeature;
  provider: AiProvider;
  /**
   * For a feature whose answers are saved and can be answered again (repurposing): `key` is the
   * SHA-256 of everything that shapes the answer (input, options, provider, model), and
   * `answer` reads an earlier identical call's saved output (undefined: call the provider).
   * Features that keep no answer apart (a deal reading, a new draft) leave it out: no look-up.
   */
  cache?: { key: string; answer(previous: PreviousCall): Promise<T | undefined> };
  /** Credits the call costs on a paid provider (the offline provider costs none). */
  credits: number;
  /** The provider call; its output and who answered. */
  run(provider: AiProvider): Promise<{ output: T; meta: AiAnswerMeta }>;
  /** The feature's writes, saved in one batch with the `ai_requests` record. */
  save(output: T, aiRequestId: string): BatchItem<"sqlite">[];
}

export interface MeteredResult<T> {
  output: T;
  cached: boolean;
  provider: string;
  model: string;
  /** Credits this call spent. */
  credits: number;
  /** The `ai_requests` row whose answer this is (the earlier one for a cache hit). */
  aiRequestId: string;
}

/**
 * @throws ApiError 429 RATE_LIMITED (with Retry-After), 402 QUOTA_EXCEEDED (with
 *   `details.resetsAt`), and whatever the provider or `save` throws — after refunding.
 */
export async function meteredAiCall<T>(
  ctx: WorkspaceContext,
  call: MeteredCall<T>,
): Promise<MeteredResult<T>> {
  const { scope, workspace, env } = ctx;
  const userId = ctx.user?.id ?? null;
  const record = (fields: Omit<typeof aiRequests.$inferInsert, "workspaceId" | "feature">) =>
    scope.insert(aiRequests, {
      userId,
      feature: call.feature,
      cacheKey: call.cache?.key ?? null,
      ...fields,
    });

  const [previous] = call.cache
    ? ((await scope
        .select(aiRequests, eq(aiRequests.cacheKey, call.cache.key), eq(aiRequests.status, "ok"))
        .orderBy(desc(aiRequests.createdAt))
        .limit(1)) as (typeof aiRequests.$inferSelect)[])
    : [];
  if (previous && call.cache) {
    const output = await call.cache.answer(previous);
    if (output !== undefined) {
      await record({
        id: newId("air"),
        provider: previous.provider,
        model: previous.model,
        status: "cached",
      });
      return {
        output,
        cached: true,
        provider: previous.provider,
        model: previous.model,
        credits: 0,
        aiRequestId: previous.id,
      };
    }
  }

  const plan = PLANS[workspace.plan];
  await enforceLimit(env, `ai:${workspace.id}`, {
    capacity: plan.aiCallsPerMinute,
    refillPerSecond: plan.aiCallsPerMinute / 60,
  });
  const credits = call.provider.paid ? call.credits : 0;
  if (credits > 0 && !(await chargeCredits(scope, workspace.plan, credits))) {
    const resetsAt = resetDate().toISOString();
    throw new ApiError(
      402,
      "QUOTA_EXCEEDED",
      `This workspace has used its ${plan.monthlyAiCredits} AI credits for the month. They reset on ${resetsAt.slice(0, 10)}.`,
      undefined,
      undefined,
      { resetsAt },
    );
  }

  const started = Date.now();
  const aiRequestId = newId("air");
  try {
    const { output, meta } = await call.run(call.provider);
    const costMicros = call.provider.paid
      ? estimateCostMicros(meta.model, meta.usage.promptTokens, meta.usage.completionTokens)
      : 0;
    await scope.db.batch([
      ...(call.save(output, aiRequestId) as [BatchItem<"sqlite">]),
      record({
        id: aiRequestId,
        provider: meta.provider,
        model: meta.model,
        promptTokens: meta.usage.promptTokens,
        completionTokens: meta.usage.completionTokens,
        costMicros,
        latencyMs: Date.now() - started,
        status: "ok",
        credits,
      }),
      addDailyUsage(scope, {
        feature: call.feature,
        credits,
        promptTokens: meta.usage.promptTokens,
        completionTokens: meta.usage.completionTokens,
        costMicros,
      }),
    ]);
    return {
      output,
      cached: false,
      provider: meta.provider,
      model: meta.model,
      credits,
      aiRequestId,
    };
  } catch (error) {
    if (credits > 0) await refundCredits(scope, credits);
    await record({
      id: aiRequestId,
      provider: call.provider.name,
      model: call.provider.model,
      status: "error",
      latencyMs: Date.now() - started,
      errorCode: error instanceof ApiError ? error.code : "ABORTED_OR_FAILED",
    });
    throw error;
  }
}
