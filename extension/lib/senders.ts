/**
 * Who may send what. Panel messages (sign-in, lists, edits) only from the extension's own
 * pages; page messages (save this video) only from our content script in a YouTube tab's top
 * frame. Anything else — another extension, a frame we did not inject — is refused.
 */
import { youtubePage } from "../selectors/youtube";

export interface Sender {
  id?: string;
  url?: string;
  tab?: { id?: number; url?: string };
  frameId?: number;
}

export interface Self {
  runtimeId: string;
  /** chrome-extension://<id>/ (or moz-extension://<uuid>/). */
  pagesBase: string;
}

export function isExtensionPage(sender: Sender, self: Self): boolean {
  return sender.id === self.runtimeId && !!sender.url?.startsWith(self.pagesBase);
}

export function isYouTubeTab(
  sender: Sender,
  self: Self,
): sender is Sender & { tab: { id: number } } {
  if (sender.id !== self.runtimeId || sender.tab?.id === undefined || sender.frameId !== 0) {
    return false;
  }
  try {
    return new URL(sender.url ?? "").hostname === "www.youtube.com";
  } catch {
    return false;
  }
}

/**
 * A video id the sending tab is actually showing (a page message names only its own video).
 * The tab's URL, not the sender's: Chromium keeps `sender.url` at the address the page loaded
 * with, and YouTube moves between videos with pushState.
 */
export function tabShowsVideo(sender: Sender, videoId: string | undefined): boolean {
  if (!videoId) return true;
  try {
    return youtubePage(new URL(sender.tab?.url ?? sender.url ?? ""))?.videoId === videoId;
  } catch {
    return false;
  }
}
