import { describe, expect, it } from "vitest";
import { isExtensionPage, isSiteTab, type Sender, tabShows } from "../lib/senders";
import { SITES, youtubeSubject } from "../lib/sites";

const self = { runtimeId: "ours", pagesBase: "chrome-extension://ours/" };
const watch = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";
const isYouTubeTab = (sender: Sender, of: typeof self) => isSiteTab(sender, of, SITES.youtube);
const tabShowsVideo = (sender: Sender, videoId: string | undefined) =>
  tabShows(sender, SITES.youtube, videoId && youtubeSubject(videoId));

describe("message senders", () => {
  it("accepts panel messages only from our own extension pages", () => {
    expect(
      isExtensionPage({ id: "ours", url: "chrome-extension://ours/sidepanel.html" }, self),
    ).toBe(true);
    // The side panel opened as a tab still counts: it is our page.
    expect(
      isExtensionPage(
        { id: "ours", url: "chrome-extension://ours/sidepanel.html", tab: { id: 3 } },
        self,
      ),
    ).toBe(true);
    expect(isExtensionPage({ id: "ours", url: watch, tab: { id: 3 }, frameId: 0 }, self)).toBe(
      false,
    );
    expect(isExtensionPage({ id: "other", url: "chrome-extension://other/x.html" }, self)).toBe(
      false,
    );
    expect(isExtensionPage({ id: "ours", url: "chrome-extension://oursevil/x.html" }, self)).toBe(
      false,
    );
    expect(isExtensionPage({ id: "ours" }, self)).toBe(false);
  });

  it("accepts page messages only from our content script in a YouTube tab's top frame", () => {
    expect(isYouTubeTab({ id: "ours", url: watch, tab: { id: 3 }, frameId: 0 }, self)).toBe(true);
    expect(isYouTubeTab({ id: "ours", url: watch, tab: { id: 3 }, frameId: 5 }, self)).toBe(false);
    expect(isYouTubeTab({ id: "ours", url: watch, frameId: 0 }, self)).toBe(false);
    expect(isYouTubeTab({ id: "other", url: watch, tab: { id: 3 }, frameId: 0 }, self)).toBe(false);
    for (const url of [
      "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
      "https://evil.example/?www.youtube.com",
      "chrome-extension://ours/sidepanel.html",
      "not a url",
    ]) {
      expect(isYouTubeTab({ id: "ours", url, tab: { id: 3 }, frameId: 0 }, self)).toBe(false);
    }
  });

  it("lets a tab speak only for the video it shows", () => {
    const sender = { url: watch };
    expect(tabShowsVideo(sender, "dQw4w9WgXcQ")).toBe(true);
    expect(tabShowsVideo(sender, "otherVideo1")).toBe(false);
    expect(
      tabShowsVideo({ url: "https://www.youtube.com/shorts/abcdefghijk" }, "abcdefghijk"),
    ).toBe(true);
    expect(tabShowsVideo({ url: "https://www.youtube.com/" }, "abcdefghijk")).toBe(false);
    expect(tabShowsVideo(sender, undefined)).toBe(true);
    // After YouTube's pushState navigation only the tab's URL is current.
    const navigated = {
      url: watch,
      tab: { id: 3, url: "https://www.youtube.com/watch?v=nextVideo01" },
    };
    expect(tabShowsVideo(navigated, "nextVideo01")).toBe(true);
    expect(tabShowsVideo(navigated, "dQw4w9WgXcQ")).toBe(false);
  });
});
