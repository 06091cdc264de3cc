/**
 * What an AI provider can be asked to do. Each task has its own typed input and output, and
 * every provider implements every task: the configured OpenAI-compatible API, or the offline
 * one that runs with no key and no network. The metered AI call (`./metered.ts`) wraps each
 * call with the cache, rate limit, credits and the `ai_requests` record.
 *
 * Tasks: `repurpose`, `draftFollowup` (the CRM's follow-up emails) and `extractDealTerms` (reading
 * a sponsor email's terms). Deal extraction is optional: the offline provider leaves it to the
 * heuristic reader (edge/crm/extract-terms.ts), which always runs.
 *
 * Text from outside (a sponsor's email, an earlier activity) is untrusted input (OWASP LLM01):
 * prompts hand it over as quoted data, and callers validate every answer before saving it.
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

/**
 * What a follow-up email is written from: the deal's own data only. Every link, address or
 * payment detail the draft may contain must appear here (edge/crm/followup-draft.ts checks).
 */
export interface FollowupContext {
  dealTitle: string;
  sponsorName: string | null;
  /** Who the email goes to. */
  contactName: string | null;
  stageName: string;
  stageKind: "open" | "won" | "paid" | "lost";
  /** Whole days since the last activity on the deal. */
  daysSinceContact: number;
  /** The last activity, as the timeline shows it (untrusted: it can quote an email subject). */
  lastActivity: { kind: string; summary: string | null } | null;
  /** "US$2,500.00", or null when the deal has no value. */
  value: string | null;
  deliverables: { kind: string; platform: string; dueOn: string | null; done: boolean }[];
  /** An invoice sent and not paid: when it was sent, when it falls due, days overdue (0 if not). */
  invoice: {
    sentOn: string;
    dueOn: string | null;
    daysOverdue: number;
    poNumber: string | null;
  } | null;
  /** The creator's name for the sign-off, when the account has one. */
  creatorName: string | null;
  /** The email answers the sponsor's captured thread (its subject is then "Re: …"). */
  inThread: boolean;
}

export interface FollowupDraftRequest {
  context: FollowupContext;
  brandVoice?: BrandVoice;
  signal?: AbortSignal;
}

export interface FollowupDraftAnswer extends AiAnswerMeta {
  subject: string;
  body: string;
}

/**
 * A sponsor email for the AI to read: only the message's own text (quoted history and text
 * addressed to software already removed), as untrusted data.
 */
export interface DealExtractionRequest {
  subject: string;
  fromName: string | null;
  fromEmail: string;
  /** ISO 8601 instant the email was sent: relative dates are read from its day. */
  date: string;
  text: string;
  signal?: AbortSignal;
}

/**
 * The AI's reading, as it answered: loose shapes that the caller validates field by field
 * (edge/crm/ai-extraction.ts). Amounts are in major units ("2500" for $2,500); dates are
 * calendar days (YYYY-MM-DD); confidences are 0–1.
 */
export interface AiDealTerms {
  brand: { value: string; confidence: number } | null;
  amount: { value: number; currency: string; confidence: number } | null;
  paymentTermsDays: { value: number; confidence: number } | null;
  deliverables: {
    items: { platform: string; kind: string; count: number | null; dueDate: string | null }[];
    confidence: number;
  } | null;
  usageRights: {
    term: string | null;
    channels: string[];
    paidUsage: boolean | null;
    confidence: number;
  } | null;
  exclusivity: { category: string | null; until: string | null; confidence: number } | null;
  deadline: { date: string; confidence: number } | null;
  summary: string | null;
}

export interface DealExtractionAnswer extends AiAnswerMeta {
  terms: AiDealTerms;
}

export interface AiProvider {
  readonly name: ProviderName;
  /** The model asked first; part of the cache key. */
  readonly model: string;
  /** True when calls cost money: credits are charged only for these. */
  readonly paid: boolean;
  repurpose(request: RepurposeRequest): Promise<RepurposeResult>;
  draftFollowup(request: FollowupDraftRequest): Promise<FollowupDraftAnswer>;
  /** Absent when the provider cannot read free text (the offline one). */
  extractDealTerms?(request: DealExtractionRequest): Promise<DealExtractionAnswer>;
}
