/**
 * Repurposing one content item: cache → rate limit → credits → provider → platform rules →
 * one batch that saves the variants, the AI request record and the usage roll-up together.
 * Nothing is saved unless everything succeeded; credits are refunded when the work fails or
 * the client goes away.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import { PLANS } from "../../shared/plans";
import { checkVariant, type PlatformId, type VariantDraft } from "../../shared/platforms";
import { repairVariant } from "../../shared/repair";
import type { BrandVoice } from "../../shared/workspaces";
import type { Db } from "../db/client";
import type { ContentRow, VariantView } from "../db/content";
import { variantView } from "../db/content";
import { aiRequests, contentVariants, workspaces } from "../db/schema";
import { WorkspaceScope } from "../db/scope";
import { addDailyUsage, chargeCredits, refundCredits, resetDate } from "../db/usage";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/encoding";
import { newId } from "../lib/ids";
import type { CurrentWorkspace } from "../middleware/workspace";
import { enforceLimit } from "../rate-limits";
import { providerFromEnv } from "./index";
import type { RepurposeOptions, RepurposeSource } from "./offline";
import { estimateCostMicros } from "./pricing";
import type { AiProvider, RepurposeResult } from "./provider";

export const REPURPOSE_FEATURE = "repurpose";

export interface RepurposeJob {
  db: Db;
  env: Env;
  workspace: Pick<CurrentWorkspace, "id" | "plan">;
  userId: string | null;
  item: ContentRow;
  platforms: PlatformId[];
  tone?: RepurposeOptions["tone"];
  length?: RepurposeOptions["length"];
  signal?: AbortSignal;
  onText?: (delta: string) => void;
  /** For tests and bulk jobs that pass a provider in; defaults to the configured one. */
  provider?: AiProvider;
}

export interface RepurposeOutcome {
  variants: VariantView[];
  cached: boolean;
  provider: string;
  model: string;
}

/** One credit per platform variant. */
export const creditsFor = (platforms: readonly PlatformId[]) => platforms.length;

function sourceOf(item: ContentRow): RepurposeSource {
  return {
    title: item.title,
    notes: item.notes,
    description: item.sourceMetadata?.description ?? null,
    selection: item.sourceMetadata?.selection ?? null,
    url: item.sourceUrl,
    channel: item.sourceMetadata?.channel ?? null,
  };
}

export async function repurposeContent(job: RepurposeJob): Promise<RepurposeOutcome> {
  const { db, env, workspace } = job;
  const scope = new WorkspaceScope(db, workspace.id);
  const provider = job.provider ?? providerFromEnv(env);
  const platforms = [...new Set(job.platforms)];
  const [settings] = await db
    .select({ brandVoice: workspaces.brandVoice })
    .from(workspaces)
    .where(eq(workspaces.id, workspace.id));
  const brandVoice: BrandVoice = settings?.brandVoice ?? { description: "", samples: [] };
  const source = sourceOf(job.item);
  const options: RepurposeOptions = { platforms, tone: job.tone, length: job.length, brandVoice };
  const cacheKey = await sha256Hex(
    JSON.stringify({
      v: 1,
      contentId: job.item.id,
      source,
      options,
      provider: provider.name,
      model: provider.model,
    }),
  );

  const cached = await cachedVariants(db, workspace.id, job.item.id, cacheKey, platforms.length);
  if (cached) {
    await scope.insert(aiRequests, {
      id: newId("air"),
      userId: job.userId,
      feature: REPURPOSE_FEATURE,
      provider: cached.provider,
      model: cached.model,
      status: "cached",
      cacheKey,
    });
    return { ...cached, cached: true };
  }

  const plan = PLANS[workspace.plan];
  await enforceLimit(env, `ai:${workspace.id}`, {
    capacity: plan.aiCallsPerMinute,
    refillPerSecond: plan.aiCallsPerMinute / 60,
  });
  const credits = creditsFor(platforms);
  if (!(await chargeCredits(db, workspace.id, workspace.plan, credits))) {
    throw new ApiError(
      402,
      "QUOTA_EXCEEDED",
      `This workspace has used its ${plan.monthlyAiCredits} AI credits for the month. They reset on ${resetDate().toISOString().slice(0, 10)}.`,
      undefined,
      undefined,
      { resetsAt: resetDate().toISOString() },
    );
  }

  const started = Date.now();
  let result: RepurposeResult;
  let drafts: VariantDraft[];
  try {
    result = await provider.repurpose({ source, options, signal: job.signal, onText: job.onText });
    drafts = await enforceRules(result, provider, source, options, job.signal);
    job.signal?.throwIfAborted();
  } catch (error) {
    await refundCredits(db, workspace.id, credits);
    await scope.insert(aiRequests, {
      id: newId("air"),
      userId: job.userId,
      feature: REPURPOSE_FEATURE,
      provider: provider.name,
      model: provider.model,
      status: "error",
      latencyMs: Date.now() - started,
      cacheKey,
      errorCode: error instanceof ApiError ? error.code : "ABORTED_OR_FAILED",
    });
    throw error;
  }

  const aiRequestId = newId("air");
  const costMicros = estimateCostMicros(
    result.model,
    result.usage.promptTokens,
    result.usage.completionTokens,
  );
  const now = new Date();
  const rows = drafts.map((draft) => ({
    id: newId("var"),
    workspaceId: workspace.id,
    contentId: job.item.id,
    platform: draft.platform,
    body: draft.body,
    parts: draft.parts ?? null,
    generatedBy: "ai" as const,
    provider: result.provider,
    model: result.model,
    aiRequestId,
    createdBy: job.userId,
    createdAt: now,
    updatedAt: now,
  }));
  await db.batch([
    // A new run replaces the item's earlier variants for these platforms.
    scope.delete(
      contentVariants,
      eq(contentVariants.contentId, job.item.id),
      inArray(contentVariants.platform, platforms),
    ),
    scope.insert(contentVariants, rows),
    scope.insert(aiRequests, {
      id: aiRequestId,
      userId: job.userId,
      feature: REPURPOSE_FEATURE,
      provider: result.provider,
      model: result.model,
      promptTokens: result.usage.promptTokens,
      completionTokens: result.usage.completionTokens,
      costMicros,
      latencyMs: Date.now() - started,
      status: "ok",
      credits,
      cacheKey,
    }),
    addDailyUsage(db, {
      workspaceId: workspace.id,
      feature: REPURPOSE_FEATURE,
      credits,
      promptTokens: result.usage.promptTokens,
      completionTokens: result.usage.completionTokens,
      costMicros,
    }),
  ]);
  return {
    variants: rows.map((row) => variantView({ ...row, parts: row.parts })),
    cached: false,
    provider: result.provider,
    model: result.model,
  };
}

/** The variants a previous identical request saved, if they are all still there. */
async function cachedVariants(
  db: Db,
  workspaceId: string,
  contentId: string,
  cacheKey: string,
  count: number,
) {
  const [previous] = await db
    .select({ id: aiRequests.id, provider: aiRequests.provider, model: aiRequests.model })
    .from(aiRequests)
    .where(
      and(
        eq(aiRequests.workspaceId, workspaceId),
        eq(aiRequests.cacheKey, cacheKey),
        eq(aiRequests.status, "ok"),
      ),
    )
    .orderBy(desc(aiRequests.createdAt))
    .limit(1);
  if (!previous) return undefined;
  const rows = await db
    .select()
    .from(contentVariants)
    .where(
      and(
        eq(contentVariants.workspaceId, workspaceId),
        eq(contentVariants.contentId, contentId),
        eq(contentVariants.aiRequestId, previous.id),
      ),
    );
  // Edited or deleted variants mean the creator wants something new: no cache hit.
  if (rows.length !== count || rows.some((row) => row.generatedBy !== "ai")) return undefined;
  return { variants: rows.map(variantView), provider: previous.provider, model: previous.model };
}

/**
 * Every draft must pass its platform's rules before it is saved: repaired when it can be
 * (re-split, trimmed), regenerated once when it cannot, refused otherwise.
 */
async function enforceRules(
  result: RepurposeResult,
  provider: AiProvider,
  source: RepurposeSource,
  options: RepurposeOptions,
  signal: AbortSignal | undefined,
): Promise<VariantDraft[]> {
  const fix = (draft: VariantDraft | undefined) =>
    draft && checkVariant(draft).length === 0 ? draft : draft ? repairVariant(draft) : null;
  const byPlatform = new Map(result.drafts.map((draft) => [draft.platform, draft]));
  const drafts = new Map(
    options.platforms.map((platform) => [platform, fix(byPlatform.get(platform))]),
  );

  const missing = options.platforms.filter((platform) => !drafts.get(platform));
  if (missing.length > 0) {
    const retry = await provider.repurpose({
      source,
      options: { ...options, platforms: missing },
      signal,
    });
    result.usage.promptTokens += retry.usage.promptTokens;
    result.usage.completionTokens += retry.usage.completionTokens;
    for (const draft of retry.drafts) {
      if (missing.includes(draft.platform)) drafts.set(draft.platform, fix(draft));
    }
  }
  const final = options.platforms.map((platform) => drafts.get(platform));
  if (final.some((draft) => !draft)) {
    throw new ApiError(
      502,
      "AI_OUTPUT_INVALID",
      "The AI answer broke the platform rules twice. Try again.",
    );
  }
  return final as VariantDraft[];
}
