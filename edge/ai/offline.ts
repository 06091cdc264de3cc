/**
 * The offline repurposer, used when no AI key is configured: extractive and deterministic (no
 * randomness, no clock), so the same source and options always give the same drafts. It picks
 * the source's best sentences, wraps them in each platform's shape and checks the result.
 */
import {
  checkVariant,
  countChars,
  extractHashtags,
  type PlatformId,
  type VariantDraft,
} from "../../shared/platforms";
import { repairVariant, shortenAtWord, toHookLine } from "../../shared/repair";
import { splitThread } from "../../shared/thread";
import {
  asSentence,
  capitalize,
  emojiOf,
  keywordsOf,
  normalizeSpace,
  rankKeywords,
  rankSentences,
  splitSentences,
  spokenSentences,
} from "./text";

export interface RepurposeSource {
  title: string;
  notes?: string | null;
  description?: string | null;
  selection?: string | null;
  url?: string | null;
  channel?: string | null;
}

export interface RepurposeOptions {
  platforms: PlatformId[];
  tone?: "casual" | "professional" | "playful" | "bold";
  length?: "short" | "medium" | "long";
  brandVoice?: { description: string; samples: string[] };
}

type Tone = NonNullable<RepurposeOptions["tone"]>;

const POINTS_BY_LENGTH = { short: 2, medium: 4, long: 7 } as const;
/** Sentences past this are clipped, so one run-on cannot crowd out every other point. */
const MAX_POINT_CHARS = 240;
/** Only the start of a very long source is ranked; the position score favours it anyway. */
const MAX_SENTENCES = 300;

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
  sentences: string[];
  /** indices into `sentences`, best first */
  ranked: number[];
  keywords: string[];
  maxPoints: number;
  url?: string;
  channel?: string;
  video: boolean;
  tone: Tone;
  voice: Voice;
}

const CLOSERS: Record<Tone, { follow: string; ask: string; save: string }> = {
  casual: {
    follow: "Follow for more like this.",
    ask: "What would you add?",
    save: "Save this for later.",
  },
  professional: {
    follow: "Follow for more insights.",
    ask: "How does your team approach this?",
    save: "Save this for reference.",
  },
  playful: {
    follow: "Follow for part two! 🚀",
    ask: "Your turn: what would you add? 👇",
    save: "Save this for later ✨",
  },
  bold: {
    follow: "Follow if you want more of this.",
    ask: "Agree or disagree?",
    save: "Save this. You'll need it.",
  },
};

export function offlineRepurpose(
  source: RepurposeSource,
  options: RepurposeOptions,
): VariantDraft[] {
  const material = gather(source, options);
  return options.platforms.map((platform) => fitted(platform, material));
}

function gather(source: RepurposeSource, options: RepurposeOptions): Material {
  const tone = options.tone ?? "casual";
  const text = [source.notes, source.description, source.selection].filter(Boolean).join("\n");
  const seen = new Set<string>();
  const sentences: string[] = [];
  for (const sentence of splitSentences(text)) {
    const key = sentence.toLowerCase();
    if (seen.has(key) || sentences.length >= MAX_SENTENCES) continue;
    seen.add(key);
    sentences.push(shortenAtWord(sentence, MAX_POINT_CHARS));
  }
  const title = shortenAtWord(normalizeSpace(source.title) || sentences[0] || "New post", 150);
  // A description often opens with the title; the hook says it already.
  const titleKey = title.toLowerCase().replace(/[.!?…]+$/u, "");
  const points = sentences.filter((s) => s.toLowerCase().replace(/[.!?…]+$/u, "") !== titleKey);
  const url = normalizeSpace(source.url ?? "");
  const validUrl = /^https?:\/\/\S+$/i.test(url) && countChars(url) <= 300 ? url : undefined;
  const channel = shortenAtWord(normalizeSpace(source.channel ?? ""), 80) || undefined;
  const voice = voiceOf(options.brandVoice?.samples ?? []);
  return {
    title,
    hook: hookFor(title, tone, voice),
    sentences: points,
    ranked: rankSentences(points, title),
    // A keyword used once is rarely what the piece is about; the title counts twice.
    keywords: rankKeywords(title, points, 2),
    maxPoints: Math.min(points.length, POINTS_BY_LENGTH[options.length ?? "medium"]),
    url: validUrl,
    channel,
    video: /youtube\.com|youtu\.be/i.test(url) || channel !== undefined,
    tone,
    voice,
  };
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

/** The best `count` sentences, in the order the source tells them. */
function pick(m: Material, count: number): string[] {
  return m.ranked
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((index) => asSentence(m.sentences[index] as string));
}

function hashtags(m: Material, count: number): string[] {
  // Two or three title words make one CamelCase tag; single words then repeat none of them.
  const titleWords = keywordsOf(m.title).slice(0, 3);
  const combined = titleWords.length >= 2;
  const singles = combined ? m.keywords.filter((word) => !titleWords.includes(word)) : m.keywords;
  const words = combined ? [titleWords.map(capitalize).join(""), ...singles] : singles;
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const word of words) {
    const tag = say(m, `#${capitalize(word)}`);
    if (seen.has(tag.toLowerCase()) || extractHashtags(tag)[0] !== tag || countChars(tag) > 31)
      continue;
    seen.add(tag.toLowerCase());
    tags.push(tag);
    if (tags.length === count) break;
  }
  return tags;
}

/** Points grouped into paragraphs of `size` sentences. */
function paragraphs(points: string[], size: number): string[] {
  const groups: string[] = [];
  for (let i = 0; i < points.length; i += size) groups.push(points.slice(i, i + size).join(" "));
  return groups;
}

const linkLine = (m: Material) =>
  m.url ? `${m.video ? "Watch the full video:" : "Read the full piece:"} ${m.url}` : "";
const blocks = (...parts: string[]) => parts.filter(Boolean).join("\n\n");

function script(platform: PlatformId, m: Material, count: number): VariantDraft {
  const lines = [
    m.hook,
    ...pick(m, count).flatMap(spokenSentences),
    say(m, CLOSERS[m.tone].follow),
  ];
  const tags = hashtags(m, 5).join(" ");
  return { platform, body: [...lines, tags].filter(Boolean).join("\n") };
}

const BUILDERS: Record<PlatformId, (m: Material, count: number) => VariantDraft> = {
  x: (m, count) => {
    const opener = m.tone === "professional" ? m.hook : `${m.hook} 🧵`;
    const closing =
      m.url && countChars(m.url) <= 200 ? linkLine(m) : say(m, CLOSERS[m.tone].follow);
    // Blank lines make the hook and the closing posts of their own.
    const parts = splitThread(blocks(opener, pick(m, count).join(" "), closing));
    return { platform: "x", body: parts.join("\n\n"), parts };
  },
  linkedin: (m, count) => ({
    platform: "linkedin",
    body: blocks(
      m.hook,
      ...paragraphs(pick(m, count), 2),
      say(m, CLOSERS[m.tone].ask),
      hashtags(m, 3).join(" "),
    ),
  }),
  instagram: (m, count) => ({
    platform: "instagram",
    body: blocks(
      m.hook,
      ...pick(m, count),
      say(m, CLOSERS[m.tone].save + (m.url ? " Link in bio." : "")),
      hashtags(m, 5).join(" "),
    ),
  }),
  tiktok: (m, count) => script("tiktok", m, count),
  shorts: (m, count) => script("shorts", m, count),
  newsletter: (m, count) => {
    const points = pick(m, count);
    return {
      platform: "newsletter",
      body: blocks(
        m.title,
        ...paragraphs(points, Math.max(2, Math.ceil(points.length / 2))),
        linkLine(m),
      ),
    };
  },
  youtube: (m, count) => {
    const points = pick(m, count);
    // With three or more points the first is the summary and the rest are the list.
    const summary = points[0] ?? asSentence(m.title);
    const listed = points.length >= 3 ? points.slice(1) : points;
    const list =
      listed.length > 0
        ? `In this video:\n${listed.map((p) => `• ${shortenAtWord(p, 100)}`).join("\n")}`
        : "";
    const subscribe = m.channel
      ? `Subscribe to ${m.channel} for more.`
      : say(m, "Subscribe for more.");
    const link = m.url ? `Link: ${m.url}` : "";
    return {
      platform: "youtube",
      body: blocks(
        summary,
        list,
        [subscribe, link].filter(Boolean).join("\n"),
        hashtags(m, 3).join(" "),
      ),
    };
  },
};

/** The fullest draft that passes the rules: fewer points until it fits, then repair, then the title. */
function fitted(platform: PlatformId, m: Material): VariantDraft {
  const build = BUILDERS[platform];
  for (let count = m.maxPoints; count >= 0; count--) {
    const draft = build(m, count);
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
  return platform === "x"
    ? { platform, body: "1/1 New post.", parts: ["1/1 New post."] }
    : { platform, body: "New post." };
}
