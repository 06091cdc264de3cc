/**
 * What an AI provider can be asked to do. Each task has its own typed input and output, and
 * every provider implements every task: the configured OpenAI-compatible API, or the offline
 * one that runs with no key and no network. The metered AI call (`./metered.ts`) wraps each
 * call with the cache, rate limit, credits and the `ai_requests` record.
 *
 * Tasks today: `repurpose`. The CRM adds `extractDealTerms` (deal_extraction) and
 * `draftFollowup` (followup_draft) here, beside it.
 */
import type { PlatformId, VariantDraft } from "../../shared/platforms";
import type { BrandVoice } from "../../shared/workspaces";

export type ProviderName = "openai-compatible" | "offline";

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** What every task answers besides its own output. */
export interface AiAnswerMeta {
  provider: ProviderName;
  /** The model that answered: the fallback's name when the primary model failed. */
  model: string;
  usage: TokenUsage;
}

/**
 * The piece to repurpose, as the AI may see it. A content item's private `notes` are never
 * part of it: production notes must not end up in public posts.
 */
export interface RepurposeSource {
  title: string;
  /** The piece itself: script, transcript, article or description the creator wrote. */
  body?: string | null;
  /** The captured source's own description (a YouTube video's description). */
  description?: string | null;
  /** Text the creator selected on a page when capturing it. */
  selection?: string | null;
  url?: string | null;
  channel?: string | null;
  /** The item's tags: the first choice for hashtags. */
  tags?: string[];
}

export interface RepurposeOptions {
  platforms: PlatformId[];
  tone?: "casual" | "professional" | "playful" | "bold";
  length?: "short" | "medium" | "long";
  brandVoice?: BrandVoice;
}

export interface RepurposeRequest {
  source: RepurposeSource;
  options: RepurposeOptions;
  signal?: AbortSignal;
  /** Called with each piece of a platform's text as it is written (streaming clients). */
  onText?: (platform: PlatformId, delta: string) => void;
}

/** One draft per platform asked for; drafts are checked against the platform rules after. */
export interface RepurposeResult extends AiAnswerMeta {
  drafts: VariantDraft[];
}

export interface AiProvider {
  readonly name: ProviderName;
  /** The model asked first; part of the cache key. */
  readonly model: string;
  /** True when calls cost money: credits are charged only for these. */
  readonly paid: boolean;
  repurpose(request: RepurposeRequest): Promise<RepurposeResult>;
}
