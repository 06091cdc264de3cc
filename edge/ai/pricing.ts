/**
 * Estimated prices in US dollars per million tokens, for the cost column of ai_requests.
 * Unknown models (self-hosted, new) cost 0 here: the estimate is for insight, not billing.
 */
const PRICES_PER_MILLION: Record<string, { input: number; output: number }> = {
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-4.1": { input: 2, output: 8 },
  "@cf/meta/llama-3.1-8b-instruct": { input: 0.28, output: 0.83 },
};

/** Cost in millionths of a dollar (integer), so sums stay exact. */
export function estimateCostMicros(
  model: string,
  promptTokens: number,
  completionTokens: number,
): number {
  // Providers answer with dated snapshot names (gpt-4o-mini-2024-07-18): price the family.
  const price =
    PRICES_PER_MILLION[model] ?? PRICES_PER_MILLION[model.replace(/-\d{4}-\d{2}-\d{2}$/, "")];
  if (!price) return 0;
  return Math.round(promptTokens * price.input + completionTokens * price.output);
}
