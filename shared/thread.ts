/** Splitting text into a numbered thread (X) under the platform's per-post limit. */
import { countChars, ELLIPSIS, graphemes, isCut, SENTENCE_END, X_POST_CHARS } from "./platforms";

/**
 * Splits text into numbered posts ("1/N ", counted in the limit). A blank line always starts a
 * new post; otherwise posts break between sentences when the next sentence fits a post of its
 * own, else between words (the post then ends with "…"), and only a word longer than a post
 * (a giant URL) is cut, between graphemes.
 */
export function splitThread(text: string, maxPostChars = X_POST_CHARS): string[] {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.split(/\s+/).filter(Boolean))
    .filter((words) => words.length > 0);
  if (paragraphs.length === 0) return [];
  // Reserve the widest prefix for the assumed digit count of N; widen it until N fits.
  for (let digits = 1; ; digits++) {
    const room = maxPostChars - (2 * digits + 2);
    if (room < 2) throw new RangeError(`maxPostChars ${maxPostChars} leaves no room for text`);
    const posts = packPosts(paragraphs, room);
    if (String(posts.length).length <= digits) {
      return posts.map((post, i) => `${i + 1}/${posts.length} ${post}`);
    }
  }
}

interface Token {
  text: string;
  chars: number;
  /** no space follows: a piece of a word too long for one post */
  glued: boolean;
  sentenceEnd: boolean;
  paragraphEnd: boolean;
}

function toTokens(paragraphs: string[][], room: number): Token[] {
  const tokens: Token[] = [];
  for (const words of paragraphs) {
    words.forEach((word, i) => {
      const paragraphEnd = i === words.length - 1;
      const sentenceEnd = paragraphEnd || SENTENCE_END.test(word);
      const chars = countChars(word);
      if (chars <= room) {
        tokens.push({ text: word, chars, glued: false, sentenceEnd, paragraphEnd });
        return;
      }
      // One grapheme short of a post, so the "…" mark always fits after a piece.
      const pieces = chunk(graphemes(word), room - 1);
      pieces.forEach((piece, p) => {
        const last = p === pieces.length - 1;
        tokens.push({
          text: piece.join(""),
          chars: piece.length,
          glued: !last,
          sentenceEnd: last && sentenceEnd,
          paragraphEnd: last && paragraphEnd,
        });
      });
    });
  }
  return tokens;
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Post texts without prefixes, each at most `room` characters. */
function packPosts(paragraphs: string[][], room: number): string[] {
  const tokens = toTokens(paragraphs, room);
  const posts: string[] = [];
  let current: Token[] = [];
  let length = 0;
  const gapAfter = (token: Token) => (token.glued ? 0 : 1);
  const lengthOf = (list: Token[]) =>
    list.reduce(
      (sum, token, i) => sum + token.chars + (i > 0 ? gapAfter(list[i - 1] as Token) : 0),
      0,
    );

  /** Closes the current post before tokens[next]; returns where packing resumes. */
  const flush = (next: number): number => {
    const following = tokens[next];
    let resume = next;
    let text = current
      .map((t, i) => t.text + (i < current.length - 1 && !t.glued ? " " : ""))
      .join("");
    if (following && isCut(text, following.text)) {
      if (length + 1 > room && current.length > 1) {
        // No room for the mark: hand the last word to the next post instead.
        current.pop();
        resume -= 1;
        length = lengthOf(current);
        text = current
          .map((t, i) => t.text + (i < current.length - 1 && !t.glued ? " " : ""))
          .join("");
      } else if (length + 1 > room) {
        // A lone word exactly a post long, followed by another word: cut it to make room.
        const only = current[0] as Token;
        const parts = graphemes(only.text);
        const head = parts.slice(0, room - 1).join("");
        const tail = {
          ...only,
          text: parts.slice(room - 1).join(""),
          chars: parts.length - room + 1,
        };
        tokens.splice(resume, 0, tail);
        text = head;
      }
      if (isCut(text, (tokens[resume] as Token).text)) text += ELLIPSIS;
    }
    posts.push(text);
    current = [];
    length = 0;
    return resume;
  };

  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as Token;
    const previous = current.at(-1);
    if (previous) {
      const gap = gapAfter(previous);
      let breakHere = previous.paragraphEnd || length + gap + token.chars > room;
      if (!breakHere && previous.sentenceEnd) {
        // Prefer starting a sentence on a fresh post when it would fit there whole.
        const sentence = sentenceLength(tokens, i, room);
        breakHere = length + gap + sentence > room && sentence <= room;
      }
      if (breakHere) {
        i = flush(i);
        continue;
      }
      length += gap;
    }
    current.push(token);
    length += token.chars;
    i++;
  }
  if (current.length > 0) flush(tokens.length);
  return posts;
}

/** Characters of the sentence starting at tokens[start], stopping early once past `room`. */
function sentenceLength(tokens: Token[], start: number, room: number): number {
  let length = 0;
  for (let i = start; i < tokens.length && length <= room; i++) {
    const token = tokens[i] as Token;
    length += token.chars + (i > start && !(tokens[i - 1] as Token).glued ? 1 : 0);
    if (token.sentenceEnd) break;
  }
  return length;
}
