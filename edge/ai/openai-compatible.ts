/**
 * Any OpenAI-compatible chat API (OpenAI, Workers AI's compatible endpoint, OpenRouter, a local
 * Ollama) through the official SDK. The SDK retries 408/409/429/5xx with exponential backoff
 * and jitter and honours Retry-After; when the primary model still fails, the fallback answers.
 */
import OpenAI from "openai";
import { ContentFilterFinishReasonError, LengthFinishReasonError } from "openai/error";
import { zodResponseFormat } from "openai/helpers/zod";
import type { ParsedChatCompletion } from "openai/resources/chat/completions/completions";
import { ZodError, z } from "zod";
import { platformIdSchema } from "../../shared/platforms";
import { ApiError } from "../errors";
import { dealExtractionMessages, followupMessages, repurposeMessages } from "./prompts";
import type {
  AiDealTerms,
  AiProvider,
  DealExtractionAnswer,
  DealExtractionRequest,
  FollowupDraftAnswer,
  FollowupDraftRequest,
  RepurposeRequest,
  RepurposeResult,
} from "./provider";

export interface OpenAiCompatibleConfig {
  apiKey: string;
  baseURL: string;
  model: string;
  fallbackModel?: string;
  timeoutMs: number;
  maxRetries: number;
}

// Strict structured output needs every key present, so `parts` is nullable rather than optional.
const variantsFormat = z.object({
  variants: z.array(
    z.object({
      platform: platformIdSchema,
      body: z.string(),
      parts: z.array(z.string()).nullable(),
    }),
  ),
});

const followupFormat = z.object({ subject: z.string(), body: z.string() });

// Loose on purpose: the caller validates each field on its own, so one odd field does not cost
// the others (edge/crm/ai-extraction.ts).
const confidence = z.number();
const dealTermsFormat = z.object({
  brand: z.object({ value: z.string(), confidence }).nullable(),
  amount: z.object({ value: z.number(), currency: z.string(), confidence }).nullable(),
  paymentTermsDays: z.object({ value: z.number(), confidence }).nullable(),
  deliverables: z
    .object({
      items: z.array(
        z.object({
          platform: z.string(),
          kind: z.string(),
          count: z.number().nullable(),
          dueDate: z.string().nullable(),
        }),
      ),
      confidence,
    })
    .nullable(),
  usageRights: z
    .object({
      term: z.string().nullable(),
      channels: z.array(z.string()),
      paidUsage: z.boolean().nullable(),
      confidence,
    })
    .nullable(),
  exclusivity: z
    .object({ category: z.string().nullable(), until: z.string().nullable(), confidence })
    .nullable(),
  deadline: z.object({ date: z.string(), confidence }).nullable(),
  summary: z.string().nullable(),
}) satisfies z.ZodType<AiDealTerms>;

type ChatMessages = ReturnType<typeof repurposeMessages>;

/** The SDK waits at most this long between retries. */
const SDK_MAX_BACKOFF_MS = 8_000;

/** The answer arrived but cannot be used: another attempt on the same input rarely helps. */
function isUnusableAnswer(error: unknown): boolean {
  return (
    error instanceof SyntaxError ||
    error instanceof ZodError ||
    error instanceof LengthFinishReasonError ||
    error instanceof ContentFilterFinishReasonError ||
    (error instanceof ApiError && error.code === "AI_OUTPUT_INVALID")
  );
}

/**
 * Worth trying the fallback model: rate limits, server errors, timeouts and dropped
 * connections (which surface as TypeError, or as a bare OpenAIError from a broken stream).
 */
function isTransient(error: unknown): boolean {
  if (error instanceof OpenAI.APIUserAbortError || isUnusableAnswer(error)) return false;
  if (error instanceof ApiError) return error.code === "AI_UNAVAILABLE";
  if (error instanceof OpenAI.APIError && !(error instanceof OpenAI.APIConnectionError)) {
    return error.status === 429 || (error.status ?? 0) >= 500;
  }
  return error instanceof OpenAI.OpenAIError || error instanceof TypeError;
}

export class OpenAiCompatibleProvider implements AiProvider {
  readonly name = "openai-compatible" as const;
  readonly paid = true;
  readonly model: string;
  private readonly client: OpenAI;

  constructor(private readonly config: OpenAiCompatibleConfig) {
    this.model = config.model;
    this.client = new OpenAI({
      apiKey: config.apiKey,
      baseURL: config.baseURL,
      timeout: config.timeoutMs,
      maxRetries: config.maxRetries,
    });
  }

  repurpose(request: RepurposeRequest): Promise<RepurposeResult> {
    return this.withFallback((model) => this.complete(model, request));
  }

  async draftFollowup(request: FollowupDraftRequest): Promise<FollowupDraftAnswer> {
    const messages = followupMessages(request.context, request.brandVoice);
    const answer = await this.withFallback((model) =>
      this.structured(model, messages, followupFormat, "followup", request.signal),
    );
    return { ...answer.meta, ...answer.parsed };
  }

  async extractDealTerms(request: DealExtractionRequest): Promise<DealExtractionAnswer> {
    const messages = dealExtractionMessages(request);
    const answer = await this.withFallback((model) =>
      this.structured(model, messages, dealTermsFormat, "deal_terms", request.signal),
    );
    return { ...answer.meta, terms: answer.parsed };
  }

  /** The primary model, then the fallback for transient failures; errors become ApiErrors. */
  private async withFallback<T>(call: (model: string) => Promise<T>): Promise<T> {
    try {
      return await call(this.model);
    } catch (error) {
      const fallback = this.config.fallbackModel;
      if (!fallback || fallback === this.model || !isTransient(error)) throw toApiError(error);
      try {
        return await call(fallback);
      } catch (fallbackError) {
        throw toApiError(fallbackError);
      }
    }
  }

  /** One non-streamed structured answer, cut off by the whole call's deadline. */
  private async structured<T extends z.ZodType>(
    model: string,
    messages: ChatMessages,
    format: T,
    name: string,
    signal: AbortSignal | undefined,
  ) {
    const deadline = AbortSignal.timeout(
      this.config.timeoutMs * (this.config.maxRetries + 1) +
        SDK_MAX_BACKOFF_MS * this.config.maxRetries,
    );
    let completion: ParsedChatCompletion<z.infer<T>>;
    try {
      completion = await this.client.chat.completions.parse(
        { model, messages, response_format: zodResponseFormat(format, name) },
        { signal: signal ? AbortSignal.any([signal, deadline]) : deadline },
      );
    } catch (error) {
      if (deadline.aborted && !signal?.aborted) throw tookTooLong();
      throw error;
    }
    const parsed = completion.choices[0]?.message.parsed;
    if (!parsed) throw unreadable();
    return {
      parsed: parsed as z.infer<T>,
      meta: {
        provider: this.name,
        model: completion.model || model,
        usage: {
          promptTokens: completion.usage?.prompt_tokens ?? 0,
          completionTokens: completion.usage?.completion_tokens ?? 0,
        },
      },
    };
  }

  private async complete(model: string, request: RepurposeRequest): Promise<RepurposeResult> {
    const body = {
      model,
      messages: repurposeMessages(request.source, request.options),
      response_format: zodResponseFormat(variantsFormat, "variants"),
    };
    // The SDK's timeout stops at the response headers; a provider that then stalls is cut off
    // by this deadline: the whole call for plain answers, each silence for streamed ones.
    const deadline = new AbortController();
    const budgetMs = request.onText
      ? this.config.timeoutMs
      : this.config.timeoutMs * (this.config.maxRetries + 1) +
        SDK_MAX_BACKOFF_MS * this.config.maxRetries;
    let timer = setTimeout(() => deadline.abort(), budgetMs);
    const signal = request.signal
      ? AbortSignal.any([request.signal, deadline.signal])
      : deadline.signal;
    let completion: ParsedChatCompletion<z.infer<typeof variantsFormat>>;
    try {
      if (request.onText) {
        const onText = request.onText;
        const stream = this.client.chat.completions.stream(
          { ...body, stream_options: { include_usage: true } },
          { signal },
        );
        const platformText = new PlatformTextRelay(onText);
        stream.on("content.delta", ({ parsed }) => {
          clearTimeout(timer);
          timer = setTimeout(() => deadline.abort(), budgetMs);
          platformText.update(parsed);
        });
        completion = await stream.finalChatCompletion();
      } else {
        completion = await this.client.chat.completions.parse(body, { signal });
      }
    } catch (error) {
      if (deadline.signal.aborted && !request.signal?.aborted) throw tookTooLong();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    const parsed = completion.choices[0]?.message.parsed;
    if (!parsed) throw unreadable();
    return {
      drafts: parsed.variants.map((variant) => ({
        platform: variant.platform,
        body: variant.body,
        ...(variant.parts ? { parts: variant.parts } : {}),
      })),
      provider: this.name,
      model: completion.model || model,
      usage: {
        promptTokens: completion.usage?.prompt_tokens ?? 0,
        completionTokens: completion.usage?.completion_tokens ?? 0,
      },
    };
  }
}

const tookTooLong = () =>
  new ApiError(504, "AI_UNAVAILABLE", "The AI provider took too long to answer. Try again.");
const unreadable = () =>
  new ApiError(502, "AI_OUTPUT_INVALID", "The AI answer could not be read. Try again.");

function toApiError(error: unknown): unknown {
  if (error instanceof ApiError || error instanceof OpenAI.APIUserAbortError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) return tookTooLong();
  if (isUnusableAnswer(error)) return unreadable();
  if (isTransient(error)) {
    return new ApiError(
      502,
      "AI_UNAVAILABLE",
      "The AI provider is not answering right now. Try again shortly.",
    );
  }
  if (error instanceof OpenAI.APIError) {
    return new ApiError(
      502,
      "AI_UNAVAILABLE",
      "The AI provider refused the request. Check the AI configuration.",
    );
  }
  return error;
}

/**
 * Turns the growing JSON answer into each platform's own text: the SDK parses the partial
 * JSON as it streams (`content.delta`'s `parsed`), and each variant's `body` only grows, so the
 * new text of a platform is what its body gained since the last delta.
 */
class PlatformTextRelay {
  private readonly sent: number[] = [];

  constructor(private readonly onText: NonNullable<RepurposeRequest["onText"]>) {}

  update(parsed: unknown): void {
    const variants = (parsed as { variants?: unknown } | null)?.variants;
    if (!Array.isArray(variants)) return;
    variants.forEach((variant: { platform?: unknown; body?: unknown }, index) => {
      const platform = platformIdSchema.safeParse(variant?.platform);
      if (!platform.success || typeof variant.body !== "string") return;
      const already = this.sent[index] ?? 0;
      if (variant.body.length <= already) return;
      this.sent[index] = variant.body.length;
      this.onText(platform.data, variant.body.slice(already));
    });
  }
}
