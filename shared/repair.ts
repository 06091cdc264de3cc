/**
 * Repairing drafts that break their platform's rules: re-split, trim, add a hook. Every length
 * is measured as checkVariant measures it, in the platform's unit (`platformLength`).
 */
import {
  CJK_SENTENCE_END,
  CLOSERS,
  checkVariant,
  countChars,
  countWords,
  ELLIPSIS,
  graphemes,
  HASHTAG,
  HOOK_CONTENT,
  HOOK_END,
  HOOK_MAX_CHARS,
  isCut,
  isHookLine,
  PLATFORM_RULES,
  type PlatformRule,
  platformLength,
  postContent,
  threadParts,
  type VariantDraft,
  wordPieces,
  X_POST_CHARS,
  xLinkRanges,
} from "./platforms";
import { type LengthMeasure, splitThread } from "./thread";

/**
 * `text` cut at a word boundary to at most `maxChars` (characters, or the unit of `measure`,
 * e.g. `(t) => platformLength("x", t)`), ending with "…" when cut.
 */
export function shortenAtWord(
  text: string,
  maxChars: number,
  measure: LengthMeasure = countChars,
): string {
  return cutToFit(text, (candidate) => measure(candidate) <= maxChars, false) ?? "";
}

/**
 * A hook line from the first sentence of `text`: at most 100 characters, ending in . ? or !
 * (or the CJK 。！？, which end a sentence without a space after them).
 */
export function toHookLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const sentences = flat.match(/.+?(?:[.!?…]+(?=\s|$)|[。！？]+|$)/gu) ?? [];
  const first = sentences.map((s) => s.trim()).find((s) => HOOK_CONTENT.test(s)) ?? flat;
  const end = /[?!。！？]$/.test(first)
    ? (first.at(-1) as string)
    : NO_SPACES.test(first)
      ? "。"
      : ".";
  const fits = (candidate: string) => countChars(candidate) <= HOOK_MAX_CHARS - 1;
  const shorten = (sentence: string) =>
    (cutToFit(sentence, fits, false) ?? "").replace(/[\s,;:–—….、，-]+$/u, "");
  let hook = shorten(first);
  // Leading punctuation can fill the whole line; start at the first word then.
  if (!HOOK_CONTENT.test(hook))
    hook = shorten(first.slice(Math.max(0, first.search(HOOK_CONTENT))));
  return hook && !HOOK_END.test(hook) ? hook + end : hook;
}

/** Returns a draft that passes checkVariant, or null when nothing postable can be made of it. */
export function repairVariant(draft: VariantDraft): VariantDraft | null {
  if (checkVariant(draft).length === 0) return draft;
  const rule = PLATFORM_RULES[draft.platform];
  const repaired = rule.thread ? repairThread(draft, rule) : repairSingle(draft, rule);
  return repaired && checkVariant(repaired).length === 0 ? repaired : null;
}

function repairThread(draft: VariantDraft, rule: PlatformRule): VariantDraft | null {
  const contents = threadParts(draft).map((post, i) => postContent(post, i).trim());
  // Keep the author's posts as paragraphs, except where a post ran into the next one: those
  // are joined with a space (never glued, which could merge two real words).
  // CJK text has no spaces between words, so a post cut between two CJK characters is joined
  // back without one.
  let text = "";
  contents.forEach((content, i) => {
    const next = contents[i + 1];
    const marked =
      next !== undefined && content.endsWith(ELLIPSIS) && isCut(content.slice(0, -1), next);
    const runsOn = next !== undefined && (marked || isCut(content, next));
    const kept = marked ? content.slice(0, -1) : content;
    const glue = runsOn ? (writtenWithoutSpaces(kept, next ?? "") ? "" : " ") : "\n\n";
    text += kept + glue;
  });
  text = withoutForbidden(text, rule);
  const maxPosts = rule.maxPosts ?? Number.POSITIVE_INFINITY;
  const maxPostChars = rule.maxPostChars ?? X_POST_CHARS;
  const measure = (post: string) => platformLength(rule.id, post);
  let posts = splitThread(text, maxPostChars, measure);
  if (posts.length > maxPosts) {
    posts = splitThread(text.replace(/\s+/g, " "), maxPostChars, measure);
  }
  if (posts.length > maxPosts) {
    // Still too long: keep the first posts. Fewer posts never widen the "i/N " prefix.
    const kept = posts.slice(0, maxPosts).map((post, i) => postContent(post, i));
    posts = kept.map((content, i) => `${i + 1}/${kept.length} ${content}`);
  }
  return posts.length > 0
    ? { platform: draft.platform, body: posts.join("\n\n"), parts: posts }
    : null;
}

function repairSingle(draft: VariantDraft, rule: PlatformRule): VariantDraft | null {
  let body = draft.body.trim();
  body = withoutForbidden(body, rule);
  if (rule.maxHashtags !== undefined) body = dropHashtags(body, rule.maxHashtags);
  let hook = "";
  if (rule.needsHook) {
    const [first = "", ...rest] = body.split("\n");
    if (isHookLine(first)) {
      hook = first.trim();
      body = rest.join("\n").trim();
    } else {
      hook = toHookLine(body);
    }
  }
  const compose = (rest: string) => (hook && rest ? `${hook}\n${rest}` : hook || rest);
  const fits = (text: string) =>
    platformLength(rule.id, text) <= rule.maxChars &&
    (rule.maxWords === undefined || countWords(text) <= rule.maxWords);
  if (!fits(compose(body))) body = cutToFit(body, (rest) => fits(compose(rest)), true) ?? "";
  const result = compose(body);
  return result ? { platform: draft.platform, body: result } : null;
}

/** Removes hashtags from the end until at most `max` remain. */
function dropHashtags(text: string, max: number): string {
  let result = text;
  for (;;) {
    const tags = [...result.matchAll(HASHTAG)].filter((match) => /\p{L}/u.test(match[0]));
    const last = tags.at(-1);
    if (tags.length <= max || !last) break;
    result = result.slice(0, last.index) + result.slice(last.index + last[0].length);
  }
  return result
    .replace(/[^\S\n]{2,}/g, " ")
    .replace(/[^\S\n]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * The longest start of `text` that fits: ending at a sentence end when that keeps at least half
 * of what a word-boundary cut would, else at a word boundary plus "…", else (one giant word)
 * between graphemes plus "…". Sentence ends include the CJK "。！？" and word boundaries the
 * places between CJK words (that text has no spaces); no cut falls inside a link unless the
 * link alone is too long. Null when not even "…" fits.
 */
function cutToFit(
  text: string,
  fits: (candidate: string) => boolean,
  preferSentences: boolean,
): string | null {
  if (fits(text)) return text;
  const withMark = (prefix: string) => {
    const trimmed = prefix.replace(/[\s,;:–—、，-]+$/u, "");
    return trimmed.endsWith(ELLIPSIS) ? trimmed : trimmed + ELLIPSIS;
  };
  const links = xLinkRanges(text);
  const outsideLinks = (index: number) =>
    links.every(([start, end]) => index <= start || index >= end);
  const spaces = [...text.matchAll(/\s+/g)].map((match) => match.index);
  const words = ordered([...spaces, ...cjkWordBoundaries(text)]).filter(outsideLinks);
  const wordCut = lastFitting(words, (index) => fits(withMark(text.slice(0, index))));
  if (preferSentences) {
    const ends = ordered([
      ...[...text.matchAll(SENTENCE_THEN_SPACE)].map((match) => match.index),
      ...[...text.matchAll(CJK_SENTENCE_END)].map((match) => match.index + match[0].length),
    ]).filter(outsideLinks);
    const sentenceCut = lastFitting(ends, (index) => fits(text.slice(0, index).trimEnd()));
    if (sentenceCut !== undefined && (wordCut === undefined || sentenceCut >= wordCut / 2)) {
      return text.slice(0, sentenceCut).trimEnd();
    }
  }
  if (wordCut !== undefined) return withMark(text.slice(0, wordCut));
  const parts = graphemes(text);
  const offsets: number[] = [];
  for (let i = 1, offset = 0; i < parts.length; i++) {
    offset += (parts[i - 1] as string).length;
    offsets.push(offset);
  }
  const cut = (candidates: number[]) =>
    lastFitting(candidates, (index) => fits(withMark(text.slice(0, index))));
  const hardCut = cut(offsets.filter(outsideLinks)) ?? cut(offsets);
  if (hardCut !== undefined) return withMark(text.slice(0, hardCut));
  return fits(ELLIPSIS) ? ELLIPSIS : null;
}

/** A sentence end followed by whitespace; the index is the whitespace's. */
const SENTENCE_THEN_SPACE = new RegExp(`(?<=[.!?…。！？｡][${CLOSERS}]*)\\s`, "gu");

/** Scripts written without spaces between words, and CJK punctuation. */
const NO_SPACES =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;

const codePointBefore = (text: string, index: number) => {
  const low = text.charCodeAt(index - 1);
  const pair = low >= 0xdc00 && low <= 0xdfff && index >= 2;
  return String.fromCodePoint(text.codePointAt(pair ? index - 2 : index - 1) ?? 32);
};

/** Whether the place between `before` and `after` is inside text written without spaces. */
function writtenWithoutSpaces(before: string, after: string): boolean {
  const first = String.fromCodePoint(after.codePointAt(0) ?? 32);
  return (
    (before.length > 0 && NO_SPACES.test(codePointBefore(before, before.length))) ||
    NO_SPACES.test(first)
  );
}

/** Word boundaries next to CJK text (which has no spaces to cut at), as UTF-16 offsets. */
function cjkWordBoundaries(text: string): number[] {
  const boundaries: number[] = [];
  let offset = 0;
  for (const piece of wordPieces(text)) {
    offset += piece.length;
    if (offset >= text.length) break;
    const after = String.fromCodePoint(text.codePointAt(offset) ?? 32);
    if (NO_SPACES.test(codePointBefore(text, offset)) || NO_SPACES.test(after)) {
      boundaries.push(offset);
    }
  }
  return boundaries;
}

/** Distinct cut positions inside the text, in order. */
const ordered = (indexes: number[]) =>
  [...new Set(indexes)].filter((index) => index > 0).sort((a, b) => a - b);

/** `text` without the characters the platform refuses: "<" and ">" become "‹" and "›". */
function withoutForbidden(text: string, rule: PlatformRule): string {
  if (!rule.forbidden) return text;
  const lookalikes: Record<string, string> = { "<": "‹", ">": "›" };
  return text.replace(
    new RegExp(rule.forbidden.pattern.source, "g"),
    (char) => lookalikes[char] ?? "",
  );
}

/**
 * The last candidate that fits, by binary search (fitting shrinks as text grows). Only tested
 * candidates are returned, so the answer always fits even where that assumption bends.
 */
function lastFitting(
  candidates: number[],
  fits: (candidate: number) => boolean,
): number | undefined {
  let low = 0;
  let high = candidates.length - 1;
  let found: number | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = candidates[middle] as number;
    if (fits(candidate)) {
      found = candidate;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
