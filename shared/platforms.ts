import { z } from "zod";

/** Platform ids and their posting rules; the API checks every AI variant against these. */
export const PLATFORM_IDS = [
  "x",
  "linkedin",
  "instagram",
  "tiktok",
  "shorts",
  "newsletter",
  "youtube",
] as const;
export const platformIdSchema = z.enum(PLATFORM_IDS);
export type PlatformId = z.infer<typeof platformIdSchema>;

export interface PlatformRule {
  id: PlatformId;
  label: string;
  /** whole-body limit in characters */
  maxChars: number;
  /** per-post limit for threads (X) */
  maxPostChars?: number;
  /** most posts in one thread (X) */
  maxPosts?: number;
  thread: boolean;
  maxHashtags?: number;
  /** spoken scripts: ~150 words ≈ 60 s */
  maxWords?: number;
  needsHook: boolean;
}

export const X_POST_CHARS = 280;
const X_MAX_POSTS = 25;
/** A hook is a short first line the viewer reads (or hears) before deciding to stay. */
export const HOOK_MAX_CHARS = 100;

export const PLATFORM_RULES: Record<PlatformId, PlatformRule> = {
  x: {
    id: "x",
    label: "X thread",
    maxChars: X_MAX_POSTS * X_POST_CHARS,
    maxPostChars: X_POST_CHARS,
    maxPosts: X_MAX_POSTS,
    thread: true,
    needsHook: false,
  },
  linkedin: {
    id: "linkedin",
    label: "LinkedIn post",
    maxChars: 3000,
    thread: false,
    needsHook: false,
  },
  instagram: {
    id: "instagram",
    label: "Instagram caption",
    maxChars: 2200,
    maxHashtags: 30,
    thread: false,
    needsHook: false,
  },
  tiktok: {
    id: "tiktok",
    label: "TikTok script",
    maxChars: 1200,
    maxWords: 150,
    thread: false,
    needsHook: true,
  },
  shorts: {
    id: "shorts",
    label: "Shorts script",
    maxChars: 1200,
    maxWords: 150,
    thread: false,
    needsHook: true,
  },
  newsletter: {
    id: "newsletter",
    label: "Newsletter section",
    maxChars: 2000,
    thread: false,
    needsHook: false,
  },
  youtube: {
    id: "youtube",
    label: "YouTube description",
    maxChars: 5000,
    thread: false,
    needsHook: false,
  },
};

// Grapheme and word segmentation do not depend on the locale for our purposes; "en" keeps the
// result identical wherever the default locale differs.
const segmenters =
  typeof Intl !== "undefined" && typeof Intl.Segmenter === "function"
    ? {
        grapheme: new Intl.Segmenter("en", { granularity: "grapheme" }),
        word: new Intl.Segmenter("en", { granularity: "word" }),
      }
    : undefined;

/** User-perceived characters, in order (code points where Intl.Segmenter is missing). */
export function graphemes(text: string): string[] {
  if (!segmenters) return Array.from(text);
  return Array.from(segmenters.grapheme.segment(text), (part) => part.segment);
}

/**
 * Characters as a reader sees them: one per grapheme, so "👍🏽", "👩‍💻" and "é" (e + accent) are 1.
 * X weighs emoji and CJK as 2 and links as 23; we keep one definition everywhere instead of
 * mimicking each platform, which is close enough with the margins below the real limits.
 */
export function countChars(text: string): number {
  if (!segmenters) return Array.from(text).length;
  let count = 0;
  for (const _ of segmenters.grapheme.segment(text)) count++;
  return count;
}

/** Words as spoken: ICU word segmentation, so "don't" is one word and CJK text counts too. */
export function countWords(text: string): number {
  if (!segmenters) return text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
  let count = 0;
  for (const part of segmenters.word.segment(text)) if (part.isWordLike) count++;
  return count;
}

// A hashtag starts after a non-word character (so URL fragments and "&#38;" are not tags) and
// holds at least one letter (so "#1" is not a tag, as on the platforms).
export const HASHTAG = /(?<![\p{L}\p{M}\p{N}_&#/])#[\p{L}\p{M}\p{N}_]+/gu;

export function extractHashtags(text: string): string[] {
  return [...text.matchAll(HASHTAG)].map((match) => match[0]).filter((tag) => /\p{L}/u.test(tag));
}

export interface VariantDraft {
  platform: PlatformId;
  body: string;
  parts?: string[];
}

export interface RuleProblem {
  code:
    | "TOO_LONG"
    | "POST_TOO_LONG"
    | "TOO_MANY_HASHTAGS"
    | "TOO_MANY_WORDS"
    | "MISSING_HOOK"
    | "EMPTY"
    | "THREAD_NOT_NUMBERED"
    | "POST_CUT_MID_WORD"
    | "TOO_MANY_POSTS";
  message: string;
  /** 1-based post number, as in the "i/N" prefix */
  part?: number;
}

export const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
export const SENTENCE_END = /[.!?…]["'”’)\]]*$/u;
export const ELLIPSIS = "…";

const endsInWord = (text: string) => WORD_CHAR.test(Array.from(text.slice(-2)).at(-1) ?? "");
const startsInWord = (text: string) =>
  WORD_CHAR.test(String.fromCodePoint(text.codePointAt(0) ?? 32));

/**
 * A mid-word cut is a post boundary with a letter or digit on both sides. A boundary that falls
 * between two words mid-sentence looks the same, so the splitter ends such a post with "…"
 * (the usual "continued" mark on threads); a boundary after punctuation, an emoji or a
 * blank line is always fine.
 */
export const isCut = (post: string, nextContent: string) =>
  endsInWord(post) && startsInWord(nextContent);

/** The posts of a thread draft: `parts`, or the body split before each "i/N " prefix. */
export function threadParts(draft: VariantDraft): string[] {
  if (draft.parts) return draft.parts;
  return draft.body.trim() ? draft.body.trim().split(/\n\s*\n(?=\d+\/\d+ )/) : [];
}

/** The post without its "i/N " prefix; other leading numbers ("1/2 cup") are content. */
export function postContent(post: string, index: number): string {
  const match = /^\s*(\d+)\s*\/\s*\d+[^\S\n]*/.exec(post);
  return match && Number(match[1]) === index + 1 ? post.slice(match[0].length) : post;
}

export const HOOK_CONTENT = /[\p{L}\p{N}\p{Extended_Pictographic}]/u;

/** A hook: one line of at most 100 characters with some words (or emoji), ending in . ? or !. */
export function isHookLine(line: string): boolean {
  const hook = line.trim();
  return countChars(hook) <= HOOK_MAX_CHARS && /[.?!]$/.test(hook) && HOOK_CONTENT.test(hook);
}

/** Every rule the draft breaks; an empty array means it is ready to post. */
export function checkVariant(draft: VariantDraft): RuleProblem[] {
  const rule = PLATFORM_RULES[draft.platform];
  return rule.thread ? checkThread(draft, rule) : checkSingle(draft, rule);
}

function checkThread(draft: VariantDraft, rule: PlatformRule): RuleProblem[] {
  const posts = threadParts(draft);
  if (posts.every((post, i) => !postContent(post, i).trim())) {
    return [{ code: "EMPTY", message: `The ${rule.label} has no posts.` }];
  }
  const problems: RuleProblem[] = [];
  const maxPosts = rule.maxPosts ?? Number.POSITIVE_INFINITY;
  const maxPostChars = rule.maxPostChars ?? rule.maxChars;
  if (posts.length > maxPosts) {
    problems.push({
      code: "TOO_MANY_POSTS",
      message: `The thread has ${posts.length} posts; at most ${maxPosts}.`,
    });
  }
  let total = 0;
  posts.forEach((post, i) => {
    const part = i + 1;
    const chars = countChars(post);
    total += chars;
    if (!postContent(post, i).trim()) {
      problems.push({ code: "EMPTY", message: `Post ${part} is empty.`, part });
    }
    if (chars > maxPostChars) {
      problems.push({
        code: "POST_TOO_LONG",
        message: `Post ${part} has ${chars} characters; at most ${maxPostChars}.`,
        part,
      });
    }
    if (!post.startsWith(`${part}/${posts.length} `)) {
      problems.push({
        code: "THREAD_NOT_NUMBERED",
        message: `Post ${part} must start with "${part}/${posts.length} ".`,
        part,
      });
    }
    const next = posts[i + 1];
    if (next !== undefined && isCut(post, postContent(next, i + 1))) {
      problems.push({
        code: "POST_CUT_MID_WORD",
        message: `Post ${part} ends inside a word (or mid-sentence without "…").`,
        part,
      });
    }
  });
  // The blank lines between posts are not posted, so the thread's size is the sum of its posts.
  if (total > rule.maxChars) {
    problems.push({
      code: "TOO_LONG",
      message: `The thread has ${total} characters; at most ${rule.maxChars}.`,
    });
  }
  return problems;
}

function checkSingle(draft: VariantDraft, rule: PlatformRule): RuleProblem[] {
  const body = draft.body.trim();
  if (!body) return [{ code: "EMPTY", message: `The ${rule.label} is empty.` }];
  const problems: RuleProblem[] = [];
  const chars = countChars(draft.body);
  if (chars > rule.maxChars) {
    problems.push({
      code: "TOO_LONG",
      message: `The ${rule.label} has ${chars} characters; at most ${rule.maxChars}.`,
    });
  }
  const hashtags = extractHashtags(body).length;
  if (rule.maxHashtags !== undefined && hashtags > rule.maxHashtags) {
    problems.push({
      code: "TOO_MANY_HASHTAGS",
      message: `The ${rule.label} has ${hashtags} hashtags; at most ${rule.maxHashtags}.`,
    });
  }
  const words = countWords(body);
  if (rule.maxWords !== undefined && words > rule.maxWords) {
    problems.push({
      code: "TOO_MANY_WORDS",
      message: `The ${rule.label} has ${words} words; at most ${rule.maxWords}.`,
    });
  }
  if (rule.needsHook && !isHookLine(body.split("\n")[0] ?? "")) {
    problems.push({
      code: "MISSING_HOOK",
      message: `The ${rule.label} must open with a hook: one line of at most ${HOOK_MAX_CHARS} characters ending in . ? or !`,
    });
  }
  return problems;
}
