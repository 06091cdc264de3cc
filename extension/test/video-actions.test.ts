import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { ContentScriptContext } from "wxt/utils/content-script-context";
import type { CreateContentInput } from "../../shared/content";
import { ACTIONS_HOST, videoActions } from "../features/video-actions";
import { messaging } from "../lib/protocol";
import { wcagViolations } from "./axe";
import { routeMessages } from "./fake-messaging";
import watchHtml from "./fixtures/youtube-watch.html?raw";

/**
 * The YouTube buttons in a fake DOM, with a stand-in background answering their messages:
 * YouTube-style SPA navigation (DOM swap, pushState, yt-navigate-finish) must replace the
 * buttons, show the new video's state, and leave no stale UI behind.
 */
const FIRST = "dQw4w9WgXcQ";
const SECOND = "secondVid01";

function load(html: string) {
  document.documentElement.innerHTML = new DOMParser().parseFromString(
    html,
    "text/html",
  ).documentElement.innerHTML;
}

/** What YouTube does on a client-side navigation to another video. */
function navigate(videoId: string, title: string) {
  const heading = document.querySelector("ytd-watch-metadata h1 yt-formatted-string");
  if (heading) heading.textContent = title;
  history.pushState({}, "", `/watch?v=${videoId}`);
  document.dispatchEvent(new CustomEvent("yt-navigate-finish"));
}

const hosts = () => [...document.querySelectorAll(ACTIONS_HOST)];
const buttons = () =>
  hosts().flatMap((host) => [...(host.shadowRoot?.querySelectorAll("button") ?? [])]);
const labels = () => buttons().map((button) => button.textContent?.replace(/[+✦]/g, "").trim());

let saved: Map<string, string>;
let saves: CreateContentInput[];
let ctx: ContentScriptContext;

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response(":host{}"));
  saved = new Map();
  saves = [];
  // The background's side of the page messages, answered in memory.
  routeMessages();
  messaging.onMessage("videoState", ({ data }) => ({
    ok: true,
    value: { signedIn: true, itemId: saved.get(data) ?? null, queued: false },
  }));
  messaging.onMessage("saveVideo", ({ data }) => {
    saves.push(data);
    const id = `cnt_${saves.length}`;
    saved.set(data.source?.videoId ?? "", id);
    return {
      ok: true,
      value: {
        state: "saved",
        result: {
          kind: "content",
          id,
          title: data.title,
          subject: `youtube:${data.source?.videoId}`,
        },
      },
    };
  });
  history.replaceState({}, "", `/watch?v=${FIRST}`);
  load(watchHtml);
  ctx = new ContentScriptContext("youtube");
});

afterEach(() => {
  ctx.abort();
  messaging.removeAllListeners();
  vi.restoreAllMocks();
});

describe("YouTube video actions", () => {
  it("sits in the video's own action row and saves the video as shown", async () => {
    videoActions.start(ctx);
    await vi.waitFor(() => expect(labels()).toEqual(["Save idea", "Repurpose"]));
    expect(hosts()[0]?.parentElement?.id).toBe("top-level-buttons-computed");
    expect(await wcagViolations(hosts()[0] as Element)).toEqual([]);

    buttons()[0]?.click();
    await vi.waitFor(() => expect(labels()[0]).toBe("Saved ✓"));
    expect(saves).toHaveLength(1);
    expect(saves[0]).toMatchObject({
      title: "How I Edit a Video in One Take",
      source: { kind: "youtube", videoId: FIRST, channel: "Creator Studio" },
    });
  });

  it("follows SPA navigation: fresh buttons for the new video, Saved ✓ for a saved one", async () => {
    saved.set(FIRST, "cnt_9");
    videoActions.start(ctx);
    await vi.waitFor(() => expect(labels()[0]).toBe("Saved ✓"));

    navigate(SECOND, "A second video");
    await vi.waitFor(() => expect(labels()).toEqual(["Save idea", "Repurpose"]));
    expect(hosts()).toHaveLength(1);

    // Save it, go back and forth: each video shows its own state, one set of buttons at a time.
    buttons()[0]?.click();
    await vi.waitFor(() => expect(labels()[0]).toBe("Saved ✓"));
    expect(saves[0]?.title).toBe("A second video");
    navigate(FIRST, "How I Edit a Video in One Take");
    await vi.waitFor(() => expect(labels()[0]).toBe("Saved ✓"));
    expect(hosts()).toHaveLength(1);
  });

  it("shows Saved ✓ when the background says a capture of this video landed, not another's", async () => {
    videoActions.start(ctx);
    await vi.waitFor(() => expect(labels()).toEqual(["Save idea", "Repurpose"]));
    const landed = (subject: string) =>
      messaging.sendMessage("captureLanded", { kind: "content", id: "cnt_5", title: "A", subject });
    await landed(`youtube:${SECOND}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(labels()[0]).toBe("Save idea");
    await landed(`youtube:${FIRST}`);
    await vi.waitFor(() => expect(labels()[0]).toBe("Saved ✓"));
  });

  it("says a failure in the one vocabulary of error words", async () => {
    messaging.removeAllListeners();
    routeMessages();
    messaging.onMessage("videoState", () => ({
      ok: true,
      value: { signedIn: false, itemId: null, queued: false },
    }));
    messaging.onMessage("saveVideo", () => ({
      ok: false,
      error: { code: "SIGNED_OUT", message: "Sign in to CreatorOps first", status: 401 },
    }));
    videoActions.start(ctx);
    await vi.waitFor(() => expect(labels()).toEqual(["Save idea", "Repurpose"]));
    buttons()[0]?.click();
    const problem = () => hosts()[0]?.shadowRoot?.querySelector('[role="status"]')?.textContent;
    await vi.waitFor(() => expect(problem()).toBe("Sign in from the CreatorOps side panel first."));
    expect(await wcagViolations(hosts()[0] as Element)).toEqual([]);
  });

  it("removes its UI away from videos and when the extension goes away", async () => {
    videoActions.start(ctx);
    await vi.waitFor(() => expect(hosts()).toHaveLength(1));
    history.pushState({}, "", "/feed/subscriptions");
    document.dispatchEvent(new CustomEvent("yt-navigate-finish"));
    await vi.waitFor(() => expect(hosts()).toHaveLength(0));

    history.pushState({}, "", `/watch?v=${FIRST}`);
    document.dispatchEvent(new CustomEvent("yt-navigate-finish"));
    await vi.waitFor(() => expect(hosts()).toHaveLength(1));
    ctx.abort();
    expect(hosts()).toHaveLength(0);
    // A navigation after the extension reloaded adds nothing.
    navigate(SECOND, "A second video");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(hosts()).toHaveLength(0);
  });

  it("waits for YouTube to render the action row instead of polling", async () => {
    document.querySelector("ytd-watch-metadata #actions")?.remove();
    const observe = vi.spyOn(MutationObserver.prototype, "observe");
    const disconnect = vi.spyOn(MutationObserver.prototype, "disconnect");
    videoActions.start(ctx);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(hosts()).toHaveLength(0);

    const actions = document.createElement("div");
    actions.id = "actions";
    actions.innerHTML = '<div id="top-level-buttons-computed"></div>';
    document.querySelector("ytd-watch-metadata")?.append(actions);
    await vi.waitFor(() => expect(hosts()).toHaveLength(1));
    // The observer that waited is gone once the row appeared.
    expect(observe).toHaveBeenCalled();
    expect(disconnect).toHaveBeenCalled();
  });
});
