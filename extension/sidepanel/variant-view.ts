/**
 * Variant helpers for the item view. It is loaded lazily, so shared/platforms (with X's
 * official counter, twitter-text) comes along here and never into the panel's first chunk.
 */
import {
  checkVariant,
  countWords,
  PLATFORM_IDS,
  PLATFORM_RULES,
  type PlatformId,
  platformLength,
  type RuleProblem,
  threadParts,
} from "../../shared/platforms";
import { type CharCount, charCountView } from "../../shared/view/format";
import type { Variant } from "../lib/protocol";

/** The accessible name of a variant card: "X thread variant", "LinkedIn post variant", … */
export const variantLabel = (platform: PlatformId) => `${PLATFORM_RULES[platform].label} variant`;

/** The platforms a run starts with: the item's own, or all of them when it names none. */
export function startingPlatforms(itemPlatforms: readonly PlatformId[]): PlatformId[] {
  return itemPlatforms.length > 0
    ? PLATFORM_IDS.filter((id) => itemPlatforms.includes(id))
    : [...PLATFORM_IDS];
}

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

/** An edited variant takes the place of the one it was. */
export function replaceVariant<V extends Pick<Variant, "id">>(variants: readonly V[], edited: V) {
  return variants.map((variant) => (variant.id === edited.id ? edited : variant));
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

/**
 * Length against the limit of one post (threads) or the whole body, in the platform's own unit
 * (X weighted characters, YouTube bytes, characters elsewhere): the measure the API checks.
 */
export function postCount(platform: PlatformId, text: string): CharCount {
  const rule = PLATFORM_RULES[platform];
  return charCountView(
    platformLength(platform, text),
    rule.thread ? (rule.maxPostChars ?? rule.maxChars) : rule.maxChars,
  );
}

/** The unit a platform's counter counts: "weighted characters", "characters" or "bytes". */
export const lengthUnit = (platform: PlatformId) => PLATFORM_RULES[platform].unit;

/** Spoken words against the limit, for scripts; null where words are not limited. */
export function wordCount(platform: PlatformId, text: string): CharCount | null {
  const limit = PLATFORM_RULES[platform].maxWords;
  return limit === undefined ? null : charCountView(countWords(text), limit);
}

// ── Editing ──

/**
 * A variant as the editor holds it: a thread's posts without their "i/N " numbers (numbering
 * follows from the order), or a single body.
 */
export type VariantDraftText = { posts: string[] } | { body: string };

export function draftOf(variant: Pick<Variant, "platform" | "body" | "parts">): VariantDraftText {
  if (!PLATFORM_RULES[variant.platform].thread) return { body: variant.body };
  const posts = variantPosts(variant);
  return { posts: posts.map((post, index) => withoutNumber(post, index, posts.length)) };
}

/**
 * A post without its "i/N " number: only in a thread of 2+ posts, and only the number this post
 * has there (i its place, N the post count). Anything else is the post's own text: a lone
 * post may well begin "1/3 of creators…".
 */
function withoutNumber(post: string, index: number, total: number): string {
  const number = /^\s*(\d+)\s*\/\s*(\d+)[^\S\n]*/.exec(post);
  return total > 1 && number && Number(number[1]) === index + 1 && Number(number[2]) === total
    ? post.slice(number[0].length)
    : post;
}

/** A thread's posts as posted: "i/N " before each when there are two or more, none alone. */
export function numberPosts(contents: readonly string[]): string[] {
  const total = contents.length;
  return contents
    .map((text) => text.trim())
    .map((text, index) => (total > 1 ? `${index + 1}/${total} ${text}` : text));
}

/** What the edit sends to PUT /api/content/:id/variants/:variantId. */
export function editOf(draft: VariantDraftText): { parts: string[] } | { body: string } {
  return "posts" in draft ? { parts: numberPosts(draft.posts) } : { body: draft.body };
}

/** Every rule the draft breaks, as the API will check it. */
export function draftProblems(platform: PlatformId, draft: VariantDraftText): RuleProblem[] {
  if ("posts" in draft) {
    const parts = numberPosts(draft.posts);
    return checkVariant({ platform, body: parts.join("\n\n"), parts });
  }
  return checkVariant({ platform, body: draft.body });
}

/** A problem the editor shows: one of the draft's, or one the API named when it refused it. */
export interface ShownProblem {
  /** Unique within a draft's problems. */
  code: string;
  message: string;
  /** The post it is about (1-based), or none: the whole variant. */
  part?: number;
}

/** A draft's problems for one post (1-based), and those about the whole variant. */
export function problemsFor<P extends ShownProblem>(
  problems: readonly P[],
  part: number | undefined,
) {
  return problems.filter((problem) => problem.part === part);
}

/**
 * The issues of the API's RULE_VIOLATION as problems of the draft it refused: `parts.N` is
 * post N (1-based, as the API numbers them) of a thread of `posts` posts; `body`, anything else,
 * and everything about a single body (`posts` 0) are about the whole variant.
 */
export function refusedProblems(
  issues: readonly { path: string; message: string }[],
  posts: number,
): ShownProblem[] {
  return issues.map(({ path, message }, index) => {
    const part = Number(/^parts\.(\d+)$/.exec(path)?.[1]);
    return {
      code: `REFUSED_${index}`,
      message,
      ...(part >= 1 && part <= posts ? { part } : {}),
    };
  });
}

export function sameDraft(a: VariantDraftText, b: VariantDraftText): boolean {
  return JSON.stringify(editOf(a)) === JSON.stringify(editOf(b));
}
