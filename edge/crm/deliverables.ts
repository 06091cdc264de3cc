/**
 * Deliverables named in one sentence of a sponsor email: "1 dedicated YouTube video",
 * "2 Instagram stories", "a 60-second integrated read", "2x TikToks", "une vidéo YouTube dédiée",
 * "zwei Instagram-Stories", "una mención de 60 segundos en el podcast".
 *
 * A deliverable is a content kind word (video, story, reel, short, post, integration, read,
 * mention, …) with what stands in the few words before and after it: a count (digits, "2x", or a
 * number word), "dedicated"/"integrated"/"host-read", a duration ("60-second", "90s") and a
 * platform. A kind word after a possessive or definite article ("your last video", "the video")
 * refers to something else and is not a new deliverable.
 */
import type { PlatformId } from "../../shared/platform-ids";
import type { DateMention, DealDate } from "./dates";

/** The content platforms of `shared/platform-ids.ts`, plus those a sponsor may buy that we do not publish to. */
export type DeliverablePlatform = PlatformId | "podcast" | "twitch" | "blog" | "facebook";

export interface Deliverable {
  platform: DeliverablePlatform | null;
  /** In English: "video", "dedicated video", "integrated read", "story", "reel", "short", "post", … */
  kind: string;
  /** How many; null when the email does not say. */
  count: number | null;
  durationSeconds: number | null;
  /** When it is due (draft, go-live or delivery date given with it), as the email states it. */
  dueAt: DealDate | null;
  /** The words it was read from. */
  text: string;
}

const KINDS: Record<string, string> = {
  video: "video",
  videos: "video",
  vidéo: "video",
  vidéos: "video",
  vídeo: "video",
  vídeos: "video",
  clip: "video",
  integration: "integration",
  integrations: "integration",
  intégration: "integration",
  intégrations: "integration",
  integrationen: "integration",
  integración: "integration",
  integraciones: "integration",
  segment: "integration",
  segments: "integration",
  story: "story",
  stories: "story",
  historia: "story",
  historias: "story",
  reel: "reel",
  reels: "reel",
  short: "short",
  shorts: "short",
  post: "post",
  posts: "post",
  publication: "post",
  publications: "post",
  publicación: "post",
  publicaciones: "post",
  beitrag: "post",
  beiträge: "post",
  carousel: "carousel",
  carrousel: "carousel",
  tweet: "post",
  tweets: "post",
  thread: "thread",
  read: "read",
  reads: "read",
  mention: "mention",
  mentions: "mention",
  mención: "mention",
  menciones: "mention",
  erwähnung: "mention",
  shoutout: "mention",
  "shout-out": "mention",
  placement: "placement",
  placements: "placement",
  livestream: "live stream",
  stream: "live stream",
  episode: "episode",
  épisode: "episode",
  episodio: "episode",
  folge: "episode",
  tiktok: "video",
  tiktoks: "video",
  ad: "ad",
  ads: "ad",
  spot: "ad",
  spots: "ad",
};

const PLATFORMS: Record<string, DeliverablePlatform> = {
  youtube: "youtube",
  yt: "youtube",
  instagram: "instagram",
  ig: "instagram",
  insta: "instagram",
  tiktok: "tiktok",
  tiktoks: "tiktok",
  twitter: "x",
  linkedin: "linkedin",
  newsletter: "newsletter",
  podcast: "podcast",
  twitch: "twitch",
  blog: "blog",
  facebook: "facebook",
};
/** Kinds that name their platform: a Reel is Instagram's, a Short YouTube's, a tweet X's. */
const KIND_PLATFORM: Record<string, DeliverablePlatform> = {
  reel: "instagram",
  reels: "instagram",
  short: "shorts",
  shorts: "shorts",
  tweet: "x",
  tweets: "x",
  tiktok: "tiktok",
  tiktoks: "tiktok",
};

const DEDICATED =
  /^(?:dedicated|standalone|dédiée?s?|dedizierte[snm]?|dediziert|eigene[snm]?|dedicad[oa]s?|exclusiv[oa]s?)$/i;
const INTEGRATED = /^(?:integrated|intégrée?s?|integrierte[snm]?|integrad[oa]s?)$/i;
const HOST_READ = /^host-?read$/i;
const REFERENCE =
  /^(?:your|my|our|their|his|her|its|the|this|that|these|those|last|next|previous|votre|vos|ton|tes|ta|mon|ma|mes|le|la|les|ce|cette|dein|deine|deinen|deinem|ihr|ihre|ihren|ihrem|euer|eure|die|der|das|den|dem|diese|dieses|tu|tus|su|sus|el|los|las|este|esta|próximo|próxima|dernière|dernier|prochaine?|letzte[nms]?|nächste[nms]?|último|última|upcoming|future|recent|latest)$/i;
const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  single: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  un: 1,
  une: 1,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  ein: 1,
  eine: 1,
  einen: 1,
  zwei: 2,
  drei: 3,
  vier: 4,
  fünf: 5,
  uno: 1,
  una: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
};
const DURATION_WORD =
  /^(\d{1,3})(?:-|\u00A0)?(s|sec|secs|second|seconds|secondes?|sekunden|sek|segundos?|min|minute|minutes|minuten|minutos?)$/i;
const DURATION_UNIT =
  /^(s|sec|secs|second|seconds|secondes?|sekunden|sek|segundos?|min|minute|minutes|minuten|minutos?)$/i;
const DURATION_RANGE = /^(\d{1,3})[-–](\d{1,3})$/;
const TIMES = /^(\d{1,2})x$|^x(\d{1,2})$/i;

interface Word {
  text: string;
  lower: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’]*(?:-[\p{L}\p{N}]+)*/gu;

function wordsOf(sentence: string): Word[] {
  const words: Word[] = [];
  for (const match of sentence.matchAll(WORD)) {
    const start = match.index ?? 0;
    words.push({
      text: match[0],
      lower: match[0].toLowerCase(),
      start,
      end: start + match[0].length,
    });
  }
  return words;
}

function seconds(amount: number, unit: string): number {
  return /^min/i.test(unit) ? amount * 60 : amount;
}

/** Splits "Instagram-Stories", "YouTube-Video" into platform and kind. */
function splitCompound(word: Word): Word[] {
  const dash = word.text.indexOf("-");
  if (dash < 0) return [word];
  const left = word.text.slice(0, dash).toLowerCase();
  const right = word.text.slice(dash + 1).toLowerCase();
  if (PLATFORMS[left] && KINDS[right]) {
    return [
      { text: word.text.slice(0, dash), lower: left, start: word.start, end: word.start + dash },
      {
        text: word.text.slice(dash + 1),
        lower: right,
        start: word.start + dash + 1,
        end: word.end,
      },
    ];
  }
  return [word];
}

/**
 * The deliverables of one sentence. `dates` are the date mentions of the same sentence (offsets
 * in it): a deliverable takes the first date after it and before the next deliverable, else the
 * last date before it when the sentence has one deliverable.
 */
export function deliverablesIn(sentence: string, dates: DateMention[]): Deliverable[] {
  const words = wordsOf(sentence).flatMap(splitCompound);
  const found: (Deliverable & { at: number; end: number; lastWord: number })[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index] as Word;
    const base = KINDS[word.lower];
    if (!base) continue;
    const previous = words[index - 1];
    // "short" is a kind only as a YouTube Short ("a short video" is a length).
    if (word.lower === "short" || word.lower === "shorts") {
      const following = words[index + 1];
      if (following && KINDS[following.lower]) continue;
      if (
        !(
          previous &&
          (PLATFORMS[previous.lower] ||
            /^\d|^x\d/i.test(previous.lower) ||
            word.text.startsWith("S"))
        )
      )
        continue;
    }
    // "TikTok video", "ad read": a word before a kind word describes it, it is not a kind of its own.
    const followedByKind = words[index + 1] && KINDS[(words[index + 1] as Word).lower];
    if (followedByKind && ["tiktok", "tiktoks", "ad", "ads", "spot", "spots"].includes(word.lower))
      continue;
    if (word.lower === "stream" && previous?.lower !== "live") continue;
    if (
      word.lower === "read" &&
      !(
        previous &&
        /^(?:ad|host-?read|integrated|sponsored|\d.*|a|an|one|host)$/i.test(previous.lower)
      )
    )
      continue;
    let count: number | null = null;
    let durationSeconds: number | null = null;
    let dedicated = false;
    let integrated = false;
    let hostRead = false;
    let platform: DeliverablePlatform | null = KIND_PLATFORM[word.lower] ?? null;
    let first = index;
    let reference = false;
    for (let back = index - 1; back >= 0 && back >= index - 5; back--) {
      const before = words[back] as Word;
      const gap = sentence.slice(before.end, (words[back + 1] as Word).start);
      if (/[.;:!?()]/.test(gap)) break;
      const times = TIMES.exec(before.lower);
      const duration = DURATION_WORD.exec(before.text);
      if (REFERENCE.test(before.lower)) {
        reference = true;
        break;
      }
      if (times) {
        count = Number(times[1] ?? times[2]);
        first = back;
        break;
      }
      if (/^\d{1,2}$/.test(before.lower) && DURATION_UNIT.test((words[back + 1] as Word).lower)) {
        durationSeconds = seconds(Number(before.lower), (words[back + 1] as Word).lower);
        first = back;
        continue;
      }
      if (/^\d{1,2}$/.test(before.lower)) {
        count = Number(before.lower);
        first = back;
        break;
      }
      if (NUMBER_WORDS[before.lower] !== undefined) {
        count = NUMBER_WORDS[before.lower] as number;
        first = back;
        break;
      }
      const rangeBefore = DURATION_RANGE.exec(before.lower);
      if (duration) {
        durationSeconds = seconds(Number(duration[1]), duration[2] as string);
        first = back;
      } else if (rangeBefore && DURATION_UNIT.test((words[back + 1] as Word).lower)) {
        // "a 60-90 second integration": the shorter end (what the sponsor at least expects).
        durationSeconds = seconds(Number(rangeBefore[1]), (words[back + 1] as Word).lower);
        first = back;
      } else if (DURATION_UNIT.test(before.lower)) {
        first = back;
      } else if (DEDICATED.test(before.lower)) {
        dedicated = true;
        first = back;
      } else if (INTEGRATED.test(before.lower)) {
        integrated = true;
        first = back;
      } else if (HOST_READ.test(before.lower)) {
        hostRead = true;
        first = back;
      } else if (PLATFORMS[before.lower]) {
        platform ??= PLATFORMS[before.lower] as DeliverablePlatform;
        if (before.lower === "youtube" && (word.lower === "short" || word.lower === "shorts"))
          platform = "shorts";
        first = back;
      } else if (
        /^(?:ad|sponsored|sponsor|mid-roll|pre-roll|minimum|min|about|approx|around|x)$/i.test(
          before.lower,
        )
      ) {
        first = back;
      } else break;
    }
    if (reference) continue;
    // "an integration in your next YouTube video": the video it sits in is not a deliverable
    // of its own — its words were already read as the integration's platform.
    if (found.length > 0 && first <= (found.at(-1) as { lastWord: number }).lastWord) continue;
    // What follows the kind word: "vidéo YouTube dédiée", "stories on Instagram", "video (60s)".
    let last = index;
    for (let ahead = index + 1; ahead < words.length && ahead <= index + 6; ahead++) {
      const after = words[ahead] as Word;
      const gap = sentence.slice((words[ahead - 1] as Word).end, after.start);
      if (/[.;:!?,]/.test(gap)) break;
      const duration = DURATION_WORD.exec(after.text);
      if (PLATFORMS[after.lower]) {
        platform ??= PLATFORMS[after.lower] as DeliverablePlatform;
        last = ahead;
      } else if (DEDICATED.test(after.lower)) {
        dedicated = true;
        last = ahead;
      } else if (INTEGRATED.test(after.lower)) {
        integrated = true;
        last = ahead;
      } else if (duration && durationSeconds === null) {
        durationSeconds = seconds(Number(duration[1]), duration[2] as string);
        last = ahead;
      } else if (
        /^\d{1,3}$/.test(after.lower) &&
        DURATION_UNIT.test(words[ahead + 1]?.lower ?? "") &&
        durationSeconds === null
      ) {
        durationSeconds = seconds(Number(after.lower), (words[ahead + 1] as Word).lower);
        last = ahead + 1;
        ahead++;
      } else if (
        !/^(?:on|in|for|of|sur|pour|auf|für|von|en|de|del|im|am|the|my|your|next|upcoming|votre|ton|prochaine?|dein|deinem|deinen|nächsten|tu|la|el|channel|chaîne|kanal|canal|each|chacune?|jeweils|cada)$/i.test(
          after.lower,
        )
      ) {
        break;
      }
    }
    if (
      count === null &&
      durationSeconds === null &&
      !dedicated &&
      !integrated &&
      !hostRead &&
      platform === null
    )
      continue;
    const modifier = dedicated
      ? "dedicated "
      : integrated
        ? "integrated "
        : hostRead
          ? "host-read "
          : "";
    found.push({
      platform,
      kind: `${modifier}${base}`,
      count,
      durationSeconds,
      dueAt: null,
      // Without an unclosed "(": "2 host-read ads on your podcast (60 seconds" reads as far as "podcast".
      text: sentence
        .slice((words[first] as Word).start, (words[last] as Word).end)
        .replace(/[ \u00A0]*\([^)]*$/, ""),
      at: (words[first] as Word).start,
      end: (words[last] as Word).end,
      lastWord: last,
    });
  }
  found.forEach((deliverable, position) => {
    const nextStart = found[position + 1]?.at ?? Number.POSITIVE_INFINITY;
    const after = dates.find((date) => date.start >= deliverable.end && date.start < nextStart);
    const before =
      found.length === 1 ? dates.filter((date) => date.end <= deliverable.at).pop() : undefined;
    const date = after ?? before;
    if (date) deliverable.dueAt = date.value;
  });
  return found.map(({ at: _at, end: _end, lastWord: _lastWord, ...deliverable }) => deliverable);
}
