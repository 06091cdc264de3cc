/**
 * Platform ids and their posting rules; the API checks every AI variant against these, each
 * limit counted in the platform's own unit (see `platformLength`).
 */
import twttr from "twitter-text";
import type { PlatformId } from "./platform-ids";

export { PLATFORM_IDS, type PlatformId, platformIdSchema } from "./platform-ids";

/** What a platform's length limits count; also the word used in messages and counters. */
export type LengthUnit = "weighted characters" | "characters" | "bytes";

export interface PlatformRule {
  id: PlatformId;
  label: string;
  /** What `maxChars`, `maxPostChars` and `platformLength` count for this platform. */
  unit: LengthUnit;
  /** whole-body limit, in `unit` (for a thread: all posts together) */
  maxChars: number;
  /** per-post limit for threads (X), in `unit`, the "i/N " number included */
  maxPostChars?: number;
  /** most posts in one thread (X) */
  maxPosts?: number;
  thread: boolean;
  maxHashtags?: number;
  /** spoken scripts: ~150 words ≈ 60 s */
  maxWords?: number;
  needsHook: boolean;
  /** Characters the platform refuses anywhere in the text (a one-character class, no flags). */
  forbidden?: { pattern: RegExp; label: string };
  /** Title limit (characters) of the video this text goes with; unchecked: drafts have no title. */
  maxTitleChars?: number;
}

/**
 * X: at most 280 weighted characters per post. Published by X, "Counting characters"
 * (https://docs.x.com/fundamentals/counting-characters): the weights are twitter-text's
 * (https://github.com/twitter/twitter-text, config v3) — code points U+0000–U+10FF and a few
 * punctuation ranges weigh 1, everything else (CJK, most symbols) 2, an emoji sequence (ZWJ,
 * skin tone, flag) 2, and every link 23 (t.co), after NFC normalization. Paid accounts may post
 * longer; we keep to the limit every account has.
 */
export const X_POST_CHARS = 280;
/** Our choice, not X's: a thread longer than this is rarely read to the end. */
const X_MAX_POSTS = 25;
/** A hook is a short first line the viewer reads (or hears) before deciding to stay. Our choice. */
export const HOOK_MAX_CHARS = 100;
/**
 * YouTube: title at most 100 characters, description at most 5,000 bytes (UTF-8), and neither
 * may contain "<" or ">". Published in the YouTube Data API reference, videos resource,
 * snippet.title / snippet.description (https://developers.google.com/youtube/v3/docs/videos).
 * YouTube Studio says "5,000 characters"; bytes is the stricter reading, so a description that
 * fits in bytes fits both.
 */
export const YOUTUBE_TITLE_MAX_CHARS = 100;
const YOUTUBE_FORBIDDEN = { pattern: /[<>]/, label: `"<" and ">"` };

export const PLATFORM_RULES: Record<PlatformId, PlatformRule> = {
  x: {
    id: "x",
    label: "X thread",
    unit: "weighted characters",
    maxChars: X_MAX_POSTS * X_POST_CHARS,
    maxPostChars: X_POST_CHARS,
    maxPosts: X_MAX_POSTS,
    thread: true,
    needsHook: false,
  },
  // LinkedIn: a post holds at most 3,000 characters — the limit LinkedIn's composer enforces
  // (raised from 1,300 in 2021; e.g. https://linkedinpreview.com/blog/linkedin-post-length).
  // LinkedIn publishes no help page or unit for it; we count user-perceived characters.
  linkedin: {
    id: "linkedin",
    label: "LinkedIn post",
    unit: "characters",
    maxChars: 3000,
    thread: false,
    needsHook: false,
  },
  // Instagram: a caption holds at most 2,200 characters — Instagram Graph API reference, IG User
  // Media, `caption` (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media;
  // we could not re-read that page, the figure is confirmed by API vendors' docs, e.g.
  // https://ayrshare.com/apis/post/social-networks/instagram). Hashtags: at most 5 since
  // Instagram's December 2025 change ("Instagram will gradually update the number of hashtags
  // that you can include in a caption for a reel or post to five", Instagram's announcement as
  // quoted at https://immediatefuture.co.uk/blog/surprising-hashtag-limits-introduced-on-instagram);
  // the 30 of older references predates it.
  instagram: {
    id: "instagram",
    label: "Instagram caption",
    unit: "characters",
    maxChars: 2200,
    maxHashtags: 5,
    thread: false,
    needsHook: false,
  },
  // TikTok: this variant is a spoken script, so its limits are our choice: 150 words (≈ 60 s
  // spoken) and 1,200 characters. TikTok's own caption limit is higher: 4,000 characters in the
  // app (raised from 2,200; no TikTok help page found, reported e.g. at
  // https://lettercounter.org/blog/tiktok-character-limit-guide) and 2,200 through the Content
  // Posting API (https://developers.tiktok.com/doc/content-posting-api-reference-direct-post).
  tiktok: {
    id: "tiktok",
    label: "TikTok script",
    unit: "characters",
    maxChars: 1200,
    maxWords: 150,
    thread: false,
    needsHook: true,
  },
  // YouTube Shorts: a spoken script; 150 words (≈ 60 s) and 1,200 characters are our choice.
  // Its title follows YouTube's 100-character rule.
  shorts: {
    id: "shorts",
    label: "Shorts script",
    unit: "characters",
    maxChars: 1200,
    maxWords: 150,
    thread: false,
    needsHook: true,
    maxTitleChars: YOUTUBE_TITLE_MAX_CHARS,
  },
  // A newsletter section: email has no platform limit; 2,000 characters is our choice.
  newsletter: {
    id: "newsletter",
    label: "Newsletter section",
    unit: "characters",
    maxChars: 2000,
    thread: false,
    needsHook: false,
  },
  youtube: {
    id: "youtube",
    label: "YouTube description",
    unit: "bytes",
    maxChars: 5000,
    thread: false,
    needsHook: false,
    forbidden: YOUTUBE_FORBIDDEN,
    maxTitleChars: YOUTUBE_TITLE_MAX_CHARS,
  },
};

/**
 * The length of `text` in the platform's own unit (`PLATFORM_RULES[platform].unit`), the one
 * measure behind checkVariant, the thread splitter, repair and the side panel's counters:
 * X weighted characters for X, UTF-8 bytes for a YouTube description, characters (graphemes)
 * elsewhere.
 */
export function platformLength(platform: PlatformId, text: string): number {
  const unit = PLATFORM_RULES[platform].unit;
  if (unit === "weighted characters") return xWeightedLength(text);
  if (unit === "bytes") return utf8Length(text);
  return countChars(text);
}

/**
 * X weighted characters, by X's official twitter-text: links count 23, CJK characters and
 * emoji sequences 2, Latin text 1 (see X_POST_CHARS for the source).
 */
export function xWeightedLength(text: string): number {
  return twttr.parseTweet(text).weightedLength;
}

/** Links as X finds them (each counts 23), as UTF-16 [start, end) ranges of `text`. */
export function xLinkRanges(text: string): Array<[start: number, end: number]> {
  return twttr.extractUrlsWithIndices(text).map((link) => [link.indices[0], link.indices[1]]);
}

/** UTF-8 bytes, as the YouTube Data API counts a description (a lone surrogate becomes U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

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
 * Word pieces in order, by ICU word segmentation: words, spaces and punctuation each their own
 * piece; CJK text without spaces is cut into words by dictionary. Joined they give `text` back.
 */
export function wordPieces(text: string): string[] {
  if (!segmenters) return text.match(/\s+|[\p{L}\p{M}\p{N}_'’]+|./gsu) ?? [];
  return Array.from(segmenters.word.segment(text), (part) => part.segment);
}

/**
 * Characters as a reader sees them: one per grapheme, so "👍🏽", "👩‍💻" and "é" (e + accent) are 1.
 * This is the unit of the platforms that say "characters" (see PLATFORM_RULES); X and YouTube
 * count differently, so limits go through `platformLength`.
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
    | "SINGLE_POST_NUMBERED"
    | "POST_CUT_MID_WORD"
    | "TOO_MANY_POSTS"
    | "FORBIDDEN_CHARACTERS";
  message: string;
  /** 1-based post number, as in the "i/N" prefix */
  part?: number;
}

export const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
/** Closing quotes and brackets that may follow a sentence's final mark, Latin and CJK. */
export const CLOSERS = `"'”’)\\]」』）】〕〉》`;
/** A word that ends a sentence: . ! ? … or the CJK 。！？, then any closing quotes. */
export const SENTENCE_END = new RegExp(`[.!?…。！？｡‼⁉][${CLOSERS}]*$`, "u");
/** Sentence ends in text written without spaces (CJK): 。！？ and closing quotes; for matchAll. */
export const CJK_SENTENCE_END = new RegExp(`[。！？｡][${CLOSERS}]*`, "gu");
export const ELLIPSIS = "…";

const endsInWord = (text: string) => WORD_CHAR.test(Array.from(text.slice(-2)).at(-1) ?? "");
const startsInWord = (text: string) =>
  WORD_CHAR.test(String.fromCodePoint(text.codePointAt(0) ?? 32));

/**
 * A mid-word cut is a post boundary with a letter or digit on both sides. A boundary that falls
 * between two words mid-sentence looks the same (and between two CJK characters it always
 * does), so the splitter ends such a post with "…" (the usual "continued" mark on threads); a
 * boundary after punctuation ("." "。" "」"), an emoji or a blank line is always fine.
 */
export const isCut = (post: string, nextContent: string) =>
  endsInWord(post) && startsInWord(nextContent);

/**
 * The posts of a thread draft: `parts`, or the body split before each "i/N " prefix. A body
 * without numbered posts is one post (a one-post thread is not numbered).
 */
export function threadParts(draft: VariantDraft): string[] {
  if (draft.parts) return draft.parts;
  return draft.body.trim() ? draft.body.trim().split(/\n\s*\n(?=\d+\/\d+ )/) : [];
}

/** The post without its "i/N " prefix; other leading numbers ("1/2 cup") are content. */
export function postContent(post: string, index: number): string {
  const match = /^\s*(\d+)\s*\/\s*\d+[^\S\n]*/.exec(post);
  return match && Number(match[1]) === index + 1 ? post.slice(match[0].length) : post;
}

/** A lone post that still carries a "1/1" number, which only threads of 2+ posts have. */
const NUMBERED_SINGLE = /^\s*1\s*\/\s*1(?:\s|$)/;

export const HOOK_CONTENT = /[\p{L}\p{N}\p{Extended_Pictographic}]/u;
/** How a hook ends: . ? or !, or the CJK 。！？ */
export const HOOK_END = /[.?!。！？]$/u;

/**
 * A hook: one line of at most 100 characters with some words (or emoji), ending in . ? or !
 * (。！？ in CJK text).
 */
export function isHookLine(line: string): boolean {
  const hook = line.trim();
  return countChars(hook) <= HOOK_MAX_CHARS && HOOK_END.test(hook) && HOOK_CONTENT.test(hook);
}

/**
 * Every rule the draft breaks; an empty array means it is ready to post. Lengths are in the
 * platform's unit (X weighted characters, YouTube bytes, characters elsewhere: see PLATFORM_RULES
 * for each rule's source). A thread of 2+ posts numbers every post "i/N "; a single post has no
 * number.
 */
export function checkVariant(draft: VariantDraft): RuleProblem[] {
  const rule = PLATFORM_RULES[draft.platform];
  const problems = rule.thread ? checkThread(draft, rule) : checkSingle(draft, rule);
  if (rule.forbidden && problems[0]?.code !== "EMPTY") {
    const text = rule.thread ? threadParts(draft).join("\n\n") : draft.body;
    if (rule.forbidden.pattern.test(text)) {
      problems.push({
        code: "FORBIDDEN_CHARACTERS",
        message: `The ${rule.label} may not contain ${rule.forbidden.label}.`,
      });
    }
  }
  return problems;
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
    const length = platformLength(rule.id, post);
    total += length;
    if (!postContent(post, i).trim()) {
      problems.push({ code: "EMPTY", message: `Post ${part} is empty.`, part });
    }
    if (length > maxPostChars) {
      problems.push({
        code: "POST_TOO_LONG",
        message: `Post ${part} has ${length} ${rule.unit}; at most ${maxPostChars}.`,
        part,
      });
    }
    if (posts.length === 1) {
      if (NUMBERED_SINGLE.test(post)) {
        problems.push({
          code: "SINGLE_POST_NUMBERED",
          message: `A single post is not numbered: drop the "1/1".`,
          part,
        });
      }
    } else if (!post.startsWith(`${part}/${posts.length} `)) {
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
      message: `The thread has ${total} ${rule.unit}; at most ${rule.maxChars}.`,
    });
  }
  return problems;
}

function checkSingle(draft: VariantDraft, rule: PlatformRule): RuleProblem[] {
  const body = draft.body.trim();
  if (!body) return [{ code: "EMPTY", message: `The ${rule.label} is empty.` }];
  const problems: RuleProblem[] = [];
  const length = platformLength(rule.id, draft.body);
  if (length > rule.maxChars) {
    problems.push({
      code: "TOO_LONG",
      message: `The ${rule.label} has ${length} ${rule.unit}; at most ${rule.maxChars}.`,
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
      message: `The ${rule.label} must open with a hook: one line of at most ${HOOK_MAX_CHARS} characters ending in . ? or ! (。！？ in CJK)`,
    });
  }
  return problems;
}
