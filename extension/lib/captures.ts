/**
 * Capturing in the background: a new capture is enqueued, then sent at once, and answers its
 * own outcome. What waits is retried on chrome.alarms, which survive the service worker being
 * stopped. The tab that captured hears when its capture lands.
 */
import { browser } from "wxt/browser";
import { signedInClient, whileSignedIn } from "./account";
import { apiClient, unwrap } from "./api";
import { type CaptureBody, type CaptureKind, kindSpec } from "./capture-kinds";
import {
  type CaptureOutcome,
  enqueue,
  nextAttemptAt,
  OTHER_ACCOUNT,
  OTHER_API,
  type Post,
  RETRY_ALARM,
  type Settlement,
  send,
  sendDue,
} from "./capture-queue";
import { ExtensionError } from "./errors";
import { messaging } from "./protocol";
import { apiOriginItem, type QueuedCapture, sessionItem } from "./storage";

/**
 * One attempt at a capture's route (the kinds table), in the workspace it was captured for,
 * with the token of the account that queued it and at the API address it was queued for: while
 * another account is signed in, or another address is set, it waits (untried) and says why.
 */
export const post: Post = async (capture) => {
  const [origin, session] = await Promise.all([apiOriginItem.getValue(), sessionItem.getValue()]);
  if (!session) throw new ExtensionError("SIGNED_OUT", "Sign in to send this capture", 0);
  if (capture.queuedBy && capture.queuedBy.userId !== session.user.id) {
    throw new ExtensionError(OTHER_ACCOUNT, `Queued by ${capture.queuedBy.email}`, 0);
  }
  if (capture.apiOrigin && capture.apiOrigin !== origin) {
    throw new ExtensionError(OTHER_API, `Queued for ${capture.apiOrigin}`, 0);
  }
  const client = apiClient(origin, { token: session.token, workspaceId: capture.workspaceId });
  const spec = kindSpec(capture.kind);
  const answer: unknown = await whileSignedIn(
    unwrap(spec.post(client, capture.body, capture.idempotencyKey)),
  );
  return { kind: capture.kind, subject: capture.subject, ...spec.describe(answer) };
};

async function scheduleRetry(at: number | null) {
  if (at === null) {
    await browser.alarms.clear(RETRY_ALARM);
    return;
  }
  await browser.alarms.create(RETRY_ALARM, { when: Math.max(at, Date.now() + 1000) });
}

/** Tells the tab that asked, if any, that its capture landed. */
function announce({ capture, outcome }: Settlement) {
  if (outcome.state !== "saved" || capture.tabId === undefined) return;
  // The tab may have closed or navigated away; that is fine.
  void messaging.sendMessage("captureLanded", outcome.result, capture.tabId).catch(() => undefined);
}

/**
 * The queue's retry pass (an alarm, a sign-in, a browser start, "Retry now"): sends what is
 * due, tells the capturing tabs, and sets the alarm for what remains.
 */
export async function retryQueued() {
  const due = await sendDue(post);
  for (const settlement of due.settled) announce(settlement);
  await scheduleRetry(due.nextAttemptAt);
  return due;
}

/** A new capture: enqueued, then sent straight away; answers where it stands. */
export async function capture<K extends CaptureKind>(
  kind: K,
  body: CaptureBody<K>,
  options: { tabId?: number } = {},
): Promise<CaptureOutcome> {
  const { workspaceId, session, origin } = await signedInClient();
  if (!workspaceId) throw new ExtensionError("WORKSPACE_REQUIRED", "Pick a workspace first", 400);
  const queued = await enqueue(kind, body, workspaceId, {
    ...options,
    queuedBy: { userId: session.user.id, email: session.user.email },
    apiOrigin: origin,
  });
  const settlement = await send(queued as QueuedCapture, post);
  announce(settlement);
  // The API answered: older captures that wait may go too. Else the alarm keeps this one.
  if (settlement.outcome.state === "saved") void retryQueued();
  else await scheduleRetry(await nextAttemptAt());
  return settlement.outcome;
}

export function listenForRetries() {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === RETRY_ALARM) void retryQueued();
  });
}
