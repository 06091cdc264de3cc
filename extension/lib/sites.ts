/**
 * The sites the extension works inside, and what one of their tabs shows. A page message
 * (sent by a content script) is accepted only from a tab of the site its handler names, and
 * only about what that tab shows: a YouTube tab speaks for its own video, a Gmail tab for the
 * messages of the conversation it has open. A new site is one row here plus its selectors.
 */
import { gmailThreadFromHash } from "../selectors/gmail";
import { youtubePage } from "../selectors/youtube";
import { gmailSubject, youtubeSubject } from "./subjects";

export interface Site {
  /** Host names its content script runs on (the entrypoint's `matches` say the same). */
  hostnames: readonly string[];
  /** True when a tab at `url` shows `subject` (`youtube:<id>`, `gmail:<message id>`). */
  shows(url: URL, subject: string): boolean;
}

export { gmailSubject, youtubeSubject };

export const SITES = {
  youtube: {
    hostnames: ["www.youtube.com"],
    shows(url, subject) {
      const page = youtubePage(url);
      return page !== null && youtubeSubject(page.videoId) === subject;
    },
  },
  gmail: {
    hostnames: ["mail.google.com"],
    // Gmail's address names the conversation by a token of its own, not by a message id: a tab
    // speaks for a message only while it has a conversation open (the button is inside it).
    shows(url, subject) {
      return subject.startsWith("gmail:") && gmailThreadFromHash(url) !== null;
    },
  },
} satisfies Record<string, Site>;

export type SiteName = keyof typeof SITES;
