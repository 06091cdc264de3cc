/**
 * Capturing in the background: queue first, then try at once; retries ride chrome.alarms so
 * they survive the service worker being stopped. The tab that captured hears when it lands.
 */
import { browser } from "wxt/browser";
import type { CreateContentInput } from "../../shared/content";
import { signedInClient, whileSignedIn } from "./account";
import { apiClient, unwrap } from "./api";
import {
  enqueueCapture,
  RETRY_ALARM,
  readQueue,
  type SendCapture,
  sendDueCaptures,
} from "./capture-queue";
import { ExtensionError, errorView } from "./errors";
import { type CaptureOutcome, type ContentItem, messaging } from "./protocol";
import { apiOriginItem, sessionItem } from "./storage";

/** One capture's POST, in the workspace it was captured for, with its own idempotency key. */
export const sendCapture: SendCapture = async (capture) => {
  const [origin, session] = await Promise.all([apiOriginItem.getValue(), sessionItem.getValue()]);
  if (!session) throw new ExtensionError("SIGNED_OUT", "Sign in to send this capture", 0);
  const client = apiClient(origin, { token: session.token, workspaceId: capture.workspaceId });
  return whileSignedIn(
    unwrap<ContentItem>(
      client.api.content.$post({
        json: capture.body,
        header: { "idempotency-key": capture.idempotencyKey },
      }),
    ),
  );
};

async function scheduleRetry(nextAttemptAt: number | null) {
  if (nextAttemptAt === null) {
    await browser.alarms.clear(RETRY_ALARM);
    return;
  }
  await browser.alarms.create(RETRY_ALARM, { when: Math.max(nextAttemptAt, Date.now() + 1000) });
}

/** Sends what is due, tells the capturing tabs, and sets the alarm for what remains. */
export async function sendQueuedCaptures() {
  const outcome = await sendDueCaptures(sendCapture);
  for (const { capture, item } of outcome.landed) {
    if (capture.tabId === undefined) continue;
    // The tab may have closed or navigated away; that is fine.
    void messaging
      .sendMessage(
        "captureLanded",
        { videoId: item.source.videoId ?? null, itemId: item.id },
        capture.tabId,
      )
      .catch(() => undefined);
  }
  await scheduleRetry(outcome.nextAttemptAt);
  return outcome;
}

/** A new capture: stored in the queue, then sent straight away if the API is there. */
export async function capture(body: CreateContentInput, tabId?: number): Promise<CaptureOutcome> {
  const { workspaceId } = await signedInClient();
  if (!workspaceId) throw new ExtensionError("WORKSPACE_REQUIRED", "Pick a workspace first", 400);
  const queued = await enqueueCapture(body, workspaceId, tabId === undefined ? {} : { tabId });
  const outcome = await sendQueuedCaptures();
  const landed = outcome.landed.find((entry) => entry.capture.id === queued.id);
  if (landed) return { state: "saved", item: landed.item };
  const stillQueued = (await readQueue()).find((entry) => entry.id === queued.id);
  const error = stillQueued?.lastError ?? errorView(new ExtensionError("OFFLINE", "Queued"));
  return stillQueued?.state === "failed"
    ? { state: "failed", error }
    : { state: "queued", captureId: queued.id, error };
}

export function listenForRetries() {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === RETRY_ALARM) void sendQueuedCaptures();
  });
}
