/**
 * Repurposing one content item into platform variants, through the metered AI call
 * (edge/ai/metered.ts): the piece's title, body and captured text — never its private notes —
 * in the workspace's brand voice; every draft passes its platform's rules before it is saved;
 * all variants are saved together or none are. A platform whose variant a person edited is
 * left alone (and listed in `skipped`) unless the request says to replace edits.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { RepurposeOutcome, SkippedPlatform, Variant } from "../../shared/content";
import type { PlatformId, VariantDraft } from "../../shared/platforms";
import { providerFromEnv } from "../ai/configured-provider";
import { meteredAiCall } from "../ai/metered";
import type {
  AiProvider,
  RepurposeOptions,
  RepurposeResult,
  RepurposeSource,
} from "../ai/provider";
import {
  type ContentRow,
  insertVariantUnlessEdited,
  type VariantRow,
  variantView,
} from "../db/content";
import { contentVariants } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/encoding";
import { newId } from "../lib/ids";
import { acceptAiDraft } from "./platform-rules";

export interface RepurposeRequest {
  item: ContentRow;
  platforms: PlatformId[];
  tone?: RepurposeOptions["tone"];
  length?: RepurposeOptions["length"];
  /** Replace variants a person edited instead of skipping them. */
  replaceEdited?: boolean;
  signal?: AbortSignal;
  /** Each piece of a platform's text as it is written (streaming clients). */
  onText?: (platform: PlatformId, delta: string) => void;
  /** For tests and bulk jobs that pass a provider in; defaults to the configured one. */
  provider?: AiProvider;
}

/** One credit per platform variant, on a paid provider. */
export const creditsFor = (platforms: readonly PlatformId[]) => platforms.length;

/** What the AI may read of an item: the piece itself, never the private notes. */
export function repurposeSource(item: ContentRow): RepurposeSource {
  const description = item.sourceMetadata?.description ?? null;
  return {
    title: item.title,
    body: item.body,
    // A YouTube capture's body starts as its description: do not hand the same text twice.
    description: description && description !== item.body ? description : null,
    selection: item.sourceMetadata?.selection ?? null,
    url: item.sourceUrl,
    channel: item.sourceMetadata?.channel ?? null,
    tags: item.tags,
  };
}

/**
 * @throws ApiError 429 RATE_LIMITED, 402 QUOTA_EXCEEDED, 502 AI_OUTPUT_INVALID (the answer
 *   broke the platform rules twice), 502/504 AI_UNAVAILABLE; nothing is saved and any credits
 *   are refunded when it throws or the signal aborts.
 */
export async function repurposeContent(
  ctx: WorkspaceContext,
  request: RepurposeRequest,
): Promise<RepurposeOutcome> {
  const { scope } = ctx;
  const { item } = request;
  const provider = request.provider ?? providerFromEnv(ctx.env);
  const asked = [...new Set(request.platforms)];

  const current = (await scope.select(
    contentVariants,
    eq(contentVariants.contentId, item.id),
    inArray(contentVariants.platform, asked),
  )) as VariantRow[];
  const skipped: SkippedPlatform[] = request.replaceEdited
    ? []
    : current
        .filter((variant) => variant.generatedBy === "person")
        .map((variant) => ({
          platform: variant.platform as PlatformId,
          reason: "edited" as const,
          variantId: variant.id,
        }));
  const platforms = asked.filter((platform) => !skipped.some((s) => s.platform === platform));
  if (platforms.length === 0) {
    return {
      variants: [],
      skipped,
      cached: false,
      provider: provider.name,
      model: provider.model,
      credits: 0,
    };
  }

  const workspace = await scope.workspace();
  const options: RepurposeOptions = {
    platforms,
    tone: request.tone,
    length: request.length,
    brandVoice: workspace?.brandVoice ?? { description: "", samples: [] },
  };
  const source = repurposeSource(item);
  const cacheKey = await sha256Hex(
    JSON.stringify({
      v: 2,
      contentId: item.id,
      source,
      options,
      provider: provider.name,
      model: provider.model,
    }),
  );

  const result = await meteredAiCall<Variant[]>(ctx, {
    feature: "repurpose",
    provider,
    cache: {
      key: cacheKey,
      answer: (previous) => cachedVariants(ctx, item.id, previous.id, platforms.length),
    },
    credits: creditsFor(platforms),
    run: async (chosen) => {
      const answer = await chosen.repurpose({
        source,
        options,
        signal: request.signal,
        onText: request.onText,
      });
      const drafts = await enforceRules(answer, chosen, source, options, request);
      request.signal?.throwIfAborted();
      const now = new Date();
      const variants = drafts.map(
        (draft): Variant => ({
          id: newId("var"),
          contentId: item.id,
          platform: draft.platform,
          body: draft.body,
          parts: draft.parts ?? null,
          generatedBy: "ai",
          provider: answer.provider,
          model: answer.model,
          offline: answer.provider === "offline",
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
        }),
      );
      return { output: variants, meta: answer };
    },
    save: (variants, aiRequestId) => [
      // The run replaces the item's earlier AI variants for these platforms; a person's variant
      // goes only when the request said to replace edits.
      scope.delete(
        contentVariants,
        eq(contentVariants.contentId, item.id),
        inArray(contentVariants.platform, platforms),
        request.replaceEdited ? undefined : eq(contentVariants.generatedBy, "ai"),
      ),
      ...variants.map((variant) =>
        insertVariantUnlessEdited(scope, {
          id: variant.id,
          contentId: variant.contentId,
          platform: variant.platform,
          body: variant.body,
          parts: variant.parts,
          generatedBy: variant.generatedBy,
          provider: variant.provider,
          model: variant.model,
          aiRequestId,
          createdBy: ctx.user?.id ?? null,
          createdAt: new Date(variant.createdAt),
          updatedAt: new Date(variant.updatedAt),
        }),
      ),
    ],
  });
  // An edit saved while the run was writing kept its platform: report it as skipped.
  const kept = result.cached ? [] : await editedSince(ctx, item.id, result.output);
  return {
    variants: result.output.filter((variant) => !kept.some((k) => k.platform === variant.platform)),
    skipped: [...skipped, ...kept],
    cached: result.cached,
    provider: result.provider,
    model: result.model,
    credits: result.credits,
  };
}

/** The platforms of `written` whose variant is now a person's (edited while the run wrote). */
async function editedSince(
  ctx: WorkspaceContext,
  contentId: string,
  written: Variant[],
): Promise<SkippedPlatform[]> {
  const rows = (await ctx.scope.select(
    contentVariants,
    eq(contentVariants.contentId, contentId),
    inArray(
      contentVariants.platform,
      written.map((variant) => variant.platform),
    ),
    eq(contentVariants.generatedBy, "person"),
  )) as VariantRow[];
  return rows.map((row) => ({
    platform: row.platform as PlatformId,
    reason: "edited" as const,
    variantId: row.id,
  }));
}
/** The variants an earlier identical run saved, if they are all still there and untouched. */
async function cachedVariants(
  ctx: WorkspaceContext,
  contentId: string,
  aiRequestId: string,
  count: number,
): Promise<Variant[] | undefined> {
  const rows = (await ctx.scope.select(
    contentVariants,
    and(eq(contentVariants.contentId, contentId), eq(contentVariants.aiRequestId, aiRequestId)),
  )) as VariantRow[];
  // Edited or deleted variants mean the creator wants something new: no cache hit.
  if (rows.length !== count || rows.some((row) => row.generatedBy !== "ai")) return undefined;
  return rows.map(variantView);
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
  { signal, onText }: Pick<RepurposeRequest, "signal" | "onText">,
): Promise<VariantDraft[]> {
  const byPlatform = new Map(result.drafts.map((draft) => [draft.platform, draft]));
  const drafts = new Map(
    options.platforms.map((platform) => [platform, acceptAiDraft(byPlatform.get(platform))]),
  );
  const missing = options.platforms.filter((platform) => !drafts.get(platform));
  if (missing.length > 0) {
    const retry = await provider.repurpose({
      source,
      options: { ...options, platforms: missing },
      signal,
      // A streaming client sees the second attempt's text too.
      onText,
    });
    result.usage.promptTokens += retry.usage.promptTokens;
    result.usage.completionTokens += retry.usage.completionTokens;
    for (const draft of retry.drafts) {
      if (missing.includes(draft.platform)) drafts.set(draft.platform, acceptAiDraft(draft));
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
