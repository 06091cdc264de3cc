/** Plain-text helpers for the offline repurposer: sentences, keywords, ranking. */

/** English function words (and a few generic ones like "minutes") to keep out of keywords and hashtags. */
const STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before
  being below between both but by can could did do does doing down during each even ever every
  few for from further get gets got had has have having he her here hers herself him himself his
  how however i if in into is it its itself just let like made make many may me more most much
  must my myself never new no nor not now of off on once one only or other our ours ourselves
  out over own really same say says see she should since so some still such than that the their
  theirs them themselves then there these they thing things this those though through to too
  under until up upon us use used using very via want was way we well were what when where which
  while who whom why will with within without would yes yet you your yours yourself yourselves
  thats dont doesnt didnt cant wont isnt arent youre youll weve ive im its lets heres theres
  good great best better lot lots people time times today minute minutes hour hours day days week
  weeks month months year years first last next take takes took whole`
    .split(/\s+/)
    .filter(Boolean),
);

const URL_PATTERN = /(?:https?:\/\/|www\.)\S+/giu;
export const isUrl = (token: string) => /^(?:https?:\/\/|www\.)\S+$/iu.test(token);

// Abbreviations whose dot does not end a sentence.
const ABBREVIATIONS = new Set(["mr.", "mrs.", "ms.", "dr.", "e.g.", "i.e.", "vs.", "st.", "no."]);
const SENTENCE_END = /[.!?…]["'”’)\]]*$/u;
const BULLET = /^\s*(?:[-*•·–—]|\d{1,2}[.)])\s+/u;
/** Past this many words a run-on is cut at a comma, and past the maximum anywhere. */
const RUN_ON_WORDS = 18;
const MAX_SENTENCE_WORDS = 30;

export const normalizeSpace = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * Sentences in order. Line breaks end sentences (notes are often lists, bullets are dropped);
 * only whitespace-separated tokens are examined, so URLs are never split; an unpunctuated
 * run-on is cut at a comma or, failing that, every 30 words.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const line of text.split(/[\n\r\u2028\u2029]+/)) {
    let words: string[] = [];
    for (const token of line.replace(BULLET, "").split(/\s+/)) {
      if (!token) continue;
      words.push(token);
      const ends = SENTENCE_END.test(token) && !ABBREVIATIONS.has(token.toLowerCase());
      const runOn = words.length >= RUN_ON_WORDS && /[,;:]$/.test(token);
      if (ends || runOn || words.length >= MAX_SENTENCE_WORDS) {
        sentences.push(words.join(" "));
        words = [];
      }
    }
    if (words.length) sentences.push(words.join(" "));
  }
  // A sentence worth posting has words that are not just a link.
  return sentences.filter((sentence) => /[\p{L}\p{N}]/u.test(sentence.replace(URL_PATTERN, "")));
}

/** Lower-cased content words: no stopwords, no links, at least 3 and at most 30 characters. */
export function keywordsOf(text: string): string[] {
  const words =
    text
      .replace(URL_PATTERN, " ")
      .toLowerCase()
      .match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  return words.filter((word) => {
    const length = Array.from(word).length;
    return length >= 3 && length <= 30 && /\p{L}/u.test(word) && !STOPWORDS.has(word);
  });
}

/**
 * Keywords used at least `minCount` times, by how many sentences use them (so "shot by shot"
 * counts once; the title counts double), first appearance breaking ties.
 */
export function rankKeywords(title: string, sentences: string[], minCount = 1): string[] {
  const counts = new Map<string, number>();
  for (const word of new Set(keywordsOf(title))) counts.set(word, (counts.get(word) ?? 0) + 2);
  for (const sentence of sentences) {
    for (const word of new Set(keywordsOf(sentence))) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return byCount(counts).filter((word) => (counts.get(word) ?? 0) >= minCount);
}

/**
 * Sentence indices, best first. A sentence scores for coming early, for a readable length
 * (8–25 words), for sharing the title's keywords and for carrying the text's frequent ones.
 */
export function rankSentences(sentences: string[], title: string): number[] {
  const titleWords = new Set(keywordsOf(title));
  const frequency = new Map<string, number>();
  for (const word of sentences.flatMap(keywordsOf))
    frequency.set(word, (frequency.get(word) ?? 0) + 1);
  let top = 1;
  for (const count of frequency.values()) top = Math.max(top, count);
  const scores = sentences.map((sentence, index) => {
    const words = sentence.split(" ").length;
    const keywords = new Set(keywordsOf(sentence));
    const position = 1 / (1 + index / 3);
    const length = words < 8 ? words / 8 : words > 25 ? 25 / words : 1;
    let shared = 0;
    let weight = 0;
    for (const word of keywords) {
      if (titleWords.has(word)) shared++;
      weight += (frequency.get(word) ?? 0) / top;
    }
    const overlap = titleWords.size ? shared / titleWords.size : 0;
    return position + length + 1.5 * overlap + weight / Math.max(1, keywords.size);
  });
  return sentences
    .map((_, index) => index)
    .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
}

/** Keys, most counted first; the sort is stable, so ties keep their first appearance. */
function byCount(counts: Map<string, number>): string[] {
  return [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0));
}

/** Ends the sentence with a full stop when it trails off (no stop after a bare link). */
export function asSentence(text: string): string {
  const trimmed = text.trim().replace(/[\s,;:–—-]+$/u, "");
  const last = trimmed.split(" ").at(-1) ?? "";
  return /[\p{L}\p{M}\p{N}]$/u.test(trimmed) && !isUrl(last) ? `${trimmed}.` : trimmed;
}

export function capitalize(text: string): string {
  const [first = "", ...rest] = Array.from(text);
  return first.toUpperCase() + rest.join("");
}

/** Short spoken sentences: a long sentence is cut at its commas, semicolons and dashes. */
export function spokenSentences(sentence: string): string[] {
  if (sentence.split(" ").length <= 14) return [asSentence(sentence)];
  return sentence
    .split(/(?<=[,;:])\s+|\s+[–—]\s+/u)
    .map((clause) => asSentence(capitalize(clause)))
    .filter((clause) => /[\p{L}\p{N}]/u.test(clause));
}

/** Emoji a writer uses, most used first. */
export function emojiOf(texts: string[]): string[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const emoji of text.match(/\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F/gu) ??
      []) {
      counts.set(emoji, (counts.get(emoji) ?? 0) + 1);
    }
  }
  return byCount(counts);
}
