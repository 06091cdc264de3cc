/** Variant helpers for the detail view (lazy-loaded, so shared/platforms may come along). */
import {
  countChars,
  countWords,
  PLATFORM_IDS,
  PLATFORM_RULES,
  type PlatformId,
  threadParts,
} from "../../shared/platforms";
import type { Variant } from "../lib/protocol";
import { type CharCount, charCountView } from "./format";

export const DEFAULT_PLATFORMS: readonly PlatformId[] = ["x", "linkedin", "newsletter"];

/** The accessible name of a variant card: "X thread variant", "LinkedIn post variant", … */
export const variantLabel = (platform: PlatformId) => `${PLATFORM_RULES[platform].label} variant`;

/** The newest variant of each platform, in the platforms' usual order. */
export function latestByPlatform<V extends Pick<Variant, "platform" | "createdAt">>(
  variants: readonly V[],
): V[] {
  const latest = new Map<PlatformId, V>();
  for (const variant of variants) {
    const current = latest.get(variant.platform);
    if (!current || current.createdAt <= variant.createdAt) latest.set(variant.platform, variant);
  }
  return PLATFORM_IDS.flatMap((platform) => latest.get(platform) ?? []);
}

/** Fresh variants replace the ones of the same platforms. */
export function mergeVariants<V extends Pick<Variant, "platform">>(
  existing: readonly V[],
  fresh: readonly V[],
): V[] {
  const replaced = new Set(fresh.map((variant) => variant.platform));
  return [...existing.filter((variant) => !replaced.has(variant.platform)), ...fresh];
}

/** The posts of a variant: a thread's parts, or the body as one post. */
export function variantPosts(variant: Pick<Variant, "platform" | "body" | "parts">): string[] {
  if (!PLATFORM_RULES[variant.platform].thread) return [variant.body];
  const parts = threadParts({
    platform: variant.platform,
    body: variant.body,
    ...(variant.parts ? { parts: variant.parts } : {}),
  });
  return parts.length > 0 ? parts : [variant.body];
}

/** What "Copy" puts on the clipboard: a thread's posts separated by blank lines. */
export function copyText(variant: Pick<Variant, "platform" | "body" | "parts">): string {
  return PLATFORM_RULES[variant.platform].thread
    ? variantPosts(variant).join("\n\n")
    : variant.body;
}

/** Characters against the limit of one post (threads) or the whole body. */
export function postCount(platform: PlatformId, text: string): CharCount {
  const rule = PLATFORM_RULES[platform];
  return charCountView(
    countChars(text),
    rule.thread ? (rule.maxPostChars ?? rule.maxChars) : rule.maxChars,
  );
}

/** Spoken words against the limit, for scripts; null where words are not limited. */
export function wordCount(platform: PlatformId, text: string): CharCount | null {
  const limit = PLATFORM_RULES[platform].maxWords;
  return limit === undefined ? null : charCountView(countWords(text), limit);
}
