import type { VariantDraft } from "../../shared/platforms";
import type { RepurposeOptions, RepurposeSource } from "./offline";

export interface RepurposeRequest {
  source: RepurposeSource;
  options: RepurposeOptions;
  signal?: AbortSignal;
  /** Called with each piece of generated text as it arrives (streaming clients). */
  onText?: (delta: string) => void;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface RepurposeResult {
  drafts: VariantDraft[];
  provider: ProviderName;
  /** The model that answered: the fallback's name when the primary model failed. */
  model: string;
  usage: TokenUsage;
}

export type ProviderName = "openai-compatible" | "offline";

/** One way to turn a source into platform drafts; drafts are checked against the rules after. */
export interface AiProvider {
  readonly name: ProviderName;
  /** The model asked first; part of the cache key. */
  readonly model: string;
  repurpose(request: RepurposeRequest): Promise<RepurposeResult>;
}
