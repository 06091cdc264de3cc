/**
 * Every YouTube selector the extension uses, with the extraction built on them. Each field
 * lists selectors newest layout first; YouTube ships layout experiments to some viewers, so a
 * miss falls through to the next. Tested against fixtures that follow the real page structure.
 */
import type { ContentSource } from "../../shared/content";

export type YouTubePage = { kind: "watch" | "shorts"; videoId: string };

const VIDEO_ID = /^[A-Za-z0-9_-]{6,20}$/;

/** The video a YouTube URL shows: `/watch?v=ID` or `/shorts/ID`; null elsewhere. */
export function youtubePage(url: URL): YouTubePage | null {
  if (!/(^|\.)youtube\.com$/.test(url.hostname)) return null;
  if (url.pathname === "/watch") {
    const id = url.searchParams.get("v");
    return id && VIDEO_ID.test(id) ? { kind: "watch", videoId: id } : null;
  }
  const shorts = /^\/shorts\/([^/?#]+)/.exec(url.pathname);
  return shorts?.[1] && VIDEO_ID.test(shorts[1]) ? { kind: "shorts", videoId: shorts[1] } : null;
}

export const WATCH = {
  root: "ytd-watch-metadata",
  title: ["ytd-watch-metadata h1 yt-formatted-string", "ytd-watch-metadata h1"],
  channel: [
    "ytd-watch-metadata ytd-channel-name #text a",
    "ytd-watch-metadata ytd-channel-name yt-formatted-string",
  ],
  description: [
    "ytd-watch-metadata #description-inline-expander yt-attributed-string",
    "ytd-watch-metadata #description yt-formatted-string",
  ],
  actions: ["ytd-watch-metadata #top-level-buttons-computed", "ytd-watch-metadata #actions"],
  duration: [".ytp-time-duration"],
  durationMeta: 'meta[itemprop="duration"]',
} as const;

/** Shorts keep several reels in the DOM; the one on screen carries `is-active`. */
export const SHORTS = {
  activeReel: "ytd-reel-video-renderer[is-active]",
  title: [".ytShortsVideoTitleViewModelShortsVideoTitle", "h2.title yt-formatted-string"],
  channel: [".ytReelChannelBarViewModelChannelName a", "ytd-channel-name yt-formatted-string"],
  actions: ["#actions", "ytd-reel-player-overlay-renderer #actions"],
} as const;

function firstText(root: ParentNode, selectors: readonly string[]): string | undefined {
  for (const selector of selectors) {
    const text = root.querySelector(selector)?.textContent?.replace(/\s+/g, " ").trim();
    if (text) return text;
  }
  return undefined;
}

function first(root: ParentNode, selectors: readonly string[]): Element | null {
  for (const selector of selectors) {
    const element = root.querySelector(selector);
    if (element) return element;
  }
  return null;
}

/** "1:02:03" or "4:05" → seconds; ISO 8601 "PT4M5S" too. */
export function parseDuration(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const iso = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(text.trim());
  if (iso) return Number(iso[1] ?? 0) * 3600 + Number(iso[2] ?? 0) * 60 + Number(iso[3] ?? 0);
  if (!/^\d+(:\d{1,2}){1,2}$/.test(text.trim())) return undefined;
  return text
    .trim()
    .split(":")
    .reduce((total, part) => total * 60 + Number(part), 0);
}

/** The container the in-page buttons go into, next to the video's own actions. */
export function actionsContainer(document: Document, page: YouTubePage): Element | null {
  if (page.kind === "watch") return first(document, WATCH.actions);
  const reel = document.querySelector(SHORTS.activeReel);
  return reel ? first(reel, SHORTS.actions) : null;
}

/**
 * What "Save idea" sends (a POST /api/content body): the video as the page shows it, its
 * description as the body repurposing reads. Null until the page has rendered the title for
 * this video (YouTube fills the DOM after navigation events).
 */
export function extractVideo(
  document: Document,
  url: URL,
): { title: string; body?: string; source: ContentSource } | null {
  const page = youtubePage(url);
  if (!page) return null;
  const root = page.kind === "watch" ? document : document.querySelector(SHORTS.activeReel);
  if (!root) return null;
  const title = firstText(root, page.kind === "watch" ? WATCH.title : SHORTS.title);
  if (!title) return null;
  const channel = firstText(root, page.kind === "watch" ? WATCH.channel : SHORTS.channel);
  const description = page.kind === "watch" ? firstText(document, WATCH.description) : undefined;
  const durationSeconds =
    page.kind === "watch"
      ? (parseDuration(firstText(document, WATCH.duration)) ??
        parseDuration(document.querySelector(WATCH.durationMeta)?.getAttribute("content")))
      : undefined;
  const canonical =
    page.kind === "watch"
      ? `https://www.youtube.com/watch?v=${page.videoId}`
      : `https://www.youtube.com/shorts/${page.videoId}`;
  const about = description?.slice(0, 10_000);
  return {
    title: title.slice(0, 300),
    ...(about ? { body: about } : {}),
    source: {
      kind: "youtube",
      videoId: page.videoId,
      url: canonical,
      thumbnailUrl: `https://i.ytimg.com/vi/${page.videoId}/hqdefault.jpg`,
      ...(channel ? { channel } : {}),
      ...(about ? { description: about } : {}),
      ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    },
  };
}
