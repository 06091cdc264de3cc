/**
 * "Save selection / page to CreatorOps" (context menu) and the save shortcut. They work on any
 * page through activeTab: the click or keystroke grants this tab's URL and title, nothing more.
 */
import { browser } from "wxt/browser";
import { type CreateContentInput, TITLE_MAX } from "../../shared/content";
import { youtubePage } from "../selectors/youtube";
import type { CaptureOutcome } from "./capture-queue";
import { capture } from "./captures";

export const MENU = { selection: "save-selection", page: "save-page" } as const;
export const SAVE_COMMAND = "save-page";
/** The API keeps at most this much of a selection (source.selection). */
const SELECTION_MAX = 20_000;

interface PageFacts {
  url?: string;
  title?: string;
  selection?: string;
}

/**
 * What a page capture sends: a YouTube video as a video (so it dedupes), else a web page. A
 * selection is the piece itself: it is the body repurposing reads.
 */
export function pageCaptureBody({ url, title, selection }: PageFacts): CreateContentInput | null {
  let parsed: URL;
  try {
    parsed = new URL(url ?? "");
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
  const video = youtubePage(parsed);
  const pageTitle = (title ?? "").replace(/ - YouTube$/, "").trim();
  const snippet = selection?.replace(/\s+/g, " ").trim();
  const heading = (snippet ? snippet.slice(0, 120) : pageTitle) || parsed.hostname;
  return {
    title: heading.slice(0, TITLE_MAX),
    ...(snippet && !video ? { body: snippet.slice(0, SELECTION_MAX) } : {}),
    source: video
      ? { kind: "youtube", videoId: video.videoId, url: parsed.href }
      : {
          kind: "web",
          url: parsed.href.slice(0, 2048),
          ...(snippet ? { selection: snippet.slice(0, SELECTION_MAX) } : {}),
        },
  };
}

const BADGE: Record<CaptureOutcome["state"] | "error", { text: string; color: string }> = {
  saved: { text: "✓", color: "#1a7f37" },
  queued: { text: "…", color: "#9a6700" },
  failed: { text: "!", color: "#cf222e" },
  error: { text: "!", color: "#cf222e" },
};

async function captureTab(tabId: number | undefined, facts: PageFacts) {
  const body = pageCaptureBody(facts);
  if (!body) return;
  const state = await capture("content", body, tabId === undefined ? {} : { tabId }).then(
    (outcome) => outcome.state,
    () => "error" as const,
  );
  // MV3's action is MV2's browserAction (the Firefox build).
  const button = browser.action ?? browser.browserAction;
  if (tabId === undefined || !button) return;
  await button.setBadgeBackgroundColor({ tabId, color: BADGE[state].color });
  await button.setBadgeText({ tabId, text: BADGE[state].text });
}

export function registerPageCapture() {
  browser.runtime.onInstalled.addListener(() => {
    browser.contextMenus.create({
      id: MENU.selection,
      title: "Save selection to CreatorOps",
      contexts: ["selection"],
    });
    browser.contextMenus.create({
      id: MENU.page,
      title: "Save page to CreatorOps",
      contexts: ["page"],
    });
  });
  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId !== MENU.selection && info.menuItemId !== MENU.page) return;
    void captureTab(tab?.id, {
      url: info.pageUrl ?? tab?.url,
      title: tab?.title,
      ...(info.menuItemId === MENU.selection && info.selectionText
        ? { selection: info.selectionText }
        : {}),
    });
  });
  browser.commands.onCommand.addListener((command, tab) => {
    if (command !== SAVE_COMMAND) return;
    void captureTab(tab?.id, { url: tab?.url, title: tab?.title });
  });
}
