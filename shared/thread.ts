/** Splitting text into an X thread under X's per-post limit, in X weighted characters. */
import {
  CJK_SENTENCE_END,
  ELLIPSIS,
  graphemes,
  isCut,
  SENTENCE_END,
  wordPieces,
  X_POST_CHARS,
  xLinkRanges,
  xWeightedLength,
} from "./platforms";

/** Measures text in a platform's unit; the splitter's default is X weighted characters. */
export type LengthMeasure = (text: string) => number;

/**
 * Splits text into posts of at most `maxPostChars` X weighted characters (links 23, CJK and
 * emoji 2; see X_POST_CHARS), or in the unit of `measure` when given. A paragraph that fits one
 * post comes back as that one post, unnumbered; a thread of 2+ posts numbers each "i/N ", and
 * the number counts in the limit.
 *
 * A blank line always starts a new post. Otherwise posts break between sentences (". ! ?" and
 * the CJK "。！？") when the next sentence fits a post of its own, else between words (the post
 * then ends with "…"). Text without spaces (CJK) breaks between its words, as ICU segments
 * them, and only a word longer than a post is cut, between graphemes. Nothing ever cuts inside
 * a grapheme (emoji ZWJ sequences, flags, skin tones, surrogate pairs) or inside a link that
 * fits a post (every link does on X: it counts 23).
 */
export function splitThread(
  text: string,
  maxPostChars = X_POST_CHARS,
  measure: LengthMeasure = xWeightedLength,
): string[] {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.split(/\s+/).filter(Boolean))
    .filter((words) => words.length > 0);
  if (paragraphs.length === 0) return [];
  const weigh = cached(measure);
  if (paragraphs.length === 1) {
    const whole = (paragraphs[0] as string[]).join(" ");
    if (measure(whole) <= maxPostChars) return [whole];
  }
  // Reserve the widest prefix for the assumed digit count of N; widen it until N fits.
  for (let digits = 1; ; digits++) {
    const widest = `${"9".repeat(digits)}/${"9".repeat(digits)} `;
    const room = maxPostChars - measure(widest);
    if (room < measure(`語${ELLIPSIS}`)) {
      throw new RangeError(`maxPostChars ${maxPostChars} leaves no room for text`);
    }
    const posts = packPosts(paragraphs, room, weigh);
    if (posts.length === 1) return posts;
    if (String(posts.length).length <= digits) {
      return posts.map((post, i) => `${i + 1}/${posts.length} ${post}`);
    }
  }
}

/** A measure that remembers: the same words and graphemes come up again and again. */
function cached(measure: LengthMeasure): LengthMeasure {
  const known = new Map<string, number>();
  return (text) => {
    if (text.length > 64) return measure(text);
    let length = known.get(text);
    if (length === undefined) {
      length = measure(text);
      known.set(text, length);
    }
    return length;
  };
}

interface Token {
  text: string;
  weight: number;
  /** no space follows: a piece of a word (CJK text, a run of emoji, a giant word) */
  glued: boolean;
  sentenceEnd: boolean;
  paragraphEnd: boolean;
}

function toTokens(paragraphs: string[][], room: number, measure: LengthMeasure): Token[] {
  const tokens: Token[] = [];
  // Pieces leave room for the "…" mark, so a post ending in one can always be marked.
  const pieceLimit = room - measure(ELLIPSIS);
  for (const words of paragraphs) {
    words.forEach((word, i) => {
      const paragraphEnd = i === words.length - 1;
      const sentenceEnd = paragraphEnd || SENTENCE_END.test(word);
      const weight = measure(word);
      if (weight <= room) {
        tokens.push({ text: word, weight, glued: false, sentenceEnd, paragraphEnd });
        return;
      }
      const pieces = wordToPieces(word, pieceLimit, measure);
      pieces.forEach((piece, p) => {
        const last = p === pieces.length - 1;
        tokens.push({
          text: piece.text,
          weight: measure(piece.text),
          glued: !last,
          sentenceEnd: last ? sentenceEnd : piece.sentenceEnd,
          paragraphEnd: last && paragraphEnd,
        });
      });
    });
  }
  return tokens;
}

/**
 * The graphemes of `word` with each link that fits in `limit` kept whole, and where each
 * starts. These are the only places a word is ever cut.
 */
function atomsOf(word: string, limit: number, measure: LengthMeasure) {
  const links = xLinkRanges(word).filter(
    ([start, end]) => measure(word.slice(start, end)) <= limit,
  );
  const atoms: string[] = [];
  const starts: number[] = [];
  let offset = 0;
  let link = 0;
  for (const grapheme of graphemes(word)) {
    const start = offset;
    offset += grapheme.length;
    while (link < links.length && (links[link] as [number, number])[1] <= start) link++;
    const inside = links[link] !== undefined && (links[link] as [number, number])[0] < start;
    if (inside && atoms.length > 0) atoms[atoms.length - 1] += grapheme;
    else {
      atoms.push(grapheme);
      starts.push(start);
    }
  }
  return { atoms, starts };
}

/**
 * A word too long for one post, in pieces of at most `limit`: its words as ICU segments them
 * (CJK text has no spaces), a piece ending a sentence where "。！？" ends one; a piece still
 * too long is cut between graphemes.
 */
function wordToPieces(
  word: string,
  limit: number,
  measure: LengthMeasure,
): Array<{ text: string; sentenceEnd: boolean }> {
  const { atoms, starts } = atomsOf(word, limit, measure);
  const boundaries = new Set<number>();
  let offset = 0;
  for (const piece of wordPieces(word)) {
    offset += piece.length;
    boundaries.add(offset);
  }
  const sentenceEnds = new Set(
    [...word.matchAll(CJK_SENTENCE_END)].map((match) => match.index + match[0].length),
  );
  const segments: Array<{ atoms: string[]; sentenceEnd: boolean }> = [];
  atoms.forEach((atom, i) => {
    const start = starts[i] as number;
    const previous = segments.at(-1);
    if (previous && !boundaries.has(start) && !sentenceEnds.has(start)) previous.atoms.push(atom);
    else {
      if (previous) previous.sentenceEnd = sentenceEnds.has(start);
      segments.push({ atoms: [atom], sentenceEnd: false });
    }
  });
  return segments.flatMap((segment) => {
    const chunks = chunkAtoms(segment.atoms, limit, measure);
    return chunks.map((text, c) => ({
      text,
      sentenceEnd: c === chunks.length - 1 && segment.sentenceEnd,
    }));
  });
}

/** Atoms packed in order into strings of at most `limit` (a heavier atom stands alone). */
function chunkAtoms(atoms: string[], limit: number, measure: LengthMeasure): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < atoms.length; ) {
    let end = start;
    let weight = 0;
    while (end < atoms.length) {
      const atomWeight = measure(atoms[end] as string);
      if (end > start && weight + atomWeight > limit) break;
      weight += atomWeight;
      end++;
    }
    // Weights add up between graphemes, except where glued pieces form a link: check the chunk.
    let chunk = atoms.slice(start, end).join("");
    while (end - start > 1 && measure(chunk) > limit) {
      end -= 1;
      chunk = atoms.slice(start, end).join("");
    }
    chunks.push(chunk);
    start = end;
  }
  return chunks;
}

const textOf = (tokens: Token[]) =>
  tokens.map((t, i) => t.text + (i < tokens.length - 1 && !t.glued ? " " : "")).join("");

/** Post texts without prefixes, each at most `room` in the measure's unit. */
function packPosts(paragraphs: string[][], room: number, measure: LengthMeasure): string[] {
  const tokens = toTokens(paragraphs, room, measure);
  const space = measure(" ");
  const posts: string[] = [];
  let current: Token[] = [];
  let length = 0;

  /** Closes the current post before tokens[next]; returns where packing resumes. */
  const flush = (next: number): number => {
    let resume = next;
    let text = textOf(current);
    for (;;) {
      const following = tokens[resume];
      const marked = following !== undefined && isCut(text, following.text);
      if (measure(marked ? text + ELLIPSIS : text) <= room) {
        if (marked) text += ELLIPSIS;
        break;
      }
      if (current.length > 1) {
        // No room (for the whole post, or for the mark): hand the last token to the next post.
        current.pop();
        resume -= 1;
        text = textOf(current);
        continue;
      }
      // A lone token that fills the post: cut it between graphemes to make room for the mark.
      const only = current[0] as Token;
      const head = longestHead(only.text, room, measure);
      if (!head) break;
      const tail = only.text.slice(head.length);
      tokens.splice(resume, 0, { ...only, text: tail, weight: measure(tail) });
      text = head;
    }
    posts.push(text);
    current = [];
    length = 0;
    return resume;
  };

  let i = 0;
  while (i < tokens.length || current.length > 0) {
    if (i === tokens.length) {
      // The last post; closing it may hand tokens back (when the estimate ran over).
      i = flush(i);
      continue;
    }
    const token = tokens[i] as Token;
    const previous = current.at(-1);
    if (previous) {
      const gap = previous.glued ? 0 : space;
      let breakHere = previous.paragraphEnd || length + gap + token.weight > room;
      if (!breakHere && previous.sentenceEnd) {
        // Prefer starting a sentence on a fresh post when it would fit there whole.
        const sentence = sentenceLength(tokens, i, room, space);
        breakHere = length + gap + sentence > room && sentence <= room;
      }
      if (breakHere) {
        i = flush(i);
        continue;
      }
      length += gap;
    }
    current.push(token);
    length += token.weight;
    i++;
  }
  return posts;
}

/** The longest start of `text`, cut between atoms, that fits `room` with a "…"; "" if none. */
function longestHead(text: string, room: number, measure: LengthMeasure): string {
  const mark = measure(ELLIPSIS);
  const { atoms } = atomsOf(text, room - mark, measure);
  let end = 0;
  let weight = mark;
  while (end < atoms.length - 1 && weight + measure(atoms[end] as string) <= room) {
    weight += measure(atoms[end] as string);
    end++;
  }
  let head = atoms.slice(0, end).join("");
  while (end > 0 && measure(head + ELLIPSIS) > room) {
    end -= 1;
    head = atoms.slice(0, end).join("");
  }
  return head;
}

/** Length of the sentence starting at tokens[start], stopping early once past `room`. */
function sentenceLength(tokens: Token[], start: number, room: number, space: number): number {
  let length = 0;
  for (let i = start; i < tokens.length && length <= room; i++) {
    const token = tokens[i] as Token;
    length += token.weight + (i > start && !(tokens[i - 1] as Token).glued ? space : 0);
    if (token.sentenceEnd) break;
  }
  return length;
}
