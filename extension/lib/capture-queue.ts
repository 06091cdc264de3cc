/**
 * The offline-safe capture queue. A capture is written to chrome.storage.local before its
 * first attempt, so a closed browser, a killed service worker or a dead network never loses
 * it. Every attempt carries the capture's own Idempotency-Key: if an answer was lost after the
 * API saved it, the retry gets the stored answer back, so each capture lands exactly once.
 *
 * Writes are serialized within the service worker (one chain of storage updates), and a
 * capture is in flight at most once at a time.
 */
import type { CreateContentInput } from "../../shared/content";
import { ExtensionError, errorView } from "./errors";
import type { ContentItem } from "./protocol";
import { captureQueueItem, type QueuedCapture } from "./storage";

export const RETRY_ALARM = "capture-retry";
/** Chrome's shortest alarm period for packed extensions; the first retry waits this long. */
export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 30 * 60_000;

/** Exponential backoff with ±20% jitter, never sooner than the API's Retry-After. */
export function retryDelay(attempts: number, retryAfterSeconds?: number, random = Math.random) {
  const exponential = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(exponential * (0.8 + 0.4 * random()));
  return Math.max(jittered, (retryAfterSeconds ?? 0) * 1000);
}

let chain: Promise<unknown> = Promise.resolve();
/** Read-modify-write of the queue, one at a time. */
function updateQueue<T>(change: (queue: QueuedCapture[]) => { queue: QueuedCapture[]; value: T }) {
  const next = chain.then(async () => {
    const { queue, value } = change(await captureQueueItem.getValue());
    await captureQueueItem.setValue(queue);
    return value;
  });
  chain = next.catch(() => undefined);
  return next;
}

export function readQueue(): Promise<QueuedCapture[]> {
  return captureQueueItem.getValue();
}

export function enqueueCapture(
  body: CreateContentInput,
  workspaceId: string,
  options: { tabId?: number; now?: number } = {},
): Promise<QueuedCapture> {
  const now = options.now ?? Date.now();
  const capture: QueuedCapture = {
    id: crypto.randomUUID(),
    idempotencyKey: crypto.randomUUID(),
    workspaceId,
    body,
    createdAt: now,
    attempts: 0,
    nextAttemptAt: now,
    state: "pending",
    ...(options.tabId !== undefined ? { tabId: options.tabId } : {}),
  };
  return updateQueue((queue) => ({ queue: [...queue, capture], value: capture }));
}

export function discardCapture(captureId: string) {
  return updateQueue((queue) => {
    const rest = queue.filter((capture) => capture.id !== captureId);
    return { queue: rest, value: rest };
  });
}

/**
 * Makes queued captures due now: the pending ones (a sign-in, a browser start), or with
 * `refusedToo` also those the API refused (the creator's "Retry now").
 */
export function makeDue({ refusedToo = false, now = Date.now() } = {}) {
  return updateQueue((queue) => {
    const due = queue.map((capture) =>
      capture.state === "pending" || refusedToo
        ? { ...capture, state: "pending" as const, nextAttemptAt: now }
        : capture,
    );
    return { queue: due, value: due };
  });
}

export type SendCapture = (capture: QueuedCapture) => Promise<ContentItem>;

export interface Landed {
  capture: QueuedCapture;
  item: ContentItem;
}
export interface AttemptOutcome {
  landed: Landed[];
  /** When the earliest pending capture is next due, or null when none is pending. */
  nextAttemptAt: number | null;
}

const inFlight = new Set<string>();

/**
 * Sends every due pending capture once. Landed captures leave the queue; retryable failures
 * (no answer, 5xx, 429) are rescheduled with backoff; other 4xx answers are kept as failed,
 * for the creator to see, and not retried.
 */
export async function sendDueCaptures(
  send: SendCapture,
  now: () => number = Date.now,
): Promise<AttemptOutcome> {
  const due = (await readQueue()).filter(
    (capture) =>
      capture.state === "pending" && capture.nextAttemptAt <= now() && !inFlight.has(capture.id),
  );
  const landed: Landed[] = [];
  let unreachableUntil: number | null = null;
  for (const capture of due) {
    if (unreachableUntil !== null) {
      // The API was unreachable a moment ago: the rest wait for the same retry, untried.
      const retryAt = unreachableUntil;
      await updateQueue((queue) => ({
        queue: queue.map((queued) =>
          queued.id === capture.id ? { ...queued, nextAttemptAt: retryAt } : queued,
        ),
        value: undefined,
      }));
      continue;
    }
    inFlight.add(capture.id);
    try {
      const item = await send(capture);
      await updateQueue((queue) => ({
        queue: queue.filter((queued) => queued.id !== capture.id),
        value: undefined,
      }));
      landed.push({ capture, item });
    } catch (error) {
      const failure =
        error instanceof ExtensionError
          ? error
          : new ExtensionError("UNKNOWN", "The capture could not be sent");
      const retryAt = now() + retryDelay(capture.attempts + 1, failure.extras.retryAfterSeconds);
      await updateQueue((queue) => ({
        queue: queue.map((queued) =>
          queued.id !== capture.id
            ? queued
            : {
                ...queued,
                attempts: queued.attempts + 1,
                lastError: errorView(failure),
                ...(failure.retryable
                  ? { state: "pending" as const, nextAttemptAt: retryAt }
                  : { state: "failed" as const }),
              },
        ),
        value: undefined,
      }));
      if (failure.status === 0) unreachableUntil = retryAt;
    } finally {
      inFlight.delete(capture.id);
    }
  }
  const pending = (await readQueue()).filter((capture) => capture.state === "pending");
  return {
    landed,
    nextAttemptAt: pending.length
      ? Math.min(...pending.map((capture) => capture.nextAttemptAt))
      : null,
  };
}
