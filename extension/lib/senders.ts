/**
 * Who may send what. Panel messages (sign-in, lists, edits) only from the extension's own
 * pages; page messages (save this video) only from our content script in the top frame of a
 * tab of the site the handler names (see sites.ts), about what that tab shows. Anything else —
 * another extension, a frame we did not inject, another site — is refused.
 */
import { browser } from "wxt/browser";
import type { Site } from "./sites";

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

/** This extension, as the background sees itself. */
export function extensionSelf(): Self {
  return { runtimeId: browser.runtime.id, pagesBase: `${globalThis.location.origin}/` };
}

export function isExtensionPage(sender: Sender, self: Self): boolean {
  return sender.id === self.runtimeId && !!sender.url?.startsWith(self.pagesBase);
}

/** Our content script, in the top frame of a tab of `site`. */
export function isSiteTab(
  sender: Sender,
  self: Self,
  site: Site,
): sender is Sender & { tab: { id: number } } {
  if (sender.id !== self.runtimeId || sender.tab?.id === undefined || sender.frameId !== 0) {
    return false;
  }
  try {
    return site.hostnames.includes(new URL(sender.url ?? "").hostname);
  } catch {
    return false;
  }
}

/**
 * The sending tab shows `subject` (a page message names only what its own tab shows); a
 * message about no subject in particular passes here (handlers/define.ts refuses it first).
 * The tab's URL, not the sender's: Chromium keeps `sender.url` at the address the page loaded
 * with, and YouTube moves between videos with pushState.
 */
export function tabShows(sender: Sender, site: Site, subject: string | null | undefined): boolean {
  if (!subject) return true;
  try {
    return site.shows(new URL(sender.tab?.url ?? sender.url ?? ""), subject);
  } catch {
    return false;
  }
}
