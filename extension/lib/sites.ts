/**
 * The sites the extension works inside, and what one of their tabs shows. A page message
 * (sent by a content script) is accepted only from a tab of the site its handler names, and
 * only about the thing that tab shows: a YouTube tab speaks for its own video. A new site
 * (Gmail next: the open message) is one row here plus its selectors.
 */
import { youtubePage } from "../selectors/youtube";

export interface Site {
  /** Host names its content script runs on (the entrypoint's `matches` say the same). */
  hostnames: readonly string[];
  /**
   * What a tab of this site shows, as a subject page messages can be about (`youtube:<id>`),
   * or null where it shows nothing one can capture.
   */
  subjectOf(url: URL): string | null;
}

/** The subject of a YouTube video: what its Save button, queue entry and tab agree on. */
export const youtubeSubject = (videoId: string) => `youtube:${videoId}`;

export const SITES = {
  youtube: {
    hostnames: ["www.youtube.com"],
    subjectOf(url) {
      const page = youtubePage(url);
      return page ? youtubeSubject(page.videoId) : null;
    },
  },
} satisfies Record<string, Site>;

export type SiteName = keyof typeof SITES;
