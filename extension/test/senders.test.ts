import { describe, expect, it } from "vitest";
import { isExtensionPage, isSiteTab, type Sender, tabShows } from "../lib/senders";
import { gmailSubject, SITES, youtubeSubject } from "../lib/sites";

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

  it("lets a Gmail tab speak for messages only while it has a conversation open", () => {
    const gmailTab = (url: string): Sender => ({
      id: "ours",
      url,
      tab: { id: 4, url },
      frameId: 0,
    });
    const conversation = "https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWDsKcVqNrTbwnlHCBHmzQpv";
    const subject = gmailSubject("18c5a2b3c4d5e6f7");
    expect(isSiteTab(gmailTab(conversation), self, SITES.gmail)).toBe(true);
    expect(tabShows(gmailTab(conversation), SITES.gmail, subject)).toBe(true);
    // A list view shows no message; another site's subject is never Gmail's.
    expect(
      tabShows(gmailTab("https://mail.google.com/mail/u/0/#inbox"), SITES.gmail, subject),
    ).toBe(false);
    expect(tabShows(gmailTab(conversation), SITES.gmail, youtubeSubject("dQw4w9WgXcQ"))).toBe(
      false,
    );
    // A YouTube tab is not a Gmail tab, nor is a look-alike host or a frame inside Gmail.
    expect(
      isSiteTab({ id: "ours", url: watch, tab: { id: 3 }, frameId: 0 }, self, SITES.gmail),
    ).toBe(false);
    expect(
      isSiteTab(
        gmailTab("https://mail.google.com.evil.example/mail/u/0/#inbox/x"),
        self,
        SITES.gmail,
      ),
    ).toBe(false);
    expect(isSiteTab({ ...gmailTab(conversation), frameId: 2 }, self, SITES.gmail)).toBe(false);
  });
});
