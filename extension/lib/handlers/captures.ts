/**
 * Capture messages: saving from a site's page (a YouTube video now; a sponsor's email next),
 * quick capture from the panel, and the offline queue the panel shows.
 */
import type { CreateContentInput } from "../../../shared/content";
import { signedInClient, whileSignedIn } from "../account";
import { unwrap } from "../api";
import { CAPTURE_KINDS } from "../capture-kinds";
import { discard, isQueuedFor, makeDue, readQueue } from "../capture-queue";
import { capture, retryQueued } from "../captures";
import { ExtensionError } from "../errors";
import { openPanel } from "../panel";
import type { VideoState } from "../protocol";
import { youtubeSubject } from "../sites";
import { panelFocusItem, sessionItem } from "../storage";
import type { HandlerDomain } from "./define";

const aboutVideo = (body: CreateContentInput) => CAPTURE_KINDS.content.subject(body);

async function videoState(videoId: string): Promise<VideoState> {
  const session = await sessionItem.getValue();
  if (!session) return { signedIn: false, itemId: null, queued: false };
  const subject = youtubeSubject(videoId);
  const queued = await isQueuedFor(subject, session.user.id);
  try {
    const { client } = await signedInClient();
    const page = await whileSignedIn(
      unwrap(client.api.content.$get({ query: { videoId, limit: "1" } })),
    );
    return { signedIn: true, itemId: page.items[0]?.id ?? null, queued };
  } catch (error) {
    if (error instanceof ExtensionError && error.code === "SIGNED_OUT") {
      return { signedIn: false, itemId: null, queued: false };
    }
    // Unknown while offline: show the plain buttons; saving will queue.
    return { signedIn: true, itemId: null, queued };
  }
}

/** Repurpose from a page: the panel opens at once (the click's user gesture), then fills in. */
async function repurposeVideo(body: CreateContentInput, tabId: number, opened: Promise<void>) {
  const outcome = await capture("content", body, { tabId });
  if (outcome.state === "saved") {
    await panelFocusItem.setValue({
      contentId: outcome.result.id,
      repurpose: true,
      nonce: crypto.randomUUID(),
    });
  }
  await opened;
  return outcome;
}

export const captures: HandlerDomain = {
  name: "captures",
  handlers: {
    videoState: {
      from: "page",
      site: "youtube",
      about: youtubeSubject,
      handle: videoState,
    },
    saveVideo: {
      from: "page",
      site: "youtube",
      about: aboutVideo,
      handle: (body, tab) => capture("content", body, { tabId: tab.id }),
    },
    repurposeVideo: {
      from: "page",
      site: "youtube",
      about: aboutVideo,
      // Not async: opening the panel must happen before any await, inside the click's gesture.
      handle: (body, tab) => repurposeVideo(body, tab.id, openPanel(tab.id)),
    },
    captureIdea: { from: "panel", handle: (body) => capture("content", body) },
    captures: { from: "panel", handle: readQueue },
    retryCaptures: {
      from: "panel",
      async handle() {
        await makeDue({ refusedToo: true });
        await retryQueued();
        return readQueue();
      },
    },
    discardCapture: {
      from: "panel",
      async handle(captureId) {
        const rest = await discard(captureId);
        await retryQueued();
        return rest;
      },
    },
  },
};
