/**
 * Plain-text helpers for the offline repurposer: reading a piece, its sentences, its keywords
 * and its key sentences. Every pass is linear in the length of the text (one sort of the
 * sentences aside; never a sentence-vs-sentence comparison), because the whole piece is read
 * inside a Worker's 10 ms CPU budget.
 */

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
  weeks month months year years first last next take takes took whole something anything
  everything nothing someone anyone everyone bit kind sort stuff actually honestly basically
  literally pretty quite maybe probably okay yeah gonna wanna going went thank thanks guys`
    .split(/\s+/)
    .filter(Boolean),
);

const URL_PATTERN = /(?:https?:\/\/|www\.)\S+/giu;
export const isUrl = (token: string) => /^(?:https?:\/\/|www\.)\S+$/iu.test(token);

// Abbreviations whose dot does not end a sentence.
const ABBREVIATIONS = new Set(["mr.", "mrs.", "ms.", "dr.", "e.g.", "i.e.", "vs.", "st.", "no."]);
const SENTENCE_END = /[.!?…]["'”’)\]]*$/u;
/** Past this many words a run-on is cut at a comma, and past the maximum anywhere. */
const RUN_ON_WORDS = 18;
const MAX_SENTENCE_WORDS = 30;

export const normalizeSpace = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * At most about `maxChars` UTF-16 units of `text`, taken as `windows` evenly spaced windows from
 * its start to its end, so a very long piece is still read as a whole (its opening and its
 * ending included) with bounded work. Each window is trimmed to whole sentences (or whole words)
 * and ends a line, so no half sentence is ever quoted and no emoji is cut in two. Text within
 * `maxChars` is returned as it is.
 */
export function sampleEvenly(text: string, maxChars: number, windows: number): string {
  if (text.length <= maxChars) return text;
  const count = Math.max(2, windows);
  const size = Math.floor(maxChars / count);
  const stride = (text.length - size) / (count - 1);
  const pieces: string[] = [];
  for (let window = 0; window < count; window++) {
    let start = Math.round(window * stride);
    let end = Math.min(text.length, start + size);
    if (isLowSurrogate(text.charCodeAt(start))) start++;
    if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end--;
    let piece = text.slice(start, end);
    if (window > 0) piece = piece.slice(firstBoundary(piece));
    if (window < count - 1) piece = piece.slice(0, lastBoundary(piece));
    pieces.push(piece);
  }
  return pieces.join("\n");
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
const BOUNDARY = /[.!?…]["'”’)\]]*\s+|\n/gu;

/** Where the first whole sentence (else word) of a window starts; 0 when there is none. */
function firstBoundary(piece: string): number {
  BOUNDARY.lastIndex = 0;
  const sentence = BOUNDARY.exec(piece);
  if (sentence) return sentence.index + sentence[0].length;
  const space = piece.indexOf(" ");
  return space < 0 ? 0 : space + 1;
}

/** Where the last whole sentence (else word) of a window ends; its length when there is none. */
function lastBoundary(piece: string): number {
  let end = -1;
  BOUNDARY.lastIndex = 0;
  for (let match = BOUNDARY.exec(piece); match; match = BOUNDARY.exec(piece)) {
    end = match.index + match[0].length;
  }
  if (end > 0) return end;
  const space = piece.lastIndexOf(" ");
  return space > 0 ? space : piece.length;
}

/**
 * Sentences in order. Line breaks end sentences (descriptions are often lists, bullets are
 * dropped); only whitespace-separated tokens are examined, so URLs are never split; an
 * unpunctuated run-on is cut at a comma or, failing that, every 30 words. Words are joined by
 * single spaces. One scan of the characters: `String#split` and `replace` with a pattern are
 * kept out of this path because they become many times slower once a loaded library (core-js,
 * inside twitter-text) has switched off the engine's RegExp fast path.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let words: string[] = [];
  const close = () => {
    // A sentence worth posting has words that are not just a link.
    if (words.some(hasWordsBesideLinks)) sentences.push(words.join(" "));
    words = [];
  };
  let lineStart = true;
  let tokenStart = -1;
  for (let at = 0; at <= text.length; at++) {
    const code = at < text.length ? text.charCodeAt(at) : 10;
    if (!isWhitespace(code)) {
      if (tokenStart < 0) tokenStart = at;
      continue;
    }
    if (tokenStart >= 0) {
      const token = text.slice(tokenStart, at);
      tokenStart = -1;
      const bullet = lineStart && BULLET.test(token);
      lineStart = false;
      if (!bullet) {
        words.push(token);
        const ends = endsSentence(token);
        const runOn = words.length >= RUN_ON_WORDS && /[,;:]$/.test(token);
        if (ends || runOn || words.length >= MAX_SENTENCE_WORDS) close();
      }
    }
    if (isLineBreak(code)) {
      if (words.length > 0) close();
      lineStart = true;
    }
  }
  return sentences;
}

const BULLET = /^(?:[-*•·–—]|\d{1,2}[.)])$/u;
const WORD_OR_NUMBER = /[\p{L}\p{N}]/u;
const LINK_START = /https?:\/\/|www\./iu;

/** JavaScript's `\s`, by character code. */
function isWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

const isLineBreak = (code: number) =>
  code === 10 || code === 13 || code === 0x2028 || code === 0x2029;

/** The final marks `SENTENCE_END` looks for: . ! ? … and closing quotes or brackets. */
const SENTENCE_MARKS = new Set([...".!?…\"'”’)]"].map((mark) => mark.charCodeAt(0)));

/** A token that ends a sentence: ". ! ? …" (then closing quotes), not an abbreviation. */
function endsSentence(token: string): boolean {
  if (!SENTENCE_MARKS.has(token.charCodeAt(token.length - 1))) return false;
  return SENTENCE_END.test(token) && !ABBREVIATIONS.has(token.toLowerCase());
}

/** A token with a letter or digit outside any link it holds ("see:https://…" has "see"). */
function hasWordsBesideLinks(token: string): boolean {
  if (!token.includes("://") && !token.toLowerCase().includes("www.")) {
    return WORD_OR_NUMBER.test(token);
  }
  const link = token.search(LINK_START);
  return WORD_OR_NUMBER.test(link < 0 ? token : token.slice(0, link));
}

/** Whole words: "b-roll", "J-cuts" and "don't" stay one word, so a hashtag is never a fragment. */
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*/gu;

/** The content words of one sentence, in order, and the pairs of them written side by side. */
export interface SentenceWords {
  /** Lower-cased whole words that are not stopwords or links, 3 to 30 characters, with a letter. */
  words: string[];
  /** Match keys (see `matchKey`) of `words`, index for index. */
  keys: string[];
  /** "key key" for each two content words with only a space between them (a candidate phrase). */
  pairs: string[];
}

/** Content words (see `SentenceWords`) of a sentence or title. */
export function sentenceWords(text: string): SentenceWords {
  const lower = text.toLowerCase();
  const plain =
    lower.includes("://") || lower.includes("www.") ? lower.replace(URL_PATTERN, " ") : lower;
  const words: string[] = [];
  const keys: string[] = [];
  const pairs: string[] = [];
  let previousEnd = -1;
  let previousKey: string | undefined;
  WORD.lastIndex = 0;
  for (let match = WORD.exec(plain); match; match = WORD.exec(plain)) {
    const written = match[0];
    const start = match.index;
    const besideLast = previousKey !== undefined && start === previousEnd + 1;
    previousEnd = start + written.length;
    const word = written.endsWith("'s") || written.endsWith("’s") ? written.slice(0, -2) : written;
    if (!isContentWord(word)) {
      previousKey = undefined;
      continue;
    }
    const key = matchKey(word);
    if (besideLast && plain.charCodeAt(start - 1) === 32) pairs.push(`${previousKey} ${key}`);
    words.push(word);
    keys.push(key);
    previousKey = key;
  }
  return { words, keys, pairs };
}

/** A lower-cased word worth a keyword: not a stopword, 3 to 30 characters, with a letter. */
function isContentWord(word: string): boolean {
  if (word.length < 3 || (word.length > 30 && Array.from(word).length > 30)) return false;
  const bare = word.includes("'") || word.includes("’") ? word.replace(/['’]/gu, "") : word;
  if (STOPWORDS.has(bare)) return false;
  const first = word.charCodeAt(0);
  return (first >= 97 && first <= 122) || HAS_LETTER.test(word);
}

const HAS_LETTER = /\p{L}/u;

/**
 * A word reduced for matching only ("editing", "edited", "edits" → "edit"; "batches" → "batch"),
 * so the title's "edit" finds the body's "Editing". Hashtags always show a written word.
 */
export function matchKey(word: string): string {
  const length = word.length;
  if (length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  if (length <= 3 || !word.endsWith("s") || word.endsWith("ss")) return word;
  const plural =
    length > 4 &&
    (word.endsWith("ches") ||
      word.endsWith("shes") ||
      word.endsWith("xes") ||
      word.endsWith("sses"));
  return word.slice(0, plural ? -2 : -1);
}

/** How often each keyword and two-word phrase is used, counted once per sentence. */
export interface KeywordCounts {
  /** Sentences using each match key; the title counts as two sentences. */
  keys: Map<string, number>;
  /** Sentences using each side-by-side pair of keys ("living room"); the title counts as two. */
  pairs: Map<string, number>;
  /** How each key is written: its first use, the title's first. */
  written: Map<string, string>;
}

/** One pass over the sentences' words; linear in the number of words. */
export function countKeywords(title: SentenceWords, sentences: SentenceWords[]): KeywordCounts {
  const counts: KeywordCounts = { keys: new Map(), pairs: new Map(), written: new Map() };
  const add = (map: Map<string, number>, items: string[], weight: number) => {
    // A sentence has at most 30 words: looking back beats allocating a set per sentence.
    items.forEach((item, index) => {
      if (items.indexOf(item) === index) map.set(item, (map.get(item) ?? 0) + weight);
    });
  };
  const addSentence = (sentence: SentenceWords, weight: number) => {
    add(counts.keys, sentence.keys, weight);
    add(counts.pairs, sentence.pairs, weight);
    sentence.keys.forEach((key, index) => {
      if (!counts.written.has(key)) counts.written.set(key, sentence.words[index] as string);
    });
  };
  addSentence(title, 2);
  for (const sentence of sentences) addSentence(sentence, 1);
  return counts;
}

/**
 * Hashtag-worthy terms, best first, each as its written words: phrases used together at least
 * `minCount` times ("living room"), then single words used at least `minCount` times — except a
 * word mostly used inside one of those phrases, which alone would be a fragment ("#Room").
 * At most `limit` terms.
 */
export function rankTerms(counts: KeywordCounts, minCount = 2, limit = 12): string[][] {
  const terms: { keys: string[]; count: number }[] = [];
  const insidePhrase = new Map<string, number>();
  for (const [pair, count] of counts.pairs) {
    if (count < minCount) continue;
    const keys = pair.split(" ");
    const [first = "", second = ""] = keys;
    if (first === second) continue;
    // A phrase is a pair its words mostly appear in, not two frequent words that met once.
    const rarer = Math.min(counts.keys.get(first) ?? 0, counts.keys.get(second) ?? 0);
    if (count * 2 < rarer) continue;
    terms.push({ keys, count });
    for (const key of keys) insidePhrase.set(key, Math.max(insidePhrase.get(key) ?? 0, count));
  }
  for (const [key, count] of counts.keys) {
    if (count < minCount || (insidePhrase.get(key) ?? 0) * 2 >= count) continue;
    terms.push({ keys: [key], count });
  }
  // A stable sort: ties keep phrases first, then the order of first use.
  return terms
    .sort((a, b) => b.count - a.count)
    .slice(0, limit)
    .map((term) => term.keys.map((key) => counts.written.get(key) ?? key));
}

// These three read lower-cased text: plain ASCII patterns without the `i` and `u` flags run
// several times faster, and every sentence of the piece goes through them.
/** Openings that announce the point of a piece ("The biggest lesson: …", "In short, …"). */
const KEY_CUE =
  /\b(?:the (?:key|biggest|most important|main|real|big|one|best) (?:thing|lesson|point|win|takeaway|idea|secret|mistake|reason|change|difference|trick)|in short|bottom line|the takeaway|the lesson|what matters|if you remember one thing|my advice|the secret|the trick is|the point is|in the end|long story short)\b/;
/**
 * Housekeeping that is rarely the point: plugs, links, sponsor reads, chapter times, and talk
 * about the video itself ("In this video…", "Welcome back").
 */
const HOUSEKEEPING =
  /\b(?:subscribe|patreon|affiliate|sponsored|sponsor of|use code|promo code|discount code|link in bio|links? below|link in the description|follow me|merch|giveaway|in this video|in today's video|in today’s video|welcome back|hey guys|like and)\b|^\(?\d{1,2}:\d{2}|^[#@]/;
/** Openings that lean on the sentence before, so they read oddly on their own. */
const LEANS_ON_BEFORE = /^(?:and|but|so|also|then|this|that|these|those|it|they|he|she)\b/;

/**
 * Sentence indices, best first (ties in reading order). A sentence scores for carrying the
 * piece's frequent keywords, for sharing the title's, for a readable length (8–25 words), for
 * opening the piece or closing it, and for announcing its point ("The biggest lesson: …"); it
 * loses for housekeeping (plugs, links, timestamps) and for leaning on the sentence before.
 * Linear in the total number of words, plus one sort of the sentences.
 */
export function rankSentences(
  sentences: string[],
  words: SentenceWords[],
  title: SentenceWords,
  counts: KeywordCounts,
): number[] {
  const titleKeys = new Set(title.keys);
  let top = 1;
  for (const [key, count] of counts.keys) {
    if (!titleKeys.has(key)) top = Math.max(top, count);
  }
  const last = sentences.length - 1;
  const scores = sentences.map((sentence, index) => {
    const keys = (words[index] as SentenceWords).keys;
    let distinct = 0;
    let shared = 0;
    let weight = 0;
    keys.forEach((key, at) => {
      if (keys.indexOf(key) !== at) return;
      distinct++;
      if (titleKeys.has(key)) shared++;
      weight += Math.min(1, (counts.keys.get(key) ?? 0) / top);
    });
    const length = wordCount(sentence);
    const readable = length < 8 ? length / 8 : length > 25 ? 25 / length : 1;
    const overlap = titleKeys.size ? shared / titleKeys.size : 0;
    const position = index === 0 ? 0.6 : index <= 2 ? 0.3 : index >= last - 1 ? 0.2 : 0;
    const lower = sentence.toLowerCase();
    const cue = KEY_CUE.test(lower) ? 0.8 : 0;
    const housekeeping = HOUSEKEEPING.test(lower) ? 2 : 0;
    const leans = LEANS_ON_BEFORE.test(lower) ? 0.3 : 0;
    return (
      weight / Math.max(1, distinct) +
      1.5 * overlap +
      readable +
      position +
      cue -
      housekeeping -
      leans
    );
  });
  return sentences
    .map((_, index) => index)
    .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
}

/**
 * The first `count` of `ranked` that do not repeat an earlier pick (more than half of their
 * keywords shared): best first. Compares each candidate with the few picks only, so it stays
 * linear in the number of sentences.
 */
export function chooseDistinct(ranked: number[], words: SentenceWords[], count: number): number[] {
  const picked: number[] = [];
  const pickedKeys: Set<string>[] = [];
  for (const index of ranked) {
    if (picked.length >= count) break;
    const keys = new Set((words[index] as SentenceWords).keys);
    const repeats = pickedKeys.some((other) => {
      let shared = 0;
      for (const key of keys) if (other.has(key)) shared++;
      const union = keys.size + other.size - shared;
      return union > 0 && shared / union > 0.5;
    });
    if (repeats) continue;
    picked.push(index);
    pickedKeys.push(keys);
  }
  return picked;
}

/** Words in a sentence from `splitSentences` (joined by single spaces). */
function wordCount(sentence: string): number {
  let count = 1;
  for (let at = sentence.indexOf(" "); at >= 0; at = sentence.indexOf(" ", at + 1)) count++;
  return count;
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

/** A term as a hashtag's text, without "#": "b-roll" → "BRoll", ["living", "room"] → "LivingRoom". */
export function camelCase(words: string[]): string {
  return words
    .flatMap((word) => word.split(/['’\-\s]+/u))
    .map((piece) => capitalize(piece.toLowerCase()))
    .join("");
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

/** Keys, most counted first; the sort is stable, so ties keep their first appearance. */
function byCount(counts: Map<string, number>): string[] {
  return [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0));
}

/**
 * A lower bound of `countWords` (shared/platforms.ts) without word segmentation: text between
 * whitespace, hyphens, dashes and slashes always breaks into separate words there, and every
 * such piece holding a letter or digit holds at least one word. Lets a draft that is surely too
 * long for a spoken script be skipped before the exact (slower) count.
 */
export function wordsAtLeast(text: string): number {
  let count = 0;
  const pieces = /[^\s\-–—/]+/gu;
  for (let match = pieces.exec(text); match; match = pieces.exec(text)) {
    if (/[\p{L}\p{Nd}]/u.test(match[0])) count++;
  }
  return count;
}
