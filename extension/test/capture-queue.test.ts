import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import type { CreateContentInput } from "../../shared/content";
import {
  discardCapture,
  enqueueCapture,
  FIRST_RETRY_MS,
  MAX_RETRY_MS,
  makeDue,
  readQueue,
  retryDelay,
  sendDueCaptures,
} from "../lib/capture-queue";
import { ExtensionError } from "../lib/errors";
import type { ContentItem } from "../lib/protocol";
import type { QueuedCapture } from "../lib/storage";

const T0 = 1_700_000_000_000;
const video = (videoId: string): CreateContentInput => ({
  title: `Video ${videoId}`,
  source: { kind: "youtube", videoId, url: `https://www.youtube.com/watch?v=${videoId}` },
});

/**
 * A stand-in for POST /api/content with the API's idempotency behaviour: a repeated key gets
 * the first answer back. `lose` drops the answer after the item was saved (a cut connection).
 */
function fakeApi() {
  const items = new Map<string, ContentItem>();
  const state = { down: false, lose: 0, refuse: null as ExtensionError | null, calls: 0 };
  const send = async (capture: QueuedCapture): Promise<ContentItem> => {
    state.calls++;
    if (state.down) throw new ExtensionError("OFFLINE", "unreachable", 0);
    if (state.refuse) throw state.refuse;
    let item = items.get(capture.idempotencyKey);
    if (!item) {
      item = { id: `cnt_${items.size + 1}`, title: capture.body.title } as ContentItem;
      items.set(capture.idempotencyKey, item);
    }
    if (state.lose > 0) {
      state.lose--;
      throw new ExtensionError("OFFLINE", "connection dropped", 0);
    }
    return item;
  };
  return { items, state, send };
}

beforeEach(() => {
  fakeBrowser.reset();
});

describe("retryDelay", () => {
  it("doubles from the first retry, with ±20% jitter, up to the cap", () => {
    const mid = () => 0.5;
    expect(retryDelay(1, undefined, mid)).toBe(FIRST_RETRY_MS);
    expect(retryDelay(2, undefined, mid)).toBe(FIRST_RETRY_MS * 2);
    expect(retryDelay(5, undefined, mid)).toBe(FIRST_RETRY_MS * 16);
    expect(retryDelay(50, undefined, mid)).toBe(MAX_RETRY_MS);
    expect(retryDelay(1, undefined, () => 0)).toBe(FIRST_RETRY_MS * 0.8);
    expect(retryDelay(1, undefined, () => 1)).toBe(FIRST_RETRY_MS * 1.2);
  });

  it("never retries sooner than the API's Retry-After", () => {
    expect(retryDelay(1, 600, () => 0.5)).toBe(600_000);
    expect(retryDelay(3, 1, () => 0.5)).toBe(FIRST_RETRY_MS * 4);
  });
});

describe("capture queue", () => {
  it("stores a capture before any attempt, with its own idempotency key", async () => {
    const first = await enqueueCapture(video("aaaaaaaaaaa"), "ws_1", { now: T0, tabId: 7 });
    const second = await enqueueCapture(video("bbbbbbbbbbb"), "ws_1", { now: T0 });
    expect(first.idempotencyKey).not.toBe(second.idempotencyKey);
    const stored = await fakeBrowser.storage.local.get("captureQueue");
    expect(stored.captureQueue).toEqual([first, second]);
    expect(first).toMatchObject({ state: "pending", attempts: 0, nextAttemptAt: T0, tabId: 7 });
  });

  it("sends due captures and removes each once it lands", async () => {
    const api = fakeApi();
    await enqueueCapture(video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    await enqueueCapture(video("bbbbbbbbbbb"), "ws_1", { now: T0 });
    const outcome = await sendDueCaptures(api.send, () => T0);
    expect(outcome.landed.map((landed) => landed.item.title)).toEqual([
      "Video aaaaaaaaaaa",
      "Video bbbbbbbbbbb",
    ]);
    expect(outcome.nextAttemptAt).toBeNull();
    expect(await readQueue()).toEqual([]);
  });

  it("keeps a capture while the API is down and reschedules it with backoff", async () => {
    const api = fakeApi();
    api.state.down = true;
    await enqueueCapture(video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    const outcome = await sendDueCaptures(api.send, () => T0);
    expect(outcome.landed).toEqual([]);
    const [queued] = await readQueue();
    expect(queued).toMatchObject({ state: "pending", attempts: 1, lastError: { code: "OFFLINE" } });
    expect(queued?.nextAttemptAt).toBeGreaterThanOrEqual(T0 + FIRST_RETRY_MS * 0.8);
    expect(queued?.nextAttemptAt).toBeLessThanOrEqual(T0 + FIRST_RETRY_MS * 1.2);
    expect(outcome.nextAttemptAt).toBe(queued?.nextAttemptAt);

    // Not due yet: nothing is sent.
    expect((await sendDueCaptures(api.send, () => T0 + 1000)).landed).toEqual([]);
    expect(api.state.calls).toBe(1);

    // The second failure waits about twice as long.
    const due = queued?.nextAttemptAt ?? 0;
    await sendDueCaptures(api.send, () => due);
    const [again] = await readQueue();
    expect(again?.attempts).toBe(2);
    expect(again?.nextAttemptAt).toBeGreaterThanOrEqual(due + FIRST_RETRY_MS * 2 * 0.8);
  });

  it("tries one capture while the API is unreachable and postpones the rest untried", async () => {
    const api = fakeApi();
    api.state.down = true;
    for (const id of ["aaaaaaaaaaa", "bbbbbbbbbbb", "ccccccccccc"]) {
      await enqueueCapture(video(id), "ws_1", { now: T0 });
    }
    const outcome = await sendDueCaptures(api.send, () => T0);
    expect(api.state.calls).toBe(1);
    const queue = await readQueue();
    expect(queue.map((capture) => capture.attempts)).toEqual([1, 0, 0]);
    expect(new Set(queue.map((capture) => capture.nextAttemptAt)).size).toBe(1);
    expect(outcome.nextAttemptAt).toBeGreaterThan(T0);
  });

  it("survives a restart: what was queued is sent by the next service worker", async () => {
    const api = fakeApi();
    api.state.down = true;
    await enqueueCapture(video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    await sendDueCaptures(api.send, () => T0);

    // A restart loses memory, not chrome.storage.local: load the module afresh over the same storage.
    const disk = await fakeBrowser.storage.local.get();
    vi.resetModules();
    const { fakeBrowser: restarted } = await import("wxt/testing/fake-browser");
    restarted.reset();
    await restarted.storage.local.set(disk);
    const fresh = await import("../lib/capture-queue");
    api.state.down = false;
    const outcome = await fresh.sendDueCaptures(api.send, () => T0 + MAX_RETRY_MS);
    expect(outcome.landed).toHaveLength(1);
    expect(await fresh.readQueue()).toEqual([]);
    expect(api.items.size).toBe(1);
  });

  it("lands exactly once when the answer is lost after the API saved it", async () => {
    const api = fakeApi();
    api.state.lose = 1;
    await enqueueCapture(video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    await sendDueCaptures(api.send, () => T0);
    expect(await readQueue()).toHaveLength(1);
    expect(api.items.size).toBe(1);

    const outcome = await sendDueCaptures(api.send, () => T0 + MAX_RETRY_MS);
    expect(outcome.landed[0]?.item.id).toBe("cnt_1");
    expect(api.items.size).toBe(1);
    expect(await readQueue()).toEqual([]);
  });

  it("never sends one capture twice at once (an alarm and a new capture racing)", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const slowSend = async (capture: QueuedCapture) => {
      calls++;
      await gate;
      return { id: "cnt_1", title: capture.body.title } as ContentItem;
    };
    await enqueueCapture(video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    const first = sendDueCaptures(slowSend, () => T0);
    const second = sendDueCaptures(slowSend, () => T0);
    release();
    const outcomes = await Promise.all([first, second]);
    expect(calls).toBe(1);
    expect(outcomes.flatMap((outcome) => outcome.landed)).toHaveLength(1);
  });

  it("keeps a capture made while signed out until the creator signs in again", async () => {
    const api = fakeApi();
    api.state.refuse = new ExtensionError("SIGNED_OUT", "Your session ended", 401);
    await enqueueCapture(video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    await sendDueCaptures(api.send, () => T0);
    expect((await readQueue())[0]).toMatchObject({ state: "pending", attempts: 1 });
  });

  it("retries a 429 no sooner than Retry-After", async () => {
    const api = fakeApi();
    api.state.refuse = new ExtensionError("RATE_LIMITED", "slow down", 429, {
      retryAfterSeconds: 300,
    });
    await enqueueCapture(video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    await sendDueCaptures(api.send, () => T0);
    const [queued] = await readQueue();
    expect(queued?.state).toBe("pending");
    expect(queued?.nextAttemptAt).toBeGreaterThanOrEqual(T0 + 300_000);
  });

  it("keeps a refused capture (4xx) as failed, shown and not retried, until retried or discarded", async () => {
    const api = fakeApi();
    api.state.refuse = new ExtensionError("VALIDATION_ERROR", "Title is too long", 400);
    const capture = await enqueueCapture(video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    const outcome = await sendDueCaptures(api.send, () => T0);
    expect(outcome.nextAttemptAt).toBeNull();
    const [failed] = await readQueue();
    expect(failed).toMatchObject({
      state: "failed",
      lastError: { code: "VALIDATION_ERROR", message: "Title is too long", status: 400 },
    });

    await sendDueCaptures(api.send, () => T0 + MAX_RETRY_MS * 10);
    expect(api.state.calls).toBe(1);

    // A sign-in wakes only pending captures; "Retry now" gives a refused one another go.
    await makeDue({ now: T0 + 1 });
    expect((await readQueue())[0]?.state).toBe("failed");
    api.state.refuse = null;
    await makeDue({ refusedToo: true, now: T0 + 1 });
    expect((await sendDueCaptures(api.send, () => T0 + 1)).landed).toHaveLength(1);

    const other = await enqueueCapture(video("bbbbbbbbbbb"), "ws_1", { now: T0 });
    expect(await discardCapture(other.id)).toEqual([]);
    expect(capture.id).not.toBe(other.id);
  });
});
