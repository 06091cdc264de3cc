import { beforeEach, describe, expect, it } from "vitest";
import { actionsContainer, extractVideo, parseDuration, youtubePage } from "../selectors/youtube";
import shortsHtml from "./fixtures/youtube-shorts.html?raw";
import watchHtml from "./fixtures/youtube-watch.html?raw";

function load(html: string) {
  document.documentElement.innerHTML = new DOMParser().parseFromString(
    html,
    "text/html",
  ).documentElement.innerHTML;
}

describe("youtubePage", () => {
  it("recognises watch pages and Shorts, and nothing else", () => {
    expect(youtubePage(new URL("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42"))).toEqual({
      kind: "watch",
      videoId: "dQw4w9WgXcQ",
    });
    expect(youtubePage(new URL("https://m.youtube.com/shorts/abcDEF12345"))).toEqual({
      kind: "shorts",
      videoId: "abcDEF12345",
    });
    expect(youtubePage(new URL("https://www.youtube.com/"))).toBeNull();
    expect(youtubePage(new URL("https://www.youtube.com/watch?v=bad id"))).toBeNull();
    expect(youtubePage(new URL("https://www.youtube.com/@creatorstudio"))).toBeNull();
    expect(youtubePage(new URL("https://notyoutube.com/watch?v=dQw4w9WgXcQ"))).toBeNull();
  });
});

describe("parseDuration", () => {
  it("reads the player's clock and ISO 8601", () => {
    expect(parseDuration("12:34")).toBe(754);
    expect(parseDuration("1:02:03")).toBe(3723);
    expect(parseDuration("PT12M34S")).toBe(754);
    expect(parseDuration("PT1H")).toBe(3600);
    expect(parseDuration("live")).toBeUndefined();
    expect(parseDuration("")).toBeUndefined();
  });
});

describe("watch page", () => {
  beforeEach(() => load(watchHtml));
  const url = new URL("https://www.youtube.com/watch?v=dQw4w9WgXcQ");

  it("extracts the video as the page shows it", () => {
    expect(extractVideo(document, url)).toEqual({
      title: "How I Edit a Video in One Take",
      // The description is the piece repurposing reads.
      body: "Three lessons from a year of one-take videos. Links: https://example.com/gear",
      source: {
        kind: "youtube",
        videoId: "dQw4w9WgXcQ",
        url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        thumbnailUrl: "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
        channel: "Creator Studio",
        description:
          "Three lessons from a year of one-take videos. Links: https://example.com/gear",
        durationSeconds: 754,
      },
    });
  });

  it("finds the video's own action buttons to sit beside", () => {
    expect(actionsContainer(document, { kind: "watch", videoId: "dQw4w9WgXcQ" })?.id).toBe(
      "top-level-buttons-computed",
    );
  });

  it("falls back to the duration meta when the player clock is missing", () => {
    document.querySelector(".ytp-time-duration")?.remove();
    expect(extractVideo(document, url)?.source.durationSeconds).toBe(754);
  });

  it("waits (null) until YouTube has rendered a title", () => {
    document.querySelector("ytd-watch-metadata h1")?.remove();
    expect(extractVideo(document, url)).toBeNull();
  });
});

describe("Shorts page", () => {
  beforeEach(() => load(shortsHtml));
  const url = new URL("https://www.youtube.com/shorts/abcDEF12345");

  it("reads the active reel, not the others in the DOM", () => {
    expect(extractVideo(document, url)).toEqual({
      title: "60 seconds on lighting",
      source: {
        kind: "youtube",
        videoId: "abcDEF12345",
        url: "https://www.youtube.com/shorts/abcDEF12345",
        thumbnailUrl: "https://i.ytimg.com/vi/abcDEF12345/hqdefault.jpg",
        channel: "@creatorstudio",
      },
    });
    const actions = actionsContainer(document, { kind: "shorts", videoId: "abcDEF12345" });
    expect(actions?.querySelector("#comments-button")).not.toBeNull();
  });

  it("follows is-active when the viewer scrolls to the next reel", () => {
    const reels = document.querySelectorAll("ytd-reel-video-renderer");
    reels[1]?.removeAttribute("is-active");
    reels[0]?.setAttribute("is-active", "");
    expect(extractVideo(document, url)?.title).toBe("The previous short");
  });
});
