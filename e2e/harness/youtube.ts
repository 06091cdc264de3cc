import { readFileSync } from "node:fs";
import { PIXEL, startHttpsSite } from "./https-site";
import { ROOT } from "./paths";

export const YOUTUBE_ORIGIN = "https://www.youtube.com";
const FIXTURES = `${ROOT}extension/test/fixtures`;
const VIDEO_ID = /^[A-Za-z0-9_-]{6,20}$/;

export interface FakeVideo {
  id: string;
  title: string;
  channel: string;
  channelHandle: string;
  description: string;
  /** As the player shows it ("12:34"); empty for Shorts. */
  duration: string;
  durationSeconds: number;
}

/** Videos the tests name; any other valid id gets generated, stable metadata. */
const CATALOG: Record<string, Omit<FakeVideo, "id" | "durationSeconds">> = {
  editOneTake01: {
    title: "How I Edit a Video in One Take",
    channel: "Creator Studio",
    channelHandle: "creatorstudio",
    description: "Three lessons from a year of one-take videos. Links: https://example.com/gear",
    duration: "12:34",
  },
  lightingKit02: {
    title: "Cheap Lighting Kit That Looks Expensive",
    channel: "Budget Filmmaker",
    channelHandle: "budgetfilm",
    description: "Three lights under $100 and where to put them.",
    duration: "8:05",
  },
  audioFixes03: {
    title: "Fix Bad Audio in Five Minutes",
    channel: "Sound Clinic",
    channelHandle: "soundclinic",
    description: "Noise, echo and levels: the three fixes that matter.",
    duration: "1:02:03",
  },
  shortHook001: {
    title: "60 seconds on lighting",
    channel: "@creatorstudio",
    channelHandle: "creatorstudio",
    description: "",
    duration: "",
  },
};

function durationSeconds(text: string): number {
  return text ? text.split(":").reduce((total, part) => total * 60 + Number(part), 0) : 0;
}

export function fakeVideo(id: string, kind: "watch" | "shorts" = "watch"): FakeVideo {
  const known = CATALOG[id];
  if (known) return { id, ...known, durationSeconds: durationSeconds(known.duration) };
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) % 10_007;
  const duration =
    kind === "shorts" ? "" : `${3 + (hash % 40)}:${String(hash % 60).padStart(2, "0")}`;
  return {
    id,
    title: `Video ${id}: ${["Studio tour", "Gear review", "Q&A", "Vlog"][hash % 4]}`,
    channel: kind === "shorts" ? "@shortsmaker" : "Creator Studio",
    channelHandle: kind === "shorts" ? "shortsmaker" : "creatorstudio",
    description: kind === "shorts" ? "" : `Everything about ${id}, in one video.`,
    duration,
    durationSeconds: durationSeconds(duration),
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function isoDuration(seconds: number): string {
  return `PT${Math.floor(seconds / 3600) ? `${Math.floor(seconds / 3600)}H` : ""}${Math.floor((seconds % 3600) / 60)}M${seconds % 60}S`;
}

/** The videos offered in the watch page's "Up next" column. */
const RELATED = ["editOneTake01", "lightingKit02", "audioFixes03"];

/** Replaces the one match; a function replacement gets the match and its groups. */
function replaceOnce(
  html: string,
  pattern: RegExp,
  replacement: string | ((match: string, ...groups: string[]) => string),
): string {
  if (!pattern.test(html)) throw new Error(`fixture changed: ${pattern} not found`);
  return html.replace(pattern, typeof replacement === "string" ? () => replacement : replacement);
}

/** The watch fixture with this video's metadata, an "Up next" column and the SPA script. */
export function watchPage(id: string): string {
  const video = fakeVideo(id);
  let html = readFileSync(`${FIXTURES}/youtube-watch.html`, "utf8");
  html = replaceOnce(html, /content="PT12M34S"/, `content="${isoDuration(video.durationSeconds)}"`);
  html = replaceOnce(html, /video-id="[^"]*"/, `video-id="${id}"`);
  html = replaceOnce(
    html,
    /(<span class="ytp-time-duration">)[^<]*(<\/span>)/,
    (_match, open, close) => `${open}${video.duration}${close}`,
  );
  html = replaceOnce(
    html,
    /(<h1 class="style-scope ytd-watch-metadata"><yt-formatted-string class="style-scope ytd-watch-metadata">)[^<]*/,
    (_match, open) => `${open}${escapeHtml(video.title)}`,
  );
  html = replaceOnce(
    html,
    /<a href="\/@creatorstudio">Creator Studio<\/a>/,
    `<a href="/@${video.channelHandle}">${escapeHtml(video.channel)}</a>`,
  );
  html = replaceOnce(
    html,
    /(<yt-attributed-string>)[^<]*(<\/yt-attributed-string>)/,
    (_match, open, close) => `${open}${escapeHtml(video.description)}${close}`,
  );
  html = replaceOnce(
    html,
    /<div id="top-level-buttons-computed">[\s\S]*?<\/yt-button-view-model><\/div>/,
    actionsRow(),
  );
  const related = RELATED.map((relatedId) => {
    const other = fakeVideo(relatedId);
    return `<ytd-compact-video-renderer><a id="thumbnail" class="yt-simple-endpoint" href="/watch?v=${relatedId}">${escapeHtml(other.title)}</a></ytd-compact-video-renderer>`;
  }).join("");
  html = replaceOnce(
    html,
    /<\/ytd-watch-flexy>/,
    `<div id="secondary"><ytd-watch-next-secondary-results-renderer><h2 id="up-next">Up next</h2><div id="items">${related}</div></ytd-watch-next-secondary-results-renderer></div></ytd-watch-flexy>`,
  );
  return finishPage(html, video.title);
}

/** The host page's own buttons; YouTube re-renders this row on every navigation. */
function actionsRow(): string {
  return `<div id="top-level-buttons-computed"><segmented-like-dislike-button-view-model><button class="yt-like" aria-label="like this video">Like</button></segmented-like-dislike-button-view-model><yt-button-view-model><button class="yt-share">Share</button></yt-button-view-model></div>`;
}

function reel(index: number, video: FakeVideo, active: boolean): string {
  return `<ytd-reel-video-renderer id="${index}"${active ? " is-active" : ""} data-video-id="${video.id}"><ytd-reel-player-overlay-renderer><div class="metadata-container"><yt-reel-channel-bar-view-model><span class="ytReelChannelBarViewModelChannelName"><a href="/@${video.channelHandle}">${escapeHtml(video.channel)}</a></span></yt-reel-channel-bar-view-model><yt-shorts-video-title-view-model><h2 class="ytShortsVideoTitleViewModelShortsVideoTitle"><span>${escapeHtml(video.title)}</span></h2></yt-shorts-video-title-view-model></div><div id="actions"><ytd-like-button-renderer><button class="yt-like">Like</button></ytd-like-button-renderer><ytd-button-renderer id="comments-button"><button class="yt-comments">Comments</button></ytd-button-renderer></div></ytd-reel-player-overlay-renderer></ytd-reel-video-renderer>`;
}

/** The Shorts fixture with this short as the active reel (after one previous reel). */
export function shortsPage(id: string): string {
  const video = fakeVideo(id, "shorts");
  let html = readFileSync(`${FIXTURES}/youtube-shorts.html`, "utf8");
  html = replaceOnce(
    html,
    /<ytd-reel-video-renderer id="1" is-active>[\s\S]*?<\/ytd-reel-video-renderer>/,
    reel(1, video, true),
  );
  return finishPage(html, video.title);
}

function finishPage(html: string, title: string): string {
  const withTitle = html.replace(
    /<html lang="en">\s*(<head>)?/,
    (_match, head) =>
      `<html lang="en">\n${head ?? "<head>"}<meta charset="utf-8"><title>${escapeHtml(title)} - YouTube</title>${head ? "" : "</head>"}`,
  );
  return replaceOnce(
    withTitle,
    /<\/body>/,
    `<div id="host-marker">Fake YouTube for CreatorOps e2e</div><script>${SPA_SCRIPT}</script></body>`,
  );
}

/**
 * YouTube's navigation, in miniature (runs in the page). `window.__navigate(url)` and clicks
 * on video links go through it; back/forward (popstate) re-render too. `__lastNavigateFinishAt`
 * is performance.now() just before `yt-navigate-finish`, for the benchmark.
 */
const SPA_SCRIPT = `
(() => {
  const kindOf = (url) => (url.pathname === "/watch" ? "watch" : url.pathname.startsWith("/shorts/") ? "shorts" : null);
  const idOf = (url) => (kindOf(url) === "watch" ? url.searchParams.get("v") : url.pathname.split("/")[2]);
  const actionsRow = ${JSON.stringify(actionsRow())};
  let current = new URL(location.href);
  let navigations = 0;

  function renderWatch(video) {
    const meta = document.querySelector("ytd-watch-metadata");
    meta.querySelector("h1 yt-formatted-string").textContent = video.title;
    const channel = meta.querySelector("ytd-channel-name #text a");
    channel.textContent = video.channel;
    channel.setAttribute("href", "/@" + video.channelHandle);
    meta.querySelector("#description-inline-expander yt-attributed-string").textContent = video.description;
    document.querySelector(".ytp-time-duration").textContent = video.duration;
    document.querySelector('meta[itemprop="duration"]').setAttribute("content", "PT" + video.durationSeconds + "S");
    document.querySelector("ytd-watch-flexy").setAttribute("video-id", video.id);
    // YouTube re-renders the actions row for the new video: a fresh element, old children gone.
    const row = meta.querySelector("#top-level-buttons-computed");
    const template = document.createElement("template");
    template.innerHTML = actionsRow;
    row.replaceWith(template.content.firstElementChild);
  }

  function renderShorts(video) {
    const container = document.querySelector("#shorts-container");
    for (const reel of container.querySelectorAll("ytd-reel-video-renderer[is-active]")) reel.removeAttribute("is-active");
    const template = document.createElement("template");
    template.innerHTML = ${JSON.stringify(reel(0, fakeVideo("placeholder", "shorts"), true))};
    const next = template.content.firstElementChild;
    next.id = String(container.children.length);
    next.dataset.videoId = video.id;
    next.querySelector(".ytShortsVideoTitleViewModelShortsVideoTitle span").textContent = video.title;
    const channel = next.querySelector(".ytReelChannelBarViewModelChannelName a");
    channel.textContent = video.channel;
    channel.setAttribute("href", "/@" + video.channelHandle);
    container.append(next);
  }

  async function navigate(href, { push = true } = {}) {
    const url = new URL(href, location.href);
    const kind = kindOf(url);
    if (!kind || kind !== kindOf(current)) {
      location.assign(url.href);
      return;
    }
    document.dispatchEvent(new CustomEvent("yt-navigate-start", { detail: { url: url.pathname + url.search } }));
    const res = await fetch("/youtubei/v1/next?kind=" + kind + "&videoId=" + encodeURIComponent(idOf(url)));
    const video = await res.json();
    if (kind === "watch") renderWatch(video);
    else renderShorts(video);
    document.title = video.title + " - YouTube";
    if (push) history.pushState({ spa: true }, "", url.pathname + url.search);
    current = url;
    navigations += 1;
    window.__navigations = navigations;
    window.__lastNavigateFinishAt = performance.now();
    document.dispatchEvent(new CustomEvent("yt-navigate-finish", { detail: { pageType: kind, endpoint: { url: url.pathname + url.search } } }));
  }

  window.__navigate = (href) => navigate(href);
  window.__navigations = 0;
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a.yt-simple-endpoint") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    navigate(link.getAttribute("href"));
  });
  window.addEventListener("popstate", () => navigate(location.href, { push: false }));
})();
`;

export interface FakeYouTube {
  /** The loopback port the fake listens on. */
  readonly port: number;
  /** For Chromium's --host-resolver-rules: www.youtube.com and i.ytimg.com → this server. */
  readonly hostResolverRules: string;
  watchUrl(videoId: string): string;
  shortsUrl(videoId: string): string;
  close(): Promise<void>;
}

/**
 * @param options.port where to listen (default: a free port, reached through Chromium's
 *   host-resolver rules; Firefox maps a host name to loopback only, so it needs 443).
 */
export async function startFakeYouTube(options: { port?: number } = {}): Promise<FakeYouTube> {
  const site = await startHttpsSite({
    hosts: ["www.youtube.com", "youtube.com", "i.ytimg.com"],
    port: options.port,
    headers: { "Access-Control-Allow-Origin": "*" },
    route: (url, send) => {
      if (url.pathname === "/watch" && VIDEO_ID.test(url.searchParams.get("v") ?? "")) {
        return send(200, "text/html; charset=utf-8", watchPage(url.searchParams.get("v") ?? ""));
      }
      const shorts = /^\/shorts\/([^/]+)$/.exec(url.pathname);
      if (shorts?.[1] && VIDEO_ID.test(shorts[1])) {
        return send(200, "text/html; charset=utf-8", shortsPage(shorts[1]));
      }
      if (url.pathname === "/youtubei/v1/next") {
        const id = url.searchParams.get("videoId") ?? "";
        if (!VIDEO_ID.test(id)) return send(400, "application/json", "{}");
        const kind = url.searchParams.get("kind") === "shorts" ? "shorts" : "watch";
        return send(200, "application/json", JSON.stringify(fakeVideo(id, kind)));
      }
      if (url.pathname.startsWith("/vi/")) return send(200, "image/png", PIXEL);
      if (url.pathname === "/favicon.ico") return send(200, "image/png", PIXEL);
      return send(404, "text/plain", "not found");
    },
  });
  return {
    ...site,
    watchUrl: (videoId) => `${YOUTUBE_ORIGIN}/watch?v=${videoId}`,
    shortsUrl: (videoId) => `${YOUTUBE_ORIGIN}/shorts/${videoId}`,
  };
}
