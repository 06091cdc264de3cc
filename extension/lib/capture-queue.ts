/**
 * The offline-safe capture queue, read in one direction: enqueue → send → settle.
 *
 * - enqueue: a capture is written to chrome.storage.local before its first attempt, so a
 *   closed browser, a killed service worker or a dead network never loses it;
 * - send: one attempt, with the capture's own Idempotency-Key — if an answer was lost after
 *   the API saved it, the retry gets the stored answer back, so each capture lands once;
 * - settle: the attempt's result is written back (landed captures leave the queue, others are
 *   rescheduled or kept as refused) and answered as the capture's outcome.
 *
 * The queue does not know what a capture is: `post` (the kinds table, in captures.ts) does.
 * Writes are serialized within the service worker, and a capture is in flight at most once.
 */
import type { CaptureBody, CaptureKind, CaptureResult } from "./capture-kinds";
import { CAPTURE_KINDS, kindSpec } from "./capture-kinds";
import { type ErrorView, ExtensionError, errorView, fromView } from "./errors";
import {
  captureQueueItem,
  type QueuedCapture,
  type QueuedCaptureOf,
  readStoredQueue,
  UNSUPPORTED_CAPTURE,
} from "./storage";

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

/** Where one capture stands after an attempt: landed, queued for a retry, or refused. */
export type CaptureOutcome =
  | { state: "saved"; result: CaptureResult }
  | { state: "queued"; captureId: string; error: ErrorView; nextAttemptAt: number }
  | { state: "failed"; captureId: string; error: ErrorView };

export interface Settlement {
  capture: QueuedCapture;
  outcome: CaptureOutcome;
}

/**
 * Why a capture waits without being tried: another account queued it, or it was queued for
 * another API address. It goes once that account is signed in there again.
 */
export const OTHER_ACCOUNT = "OTHER_ACCOUNT";
export const OTHER_API = "OTHER_API";

/** One attempt at the API: answers what landed, or throws (an ExtensionError says why). */
export type Post = (capture: QueuedCapture) => Promise<CaptureResult>;

let chain: Promise<unknown> = Promise.resolve();
/** Read-modify-write of the queue, one at a time. */
function updateQueue<T>(change: (queue: QueuedCapture[]) => { queue: QueuedCapture[]; value: T }) {
  const next = chain.then(async () => {
    const { queue, value } = change(await readQueue());
    await captureQueueItem.setValue(queue);
    return value;
  });
  chain = next.catch(() => undefined);
  return next;
}

/** The queue, each entry read defensively (see readCapture): never throws on what is stored. */
export async function readQueue(): Promise<QueuedCapture[]> {
  return readStoredQueue(await captureQueueItem.getValue());
}

/**
 * Whether a capture of `subject` (a video, an email) waits in the queue for `userId`. Another
 * account's capture of the same thing is theirs: it does not make this one "Queued".
 */
export async function isQueuedFor(subject: string, userId: string): Promise<boolean> {
  return (await readQueue()).some(
    (entry) =>
      entry.state === "pending" &&
      entry.subject === subject &&
      (!entry.queuedBy || entry.queuedBy.userId === userId),
  );
}

/** When the earliest pending capture is next due, or null when none is pending. */
export async function nextAttemptAt(): Promise<number | null> {
  const pending = (await readQueue()).filter((capture) => capture.state === "pending");
  return pending.length ? Math.min(...pending.map((capture) => capture.nextAttemptAt)) : null;
}

/** Step 1: stores a capture, due now, before anything is sent. */
export function enqueue<K extends CaptureKind>(
  kind: K,
  body: CaptureBody<K>,
  workspaceId: string,
  options: Pick<QueuedCaptureOf<K>, "tabId" | "queuedBy" | "apiOrigin"> & { now?: number } = {},
): Promise<QueuedCaptureOf<K>> {
  const now = options.now ?? Date.now();
  const spec = kindSpec(kind);
  const capture: QueuedCaptureOf<K> = {
    id: crypto.randomUUID(),
    kind,
    idempotencyKey: crypto.randomUUID(),
    workspaceId,
    body,
    title: spec.title(body),
    subject: spec.subject(body),
    createdAt: now,
    attempts: 0,
    nextAttemptAt: now,
    state: "pending",
    ...(options.tabId !== undefined ? { tabId: options.tabId } : {}),
    ...(options.queuedBy ? { queuedBy: options.queuedBy } : {}),
    ...(options.apiOrigin ? { apiOrigin: options.apiOrigin } : {}),
  };
  return updateQueue((queue) => ({ queue: [...queue, capture as QueuedCapture], value: capture }));
}

export function discard(captureId: string) {
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

/**
 * Step 3: writes an attempt's result back and answers the capture's outcome. Landed captures
 * leave the queue; retryable failures (no answer, 5xx, 429, no session, another account's or
 * API's capture) are rescheduled with backoff; other 4xx answers, and a kind this version cannot
 * send, are kept as failed, for the creator to see, and not retried.
 */
function settle(
  capture: QueuedCapture,
  attempt: { result: CaptureResult } | { error: unknown },
  now: number,
): Promise<Settlement> {
  if ("result" in attempt) {
    return updateQueue((queue) => ({
      queue: queue.filter((queued) => queued.id !== capture.id),
      value: { capture, outcome: { state: "saved", result: attempt.result } },
    }));
  }
  const failure =
    attempt.error instanceof ExtensionError
      ? attempt.error
      : new ExtensionError("UNKNOWN", "The capture could not be sent");
  const error = errorView(failure);
  const retryAt = now + retryDelay(capture.attempts + 1, failure.extras.retryAfterSeconds);
  const outcome: CaptureOutcome =
    failure.retryable && failure.code !== UNSUPPORTED_CAPTURE.code
      ? { state: "queued", captureId: capture.id, error, nextAttemptAt: retryAt }
      : { state: "failed", captureId: capture.id, error };
  return updateQueue((queue) => ({
    queue: queue.map((queued) =>
      queued.id !== capture.id
        ? queued
        : {
            ...queued,
            attempts: queued.attempts + 1,
            lastError: error,
            ...(outcome.state === "queued"
              ? { state: "pending" as const, nextAttemptAt: retryAt }
              : { state: "failed" as const }),
          },
    ),
    value: { capture, outcome },
  }));
}

const inFlight = new Map<string, Promise<Settlement>>();

/**
 * Step 2: one attempt at sending `capture`, settled; answers its outcome. A capture already in
 * flight is not sent again: this joins that attempt and answers its outcome.
 */
export function send(capture: QueuedCapture, post: Post, now = Date.now): Promise<Settlement> {
  const flying = inFlight.get(capture.id);
  if (flying) return flying;
  // A kind with no row in this version's table (a newer version's) is never posted.
  const posted = Object.hasOwn(CAPTURE_KINDS, capture.kind)
    ? post(capture)
    : Promise.reject(fromView(UNSUPPORTED_CAPTURE));
  const attempt = posted.then(
    (result) => settle(capture, { result }, now()),
    (error: unknown) => settle(capture, { error }, now()),
  );
  const tracked = attempt.finally(() => inFlight.delete(capture.id));
  inFlight.set(capture.id, tracked);
  return tracked;
}

/**
 * Sends one capture if it is still due: it is read again in the queue's write order (so a
 * discard or a settlement that came first is seen) and its send starts in that same step (so no
 * other pass can claim it in between). Answers its settlement, or undefined when it is gone, no
 * longer pending or due, or already in flight (whoever sent it reports it).
 */
function sendIfDue(
  captureId: string,
  post: Post,
  now: () => number,
): Promise<Settlement | undefined> {
  const claimed = chain.then(async () => {
    const capture = (await readQueue()).find((queued) => queued.id === captureId);
    const due = capture?.state === "pending" && capture.nextAttemptAt <= now();
    if (!capture || !due || inFlight.has(capture.id)) return undefined;
    // Wrapped: the queue's chain must not wait for the send (its settlement writes through it).
    return { sending: send(capture, post, now) };
  });
  chain = claimed.catch(() => undefined);
  return claimed.then((claim) => claim?.sending);
}

export interface DueOutcome {
  /** The captures sent this time, each with its outcome. */
  settled: Settlement[];
  /** When the earliest pending capture is next due, or null when none is pending. */
  nextAttemptAt: number | null;
}

/**
 * Sends every due pending capture once, in the order they were captured; each is checked again
 * just before it is sent (discarded, landed or sent by another pass meanwhile: skipped). When
 * the API turns out to be unreachable (no answer at all), the rest wait for the same retry,
 * untried; any other failure is that capture's own.
 */
export async function sendDue(post: Post, now: () => number = Date.now): Promise<DueOutcome> {
  const due = (await readQueue()).filter(
    (capture) =>
      capture.state === "pending" && capture.nextAttemptAt <= now() && !inFlight.has(capture.id),
  );
  const settled: Settlement[] = [];
  let unreachableUntil: number | null = null;
  for (const capture of due) {
    if (unreachableUntil !== null) {
      const retryAt = unreachableUntil;
      await updateQueue((queue) => ({
        queue: queue.map((queued) =>
          queued.id === capture.id ? { ...queued, nextAttemptAt: retryAt } : queued,
        ),
        value: undefined,
      }));
      continue;
    }
    const settlement = await sendIfDue(capture.id, post, now);
    if (!settlement) continue;
    settled.push(settlement);
    const { outcome } = settlement;
    if (outcome.state === "queued" && outcome.error.code === "OFFLINE") {
      unreachableUntil = outcome.nextAttemptAt;
    }
  }
  return { settled, nextAttemptAt: await nextAttemptAt() };
}
