import { OfflineProvider } from "./offline";
import { OpenAiCompatibleProvider } from "./openai-compatible";
import type { AiProvider } from "./provider";

/** The configured provider: OpenAI-compatible when an API key is set, offline otherwise. */
export function providerFromEnv(env: Env): AiProvider {
  if (!env.AI_API_KEY) return new OfflineProvider();
  return new OpenAiCompatibleProvider({
    apiKey: env.AI_API_KEY,
    baseURL: env.AI_BASE_URL,
    model: env.AI_MODEL,
    fallbackModel: env.AI_FALLBACK_MODEL || undefined,
    timeoutMs: Number(env.AI_TIMEOUT_MS) || 30_000,
    maxRetries: 2,
  });
}
