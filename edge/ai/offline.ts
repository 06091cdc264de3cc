/**
 * The offline provider, used when no AI key is configured: extractive and deterministic (no
 * randomness, no clock), so the same source and options always give the same drafts, with no
 * network and no cost. It reads the whole piece (title, body, captured description and
 * selection — never private notes), picks its key sentences and keywords, and writes each
 * platform's draft in that platform's shape and the asked tone and length; every draft passes
 * `checkVariant`.
 */
import {
  checkVariant,
  countChars,
  extractHashtags,
  PLATFORM_RULES,
  type PlatformId,
  type VariantDraft,
} from "../../shared/platforms";
import { repairVariant, shortenAtWord, toHookLine } from "../../shared/repair";
import { stripBidiControls } from "../../shared/text";
import { splitThread } from "../../shared/thread";
import { templateFollowup } from "./offline-followup";
import type {
  AiProvider,
  FollowupDraftAnswer,
  FollowupDraftRequest,
  RepurposeOptions,
  RepurposeRequest,
  RepurposeResult,
  RepurposeSource,
} from "./provider";
import {
  asSentence,
  camelCase,
  chooseDistinct,
  countKeywords,
  emojiOf,
  normalizeSpace,
  rankSentences,
  rankTerms,
  type SentenceWords,
  sampleEvenly,
  sentenceWords,
  splitSentences,
  spokenSentences,
  wordsAtLeast,
} from "./text";

/** The model name the offline provider answers with; part of the cache key. */
export const OFFLINE_MODEL = "extractive-v2";

/** Rough token count (≈ 4 characters a token), so usage figures stay comparable with a model's. */
const approxTokens = (text: string) => Math.ceil(text.length / 4);

/**
 * The default provider when no AI key is configured: local, free (`paid` is false, so no
 * credits are charged) and deterministic. Streaming clients get each platform's text through
 * `onText(platform, delta)`, platform by platform in the order asked, word by word; the deltas
 * of one platform joined are exactly that draft's `body`.
 */
export class OfflineProvider implements AiProvider {
  readonly name = "offline" as const;
  readonly model = OFFLINE_MODEL;
  readonly paid = false;

  /** A template filled from the deal's facts (offline-followup.ts). */
  async draftFollowup(request: FollowupDraftRequest): Promise<FollowupDraftAnswer> {
    request.signal?.throwIfAborted();
    const draft = templateFollowup(request);
    return {
      ...draft,
      provider: this.name,
      model: this.model,
      usage: {
        promptTokens: approxTokens(JSON.stringify(request.context)),
        completionTokens: approxTokens(draft.subject + draft.body),
      },
    };
  }

  async repurpose(request: RepurposeRequest): Promise<RepurposeResult> {
    request.signal?.throwIfAborted();
    const material = gather(request.source, request.options);
    const drafts: VariantDraft[] = [];
    for (const platform of request.options.platforms) {
      request.signal?.throwIfAborted();
      const draft = fitted(platform, material);
      drafts.push(draft);
      if (request.onText) {
        for (const word of wordsOf(draft.body)) request.onText(platform, word);
      }
    }
    const { title, body, description, selection } = request.source;
    return {
      drafts,
      provider: this.name,
      model: this.model,
      usage: {
        promptTokens: approxTokens(
          [title, body, description, selection].filter(Boolean).join("\n"),
        ),
        completionTokens: drafts.reduce((total, draft) => total + approxTokens(draft.body), 0),
      },
    };
  }
}

/**
 * The pieces a draft is streamed in: each word with the whitespace after it (leading
 * whitespace on its own), so joined they give the text back exactly.
 */
function wordsOf(text: string): string[] {
  const words: string[] = [];
  const word = /[^\s]+\s*|\s+/gu;
  for (let match = word.exec(text); match; match = word.exec(text)) words.push(match[0]);
  return words;
}

/**
 * One draft per platform in `options.platforms`, in that order (a platform asked twice gets
 * the same draft twice). Pure and deterministic; each draft passes `checkVariant`. Reads
 * `source.title`, `body`, `description` and `selection` (bidirectional controls removed); a
 * piece past 20,000 characters is read in evenly spaced windows from its start to its end.
 */
export function offlineRepurpose(
  source: RepurposeSource,
  options: RepurposeOptions,
): VariantDraft[] {
  const material = gather(source, options);
  return options.platforms.map((platform) => fitted(platform, material));
}

type Tone = NonNullable<RepurposeOptions["tone"]>;
type Length = NonNullable<RepurposeOptions["length"]>;

/** Creator sentences used per draft: the length option's visible effect. */
const POINTS_BY_LENGTH: Record<Length, number> = { short: 2, medium: 4, long: 7 };
/** Sentences past this are clipped, so one run-on cannot crowd out every other point. */
const MAX_POINT_CHARS = 240;
/**
 * Past this many UTF-16 units (about 3,300 words: a 20-minute script) the piece is read in 20
 * evenly spaced windows from its start to its end (see `sampleEvenly`), so a 100,000-character
 * transcript costs what a 20,000-character one does and its ending is still read. Reading is
 * about half of the CPU time of a request here; Workers' free plan allows 10 ms in all.
 */
const MAX_READ_CHARS = 20_000;
const READ_WINDOWS = 20;
/** Hashtags longer than this read as noise. */
const MAX_HASHTAG_CHARS = 31;
const NEWSLETTER_SUBJECT_CHARS = 80;
/** X shows links as 23 characters, but a link this long is likely junk: it gets no post of its own. */
const MAX_THREAD_LINK_CHARS = 200;

/**
 * What the brand voice samples do often enough to mirror: an emoji they use (on the hook),
 * exclamation (the hook ends with "!") and an all-lower-case style (our own lines are
 * lower-cased: hook, calls to action, hashtags). The creator's sentences are never rewritten.
 */
interface Voice {
  emoji?: string;
  exclaims: boolean;
  lowercase: boolean;
}

/** What every platform draft is made from, worked out once per request. */
interface Material {
  title: string;
  hook: string;
  /** The piece's sentences, clipped to `MAX_POINT_CHARS`; the title's own repeat left out. */
  sentences: string[];
  /**
   * Indices into `sentences` of the key sentences, best first, none repeating another: as many
   * as the length asks for (fewer when the piece is short).
   */
  chosen: number[];
  /** Ready hashtags, best first: the item's tags, then the title's phrase, then keywords. */
  hashtags: string[];
  url?: string;
  channel?: string;
  video: boolean;
  tone: Tone;
  voice: Voice;
}

/** Our own lines for each tone: how a person writing in that tone would open, ask and close. */
interface ToneWords {
  /** X and TikTok: after the points, when there is no link. */
  follow: string;
  /** LinkedIn's closing question. */
  ask: string;
  /** Instagram's closing. */
  save: string;
  /** LinkedIn: the line that introduces the list of points. */
  takeaways: string;
  /** LinkedIn's list marker. */
  marker: (index: number) => string;
  /** TikTok: the spoken line right after the hook. */
  opener: string;
  /** TikTok: the comment prompt. */
  comment: string;
  /** Shorts: the closing that sends viewers to the full video. */
  fullVideo: string;
  /** Newsletter: the closing that asks readers to write back. */
  reply: string;
}

const TONES: Record<Tone, ToneWords> = {
  casual: {
    follow: "Follow for more like this.",
    ask: "What would you add?",
    save: "Save this for later.",
    takeaways: "Here's what I learned:",
    marker: () => "→ ",
    opener: "Here's the deal.",
    comment: "What would you add? Tell me in the comments.",
    fullVideo: "The full video is on my channel.",
    reply: "Hit reply and tell me what you'd add.",
  },
  professional: {
    follow: "Follow for more insights.",
    ask: "How does your team approach this?",
    save: "Save this for reference.",
    takeaways: "Key takeaways:",
    marker: () => "• ",
    opener: "Here's the short version.",
    comment: "How do you approach this? Share in the comments.",
    fullVideo: "The full breakdown is on the channel.",
    reply: "Reply and let me know how your team approaches this.",
  },
  playful: {
    follow: "Follow for part two! 🚀",
    ask: "Your turn: what would you add? 👇",
    save: "Save this for later ✨",
    takeaways: "The good stuff 👇",
    marker: () => "👉 ",
    opener: "Okay, listen up! 👀",
    comment: "Drop your best tip in the comments! 👇",
    fullVideo: "Full video on the channel! 🎬",
    reply: "Hit reply, I read every single one! 💌",
  },
  bold: {
    follow: "Follow if you want more of this.",
    ask: "Agree or disagree?",
    save: "Save this. You'll need it.",
    takeaways: "No fluff. Just this:",
    marker: (index) => `${index + 1}. `,
    opener: "Stop scrolling.",
    comment: "Disagree? Tell me in the comments.",
    fullVideo: "Watch the full video. Seriously.",
    reply: "Reply and tell me I'm wrong.",
  },
};

function gather(source: RepurposeSource, options: RepurposeOptions): Material {
  const tone = options.tone ?? "casual";
  const clean = (text: string | null | undefined) => stripBidiControls(text ?? "");
  const text = sampleEvenly(
    [source.body, source.description, source.selection].map(clean).filter(Boolean).join("\n"),
    MAX_READ_CHARS,
    READ_WINDOWS,
  );
  const seen = new Set<string>();
  const all: string[] = [];
  for (const sentence of splitSentences(text)) {
    const key = sentence.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    // UTF-16 length is never below the character count: most sentences skip the exact count.
    all.push(
      sentence.length <= MAX_POINT_CHARS ? sentence : shortenAtWord(sentence, MAX_POINT_CHARS),
    );
  }
  const cleanTitle = normalizeSpace(clean(source.title));
  const title = shortenAtWord(cleanTitle || all[0] || "New post", 150);
  // A description often opens with the title; the hook says it already.
  const titleKey = title.toLowerCase().replace(/[.!?…]+$/u, "");
  const sentences = all.filter((sentence) => !repeatsTitle(sentence, titleKey));
  const words = sentences.map(sentenceWords);
  const titleWords = sentenceWords(title);
  const counts = countKeywords(titleWords, words);
  const ranked = rankSentences(sentences, words, titleWords, counts);
  const chosen = chooseDistinct(ranked, words, POINTS_BY_LENGTH[options.length ?? "medium"]);
  const url = normalizeSpace(clean(source.url));
  const validUrl = /^https?:\/\/\S+$/i.test(url) && countChars(url) <= 300 ? url : undefined;
  const channel = shortenAtWord(normalizeSpace(clean(source.channel)), 80) || undefined;
  const voice = voiceOf((options.brandVoice?.samples ?? []).map(clean));
  return {
    title,
    hook: hookFor(title, tone, voice),
    sentences,
    chosen,
    hashtags: hashtagsOf(source.tags ?? [], titleWords, rankTerms(counts, 2), voice),
    url: validUrl,
    channel,
    video: /youtube\.com|youtu\.be/i.test(url) || channel !== undefined,
    tone,
    voice,
  };
}

/** The title again, maybe with other final punctuation ("My title!" after "My title"). */
function repeatsTitle(sentence: string, titleKey: string): boolean {
  const lower = sentence.toLowerCase();
  return lower.startsWith(titleKey) && /^[.!?…]*$/u.test(lower.slice(titleKey.length));
}

function voiceOf(samples: string[]): Voice {
  const used = samples.filter((sample) => sample.trim());
  if (used.length === 0) return { exclaims: false, lowercase: false };
  const share = (test: (sample: string) => boolean) => used.filter(test).length / used.length;
  const withLetters = used.filter((sample) => /\p{L}/u.test(sample));
  const lower = withLetters.filter((sample) => /\p{Ll}/u.test(sample) && !/\p{Lu}/u.test(sample));
  return {
    emoji: share((sample) => emojiOf([sample]).length > 0) >= 0.5 ? emojiOf(used)[0] : undefined,
    exclaims: share((sample) => sample.includes("!")) >= 0.5,
    lowercase: withLetters.length > 0 && lower.length / withLetters.length >= 2 / 3,
  };
}

/** Our own wording, in the creator's casing. */
const say = (m: Material, line: string) => (m.voice.lowercase ? line.toLowerCase() : line);
const toneOf = (m: Material) => TONES[m.tone];

/** The title as a punchy first line; the tone changes the wording a little. */
function hookFor(title: string, tone: Tone, voice: Voice): string {
  const base = title.replace(/[\s.!?…,;:]+$/u, "");
  const asks = /\?\s*$/.test(title);
  const exclaim = tone === "bold" || tone === "playful" || voice.exclaims;
  const stop = asks ? "?" : exclaim ? "!" : ".";
  const emoji =
    tone === "professional" ? undefined : (voice.emoji ?? (tone === "playful" ? "✨" : undefined));
  const lead = (emoji ? `${emoji} ` : "") + (tone === "bold" && !asks ? "Here's the truth: " : "");
  const tail = tone === "bold" && asks ? "? Here's the truth." : stop;
  const room = 100 - countChars(lead + tail);
  const shortened = shortenAtWord(base, room).replace(/[\s,;:–—….-]+$/u, "");
  const hook = shortened ? lead + shortened + tail : toHookLine(title);
  return voice.lowercase ? hook.toLowerCase() : hook;
}

/**
 * Hashtags, best first: the item's own tags ("video editing" → "#VideoEditing"), then the
 * title's first two or three keywords as one tag, then the piece's phrases and keywords used at
 * least twice — whole words only, never a word that mostly appears inside a phrase.
 */
function hashtagsOf(
  tags: string[],
  title: SentenceWords,
  terms: string[][],
  voice: Voice,
): string[] {
  const titleTerm = title.words.slice(0, 3);
  const combined = titleTerm.length >= 2;
  const inTitleTag = new Set(combined ? titleTerm : []);
  const candidates = [
    ...tags.map((tag) => stripBidiControls(tag).replace(/^#+/, "").split(/\s+/)),
    ...(combined ? [titleTerm] : []),
    ...terms.filter((term) => !term.every((word) => inTitleTag.has(word))),
  ];
  const seen = new Set<string>();
  const hashtags: string[] = [];
  for (const term of candidates) {
    const text = camelCase(term);
    const hashtag = `#${voice.lowercase ? text.toLowerCase() : text}`;
    const key = hashtag.toLowerCase();
    if (seen.has(key) || !isWholeHashtag(hashtag)) continue;
    seen.add(key);
    hashtags.push(hashtag);
  }
  return hashtags;
}

/** A hashtag the platforms read as one tag, of a readable length. */
const isWholeHashtag = (hashtag: string) =>
  extractHashtags(hashtag)[0] === hashtag &&
  (hashtag.length <= MAX_HASHTAG_CHARS || countChars(hashtag) <= MAX_HASHTAG_CHARS);

/** The best `count` key sentences, in the order the piece tells them. */
function pick(m: Material, count: number): string[] {
  return m.chosen
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((index) => asSentence(m.sentences[index] as string));
}

/** The best key sentence alone: the summary. */
const summaryOf = (m: Material) => {
  const best = m.chosen[0];
  return best === undefined ? undefined : asSentence(m.sentences[best] as string);
};

/** Points grouped into paragraphs of `size` sentences. */
function paragraphs(points: string[], size: number): string[] {
  const groups: string[] = [];
  for (let i = 0; i < points.length; i += size) groups.push(points.slice(i, i + size).join(" "));
  return groups;
}

const linkLine = (m: Material) =>
  m.url ? `${m.video ? "Watch the full video:" : "Read the full piece:"} ${m.url}` : "";
const blocks = (...parts: string[]) => parts.filter(Boolean).join("\n\n");
const lines = (...parts: string[]) => parts.filter(Boolean).join("\n");
const hashtagLine = (m: Material, count: number) => m.hashtags.slice(0, count).join(" ");

/**
 * Each platform's shape. `count` is how many key sentences to use; `fitted` lowers it until the
 * draft passes the platform's rules.
 */
const BUILDERS: Record<PlatformId, (m: Material, count: number) => VariantDraft> = {
  /** A thread: the hook (with 🧵 unless professional), one post per point, then the link. */
  x: (m, count) => {
    const opener = m.tone === "professional" ? m.hook : `${m.hook} 🧵`;
    const closing =
      m.url && countChars(m.url) <= MAX_THREAD_LINK_CHARS ? linkLine(m) : say(m, toneOf(m).follow);
    // Blank lines make the hook, each point and the closing posts of their own.
    const parts = splitThread(blocks(opener, ...pick(m, count), closing));
    return { platform: "x", body: parts.join("\n\n"), parts };
  },
  /** Hook, the points as a short list under a tone-worded lead-in, a question, three tags. */
  linkedin: (m, count) => {
    const points = pick(m, count);
    const words = toneOf(m);
    const list =
      points.length >= 2
        ? lines(say(m, words.takeaways), ...points.map((p, i) => words.marker(i) + p))
        : (points[0] ?? "");
    return {
      platform: "linkedin",
      body: blocks(m.hook, list, say(m, words.ask), hashtagLine(m, 3)),
    };
  },
  /** Hook, one point per paragraph, a save prompt (and "Link in bio."), five tags. */
  instagram: (m, count) => ({
    platform: "instagram",
    body: blocks(
      m.hook,
      ...pick(m, count),
      say(m, toneOf(m).save + (m.url ? " Link in bio." : "")),
      hashtagLine(m, 5),
    ),
  }),
  /** Spoken fast: hook, a tone-worded opener, short lines, a comment prompt, a follow, tags. */
  tiktok: (m, count) => ({
    platform: "tiktok",
    body: lines(
      m.hook,
      say(m, toneOf(m).opener),
      ...pick(m, count).flatMap(spokenSentences),
      say(m, toneOf(m).comment),
      say(m, toneOf(m).follow),
      hashtagLine(m, 4),
    ),
  }),
  /** Spoken for YouTube: hook, short lines, a pointer to the full video, #Shorts and two tags. */
  shorts: (m, count) => {
    const shortsTag = say(m, "#Shorts");
    const tags = m.hashtags.filter((tag) => tag.toLowerCase() !== "#shorts").slice(0, 2);
    return {
      platform: "shorts",
      body: lines(
        m.hook,
        ...pick(m, count).flatMap(spokenSentences),
        say(m, m.video ? toneOf(m).fullVideo : toneOf(m).follow),
        [shortsTag, ...tags].join(" "),
      ),
    };
  },
  /** "Subject: …", the points in paragraphs of two, the link, a prompt to reply. No hashtags. */
  newsletter: (m, count) => ({
    platform: "newsletter",
    body: blocks(
      `Subject: ${shortenAtWord(m.title, NEWSLETTER_SUBJECT_CHARS)}`,
      ...paragraphs(pick(m, count), 2),
      linkLine(m),
      say(m, toneOf(m).reply),
    ),
  }),
  /** The best sentence as the summary, the other points as "In this video:" bullets, links, tags. */
  youtube: (m, count) => {
    const summary = summaryOf(m) ?? asSentence(m.title);
    // The summary is never repeated as a bullet: the list holds the other points only.
    const listed = count > 0 ? pick(m, count).filter((point) => point !== summary) : [];
    // Bullets are whole sentences (at most MAX_POINT_CHARS): a bullet cut off with "…" reads
    // as a mistake, and the description has room (5,000 bytes).
    const list = listed.length > 0 ? lines("In this video:", ...listed.map((p) => `• ${p}`)) : "";
    const subscribe = m.channel
      ? `Subscribe to ${m.channel} for more.`
      : say(m, "Subscribe for more.");
    return {
      platform: "youtube",
      body: blocks(
        count > 0 ? summary : asSentence(m.title),
        list,
        lines(subscribe, m.url ? `Link: ${m.url}` : ""),
        hashtagLine(m, 3),
      ),
    };
  },
};

/**
 * The fullest draft that passes the rules: fewer points until it fits, then repair, then the
 * title alone. A draft whose whitespace-separated words already exceed a script's word limit is
 * skipped without the exact (slower) check.
 */
function fitted(platform: PlatformId, m: Material): VariantDraft {
  const build = BUILDERS[platform];
  const maxWords = PLATFORM_RULES[platform].maxWords;
  for (let count = m.chosen.length; count >= 0; count--) {
    const draft = build(m, count);
    if (maxWords !== undefined && wordsAtLeast(draft.body) > maxWords) continue;
    if (checkVariant(draft).length === 0) return draft;
  }
  return repairVariant(build(m, 0)) ?? minimalDraft(platform, m.title);
}

/** A one-line variant from the title; "New post." when the title has nothing postable. */
function minimalDraft(platform: PlatformId, title: string): VariantDraft {
  for (const line of [toHookLine(title), "New post."]) {
    const parts = splitThread(line);
    const draft =
      platform === "x" ? { platform, body: parts.join("\n\n"), parts } : { platform, body: line };
    if (checkVariant(draft).length === 0) return draft;
  }
  // A one-post thread is not numbered.
  return platform === "x"
    ? { platform, body: "New post.", parts: ["New post."] }
    : { platform, body: "New post." };
}
