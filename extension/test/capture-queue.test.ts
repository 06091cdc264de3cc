import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import type { CreateContentInput } from "../../shared/content";
import { errorWords } from "../../shared/view/error-words";
import { CAPTURE_KINDS, type CaptureResult } from "../lib/capture-kinds";
import {
  type DueOutcome,
  discard,
  enqueue,
  FIRST_RETRY_MS,
  MAX_RETRY_MS,
  makeDue,
  readQueue,
  retryDelay,
  send,
  sendDue,
} from "../lib/capture-queue";
import { capture, post } from "../lib/captures";
import { ExtensionError } from "../lib/errors";
import { apiOriginItem, type QueuedCapture, sessionItem, workspaceIdItem } from "../lib/storage";

const T0 = 1_700_000_000_000;
const video = (videoId: string): CreateContentInput => ({
  title: `Video ${videoId}`,
  source: { kind: "youtube", videoId, url: `https://www.youtube.com/watch?v=${videoId}` },
});

/** What landed in one pass, in order. */
const landed = (outcome: DueOutcome): CaptureResult[] =>
  outcome.settled.flatMap(({ outcome: settled }) =>
    settled.state === "saved" ? [settled.result] : [],
  );

/**
 * A stand-in for a capture's route (POST /api/content) with the API's idempotency behaviour: a
 * repeated key gets the first answer back. `lose` drops the answer after the item was saved (a
 * cut connection).
 */
function fakeApi() {
  const items = new Map<string, CaptureResult>();
  const state = { down: false, lose: 0, refuse: null as ExtensionError | null, calls: 0 };
  const post = async (capture: QueuedCapture): Promise<CaptureResult> => {
    state.calls++;
    if (state.down) throw new ExtensionError("OFFLINE", "unreachable", 0);
    if (state.refuse) throw state.refuse;
    let item = items.get(capture.idempotencyKey);
    if (!item) {
      item = {
        kind: capture.kind,
        id: `cnt_${items.size + 1}`,
        title: (capture.body as { title: string }).title,
        subject: capture.subject,
      };
      items.set(capture.idempotencyKey, item);
    }
    if (state.lose > 0) {
      state.lose--;
      throw new ExtensionError("OFFLINE", "connection dropped", 0);
    }
    return item;
  };
  return { items, state, post };
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
    const first = await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0, tabId: 7 });
    const second = await enqueue("content", video("bbbbbbbbbbb"), "ws_1", { now: T0 });
    expect(first.idempotencyKey).not.toBe(second.idempotencyKey);
    const stored = await fakeBrowser.storage.local.get("captureQueue");
    expect(stored.captureQueue).toEqual([first, second]);
    expect(first).toMatchObject({ state: "pending", attempts: 0, nextAttemptAt: T0, tabId: 7 });
  });

  it("sends due captures and removes each once it lands", async () => {
    const api = fakeApi();
    await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    await enqueue("content", video("bbbbbbbbbbb"), "ws_1", { now: T0 });
    const outcome = await sendDue(api.post, () => T0);
    expect(landed(outcome).map((result) => result.title)).toEqual([
      "Video aaaaaaaaaaa",
      "Video bbbbbbbbbbb",
    ]);
    expect(outcome.nextAttemptAt).toBeNull();
    expect(await readQueue()).toEqual([]);
  });

  it("keeps a capture while the API is down and reschedules it with backoff", async () => {
    const api = fakeApi();
    api.state.down = true;
    await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    const outcome = await sendDue(api.post, () => T0);
    expect(landed(outcome)).toEqual([]);
    const [queued] = await readQueue();
    expect(queued).toMatchObject({ state: "pending", attempts: 1, lastError: { code: "OFFLINE" } });
    expect(queued?.nextAttemptAt).toBeGreaterThanOrEqual(T0 + FIRST_RETRY_MS * 0.8);
    expect(queued?.nextAttemptAt).toBeLessThanOrEqual(T0 + FIRST_RETRY_MS * 1.2);
    expect(outcome.nextAttemptAt).toBe(queued?.nextAttemptAt);

    // Not due yet: nothing is sent.
    expect(landed(await sendDue(api.post, () => T0 + 1000))).toEqual([]);
    expect(api.state.calls).toBe(1);

    // The second failure waits about twice as long.
    const due = queued?.nextAttemptAt ?? 0;
    await sendDue(api.post, () => due);
    const [again] = await readQueue();
    expect(again?.attempts).toBe(2);
    expect(again?.nextAttemptAt).toBeGreaterThanOrEqual(due + FIRST_RETRY_MS * 2 * 0.8);
  });

  it("tries one capture while the API is unreachable and postpones the rest untried", async () => {
    const api = fakeApi();
    api.state.down = true;
    for (const id of ["aaaaaaaaaaa", "bbbbbbbbbbb", "ccccccccccc"]) {
      await enqueue("content", video(id), "ws_1", { now: T0 });
    }
    const outcome = await sendDue(api.post, () => T0);
    expect(api.state.calls).toBe(1);
    const queue = await readQueue();
    expect(queue.map((capture) => capture.attempts)).toEqual([1, 0, 0]);
    expect(new Set(queue.map((capture) => capture.nextAttemptAt)).size).toBe(1);
    expect(outcome.nextAttemptAt).toBeGreaterThan(T0);
  });

  it("survives a restart: what was queued is sent by the next service worker", async () => {
    const api = fakeApi();
    api.state.down = true;
    await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    await sendDue(api.post, () => T0);

    // A restart loses memory, not chrome.storage.local: load the module afresh over the same storage.
    const disk = await fakeBrowser.storage.local.get();
    vi.resetModules();
    const { fakeBrowser: restarted } = await import("wxt/testing/fake-browser");
    restarted.reset();
    await restarted.storage.local.set(disk);
    const fresh = await import("../lib/capture-queue");
    api.state.down = false;
    const outcome = await fresh.sendDue(api.post, () => T0 + MAX_RETRY_MS);
    expect(landed(outcome)).toHaveLength(1);
    expect(await fresh.readQueue()).toEqual([]);
    expect(api.items.size).toBe(1);
  });

  it("lands exactly once when the answer is lost after the API saved it", async () => {
    const api = fakeApi();
    api.state.lose = 1;
    await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    await sendDue(api.post, () => T0);
    expect(await readQueue()).toHaveLength(1);
    expect(api.items.size).toBe(1);

    const outcome = await sendDue(api.post, () => T0 + MAX_RETRY_MS);
    expect(landed(outcome)[0]?.id).toBe("cnt_1");
    expect(api.items.size).toBe(1);
    expect(await readQueue()).toEqual([]);
  });

  it("never sends one capture twice at once (an alarm and a new capture racing)", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const slowPost = async (capture: QueuedCapture): Promise<CaptureResult> => {
      calls++;
      await gate;
      return {
        kind: "content",
        id: "cnt_1",
        title: (capture.body as { title: string }).title,
        subject: null,
      };
    };
    await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    const first = sendDue(slowPost, () => T0);
    const second = sendDue(slowPost, () => T0);
    release();
    const outcomes = await Promise.all([first, second]);
    expect(calls).toBe(1);
    expect(outcomes.flatMap(landed)).toHaveLength(1);
  });

  it("keeps a capture made while signed out until the creator signs in again", async () => {
    const api = fakeApi();
    api.state.refuse = new ExtensionError("SIGNED_OUT", "Your session ended", 401);
    await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    await sendDue(api.post, () => T0);
    expect((await readQueue())[0]).toMatchObject({ state: "pending", attempts: 1 });
  });

  it("retries a 429 no sooner than Retry-After", async () => {
    const api = fakeApi();
    api.state.refuse = new ExtensionError("RATE_LIMITED", "slow down", 429, {
      retryAfterSeconds: 300,
    });
    await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    await sendDue(api.post, () => T0);
    const [queued] = await readQueue();
    expect(queued?.state).toBe("pending");
    expect(queued?.nextAttemptAt).toBeGreaterThanOrEqual(T0 + 300_000);
  });

  it("keeps a refused capture (4xx) as failed, shown and not retried, until retried or discarded", async () => {
    const api = fakeApi();
    api.state.refuse = new ExtensionError("VALIDATION_ERROR", "Title is too long", 400);
    const capture = await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    const outcome = await sendDue(api.post, () => T0);
    expect(outcome.nextAttemptAt).toBeNull();
    const [failed] = await readQueue();
    expect(failed).toMatchObject({
      state: "failed",
      lastError: { code: "VALIDATION_ERROR", message: "Title is too long", status: 400 },
    });

    await sendDue(api.post, () => T0 + MAX_RETRY_MS * 10);
    expect(api.state.calls).toBe(1);

    // A sign-in wakes only pending captures; "Retry now" gives a refused one another go.
    await makeDue({ now: T0 + 1 });
    expect((await readQueue())[0]?.state).toBe("failed");
    api.state.refuse = null;
    await makeDue({ refusedToo: true, now: T0 + 1 });
    expect(landed(await sendDue(api.post, () => T0 + 1))).toHaveLength(1);

    const other = await enqueue("content", video("bbbbbbbbbbb"), "ws_1", { now: T0 });
    expect(await discard(other.id)).toEqual([]);
    expect(capture.id).not.toBe(other.id);
  });
});

describe("capture kinds", () => {
  it("names each capture's kind, what the pending list calls it and what it was taken from", async () => {
    const fromVideo = await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    expect(fromVideo).toMatchObject({
      kind: "content",
      title: "Video aaaaaaaaaaa",
      subject: "youtube:aaaaaaaaaaa",
    });
    const typed = await enqueue("content", { title: "A typed idea" }, "ws_1", { now: T0 });
    expect(typed).toMatchObject({ kind: "content", title: "A typed idea", subject: null });
    expect(CAPTURE_KINDS.content.path).toBe("/api/content");
  });

  it("answers a send with that capture's own settlement: saved, queued or failed", async () => {
    const api = fakeApi();
    const first = await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    const saved = await send(first, api.post, () => T0);
    expect(saved.outcome).toEqual({
      state: "saved",
      result: {
        kind: "content",
        id: "cnt_1",
        title: "Video aaaaaaaaaaa",
        subject: "youtube:aaaaaaaaaaa",
      },
    });

    api.state.down = true;
    const second = await enqueue("content", video("bbbbbbbbbbb"), "ws_1", { now: T0 });
    const queued = await send(second, api.post, () => T0);
    expect(queued.outcome).toMatchObject({
      state: "queued",
      captureId: second.id,
      error: { code: "OFFLINE", status: 0 },
    });
    const [waiting] = await readQueue();
    expect(queued.outcome.state === "queued" && queued.outcome.nextAttemptAt).toBe(
      waiting?.nextAttemptAt,
    );

    api.state.down = false;
    api.state.refuse = new ExtensionError("VALIDATION_ERROR", "Title is too long", 400);
    const third = await enqueue("content", video("ccccccccccc"), "ws_1", { now: T0 });
    expect((await send(third, api.post, () => T0)).outcome).toMatchObject({
      state: "failed",
      captureId: third.id,
      error: { code: "VALIDATION_ERROR" },
    });
  });

  it("joins a send already in flight instead of sending the capture twice", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const slowPost = async (capture: QueuedCapture): Promise<CaptureResult> => {
      calls++;
      await gate;
      return { kind: "content", id: "cnt_1", title: capture.title, subject: capture.subject };
    };
    const capture = await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    const first = send(capture, slowPost, () => T0);
    const second = send(capture, slowPost, () => T0);
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(calls).toBe(1);
    expect(b).toBe(a);
  });

  it("posts a content capture to its route, with its idempotency key, in its workspace", async () => {
    await apiOriginItem.setValue("http://api.test");
    await sessionItem.setValue(SESSION);
    const fetchSpy = vi
      .spyOn(globalThis, "fetch")
      .mockResolvedValue(Response.json(createdItem("cnt_7", "Video aaaaaaaaaaa"), { status: 201 }));
    const capture = await enqueue("content", video("aaaaaaaaaaa"), "ws_2", { now: T0 });
    expect(await post(capture)).toEqual({
      kind: "content",
      id: "cnt_7",
      title: "Video aaaaaaaaaaa",
      subject: "youtube:aaaaaaaaaaa",
    });
    const [url, init] = fetchSpy.mock.calls[0] ?? [];
    expect(String(url)).toBe(`http://api.test${CAPTURE_KINDS.content.path}`);
    const headers = new Headers((init as RequestInit).headers);
    expect(headers.get("Idempotency-Key")).toBe(capture.idempotencyKey);
    expect(headers.get("X-Workspace-Id")).toBe("ws_2");
    expect(JSON.parse(String((init as RequestInit).body))).toEqual(video("aaaaaaaaaaa"));
    fetchSpy.mockRestore();
  });
});

const SESSION = {
  token: "tok",
  expiresAt: "2030-01-01T00:00:00.000Z",
  user: { id: "usr_1", email: "a@b.c", name: "A" },
};

/** POST /api/content's answer for a new item. */
const createdItem = (id: string, title: string) => ({
  success: true,
  data: { id, title, body: null, notes: null, status: "idea", source: { kind: "youtube" } },
});

describe("a queue stored before capture kinds", () => {
  /** Exactly what the extension stored before kinds: no version, no kind, title or subject. */
  const oldShape = [
    {
      id: "cap_old_1",
      idempotencyKey: "key-old-00000001",
      workspaceId: "ws_1",
      body: {
        title: "Saved on the train",
        source: {
          kind: "youtube",
          videoId: "trainVideo1",
          url: "https://www.youtube.com/watch?v=trainVideo1",
        },
      },
      createdAt: T0,
      attempts: 2,
      nextAttemptAt: T0 + 60_000,
      state: "pending",
      lastError: { code: "OFFLINE", message: "unreachable", status: 0 },
      tabId: 7,
    },
    {
      id: "cap_old_2",
      idempotencyKey: "key-old-00000002",
      workspaceId: "ws_1",
      body: { title: "A typed idea", notes: "private" },
      createdAt: T0,
      attempts: 1,
      nextAttemptAt: T0,
      state: "failed",
      lastError: { code: "VALIDATION_ERROR", message: "Title is too long", status: 400 },
    },
  ];

  /** The extension updated over that storage: its modules load afresh and migrate it. */
  async function updateOver(stored: Record<string, unknown>) {
    vi.resetModules();
    const { fakeBrowser: updated } = await import("wxt/testing/fake-browser");
    updated.reset();
    await updated.storage.local.set(stored);
    return updated;
  }

  it("migrates each old capture to a content capture, keeping everything it had", async () => {
    const updated = await updateOver({ captureQueue: oldShape });
    const fresh = await import("../lib/capture-queue");
    const queue = await fresh.readQueue();
    expect(queue).toEqual([
      {
        ...oldShape[0],
        kind: "content",
        title: "Saved on the train",
        subject: "youtube:trainVideo1",
      },
      { ...oldShape[1], kind: "content", title: "A typed idea", subject: null },
    ]);
    // Written back once, with its version: the next start does not migrate again.
    const stored = await updated.storage.local.get(["captureQueue", "captureQueue$"]);
    expect(stored.captureQueue).toEqual(queue);
    expect(stored.captureQueue$).toEqual({ v: 2 });
  });

  it("delivers a migrated capture to the API, with the key it was first sent with", async () => {
    await updateOver({
      captureQueue: oldShape,
      apiOrigin: "http://api.test",
      session: SESSION,
    });
    const fetchSpy = vi
      .spyOn(globalThis, "fetch")
      .mockResolvedValue(
        Response.json(createdItem("cnt_1", "Saved on the train"), { status: 201 }),
      );
    const fresh = await import("../lib/capture-queue");
    const { post: freshPost } = await import("../lib/captures");
    const outcome = await fresh.sendDue(freshPost, () => T0 + MAX_RETRY_MS);

    expect(fetchSpy).toHaveBeenCalledTimes(1);
    const [url, init] = fetchSpy.mock.calls[0] ?? [];
    expect(String(url)).toBe("http://api.test/api/content");
    expect(new Headers((init as RequestInit).headers).get("Idempotency-Key")).toBe(
      "key-old-00000001",
    );
    expect(JSON.parse(String((init as RequestInit).body))).toEqual(oldShape[0]?.body);
    expect(landed(outcome)).toEqual([
      { kind: "content", id: "cnt_1", title: "Saved on the train", subject: "youtube:trainVideo1" },
    ]);
    // The refused one stays for the creator to see; the delivered one is gone.
    expect((await fresh.readQueue()).map((capture) => capture.id)).toEqual(["cap_old_2"]);
    fetchSpy.mockRestore();
  });
});

/** A capture as stored, whatever wrote it: for queues this version did not write itself. */
const stored = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  kind: "content",
  idempotencyKey: `key-${id}-0000`,
  workspaceId: "ws_1",
  body: { title: `Idea ${id}` },
  title: `Idea ${id}`,
  subject: null,
  createdAt: T0,
  attempts: 0,
  nextAttemptAt: T0,
  state: "pending",
  ...extra,
});

describe("a capture this version cannot send", () => {
  it("settles an unknown kind as failed, with words saying so, and sends the others at once", async () => {
    const api = fakeApi();
    await fakeBrowser.storage.local.set({
      captureQueue: [
        stored("cap_deal", { kind: "sponsor-email", body: { from: "brand@example.com" } }),
        stored("cap_a"),
        stored("cap_b"),
      ],
    });
    const outcome = await sendDue(api.post, () => T0);
    expect(landed(outcome).map((result) => result.title)).toEqual(["Idea cap_a", "Idea cap_b"]);
    expect(api.state.calls).toBe(2);
    const [kept] = await readQueue();
    expect(kept).toMatchObject({
      id: "cap_deal",
      state: "failed",
      lastError: { code: "UNSUPPORTED_CAPTURE" },
    });
    expect(errorWords(kept?.lastError ?? { code: "" })).toContain(
      "This version of CreatorOps can't send this kind of capture",
    );
    expect(outcome.nextAttemptAt).toBeNull();

    // "Retry now" gives it another go: still never posted, still failed, holding nobody back.
    await enqueue("content", video("ccccccccccc"), "ws_1", { now: T0 });
    await makeDue({ refusedToo: true, now: T0 });
    const again = await sendDue(api.post, () => T0);
    expect(landed(again)).toHaveLength(1);
    expect(api.state.calls).toBe(3);
    expect(await readQueue()).toMatchObject([{ id: "cap_deal", state: "failed" }]);
  });

  it("lets only a real network failure hold the others back", async () => {
    const api = fakeApi();
    const first = await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    await enqueue("content", video("bbbbbbbbbbb"), "ws_1", { now: T0 });
    // A failure with no HTTP status that is not "unreachable": that capture's own problem.
    const post = async (capture: QueuedCapture) => {
      if (capture.id === first.id) throw new TypeError("a bug in this capture's kind");
      return api.post(capture);
    };
    const outcome = await sendDue(post, () => T0);
    expect(landed(outcome).map((result) => result.title)).toEqual(["Video bbbbbbbbbbb"]);
    expect(await readQueue()).toMatchObject([{ id: first.id, attempts: 1 }]);
  });
});

describe("a discarded or racing capture", () => {
  /** A post whose answer for `id` waits until released. */
  function gatedPost(api: ReturnType<typeof fakeApi>, id: () => string) {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const posted: string[] = [];
    const post = async (capture: QueuedCapture) => {
      posted.push(capture.id);
      if (capture.id === id()) await gate;
      return api.post(capture);
    };
    return { post, posted, release };
  }

  it("does not send a capture discarded while a retry pass is under way", async () => {
    const api = fakeApi();
    const first = await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    const second = await enqueue("content", video("bbbbbbbbbbb"), "ws_1", { now: T0 });
    const gated = gatedPost(api, () => first.id);
    const pass = sendDue(gated.post, () => T0);
    await vi.waitFor(() => expect(gated.posted).toEqual([first.id]));
    await discard(second.id);
    gated.release();
    const outcome = await pass;
    expect(gated.posted).toEqual([first.id]);
    expect(landed(outcome)).toHaveLength(1);
    expect(await readQueue()).toEqual([]);
  });

  it("posts each capture once when two passes race, even after one has landed it", async () => {
    const api = fakeApi();
    const first = await enqueue("content", video("aaaaaaaaaaa"), "ws_1", { now: T0 });
    const second = await enqueue("content", video("bbbbbbbbbbb"), "ws_1", { now: T0 });
    const gated = gatedPost(api, () => first.id);
    // The first pass waits on the first capture; the second pass lands the second meanwhile.
    const slow = sendDue(gated.post, () => T0);
    await vi.waitFor(() => expect(gated.posted).toEqual([first.id]));
    const fast = await sendDue(gated.post, () => T0);
    expect(landed(fast).map((result) => result.title)).toEqual(["Video bbbbbbbbbbb"]);
    gated.release();
    const late = await slow;
    expect(landed(late).map((result) => result.title)).toEqual(["Video aaaaaaaaaaa"]);
    expect(gated.posted.filter((id) => id === second.id)).toHaveLength(1);
    expect(gated.posted).toHaveLength(2);
    expect(api.items.size).toBe(2);
  });
});

describe("who a capture is sent for", () => {
  const OTHER = {
    ...SESSION,
    token: "tok-other",
    user: { id: "usr_2", email: "sam@b.c", name: "" },
  };

  it("sends a capture only with its own account's token, at the address it was queued for", async () => {
    await apiOriginItem.setValue("http://api.test");
    await sessionItem.setValue(OTHER);
    let created = 0;
    const fetchSpy = vi
      .spyOn(globalThis, "fetch")
      .mockImplementation(async () =>
        Response.json(createdItem(`cnt_${++created}`, "Video"), { status: 201 }),
      );
    const capture = await enqueue("content", video("aaaaaaaaaaa"), "ws_1", {
      now: T0,
      queuedBy: { userId: "usr_1", email: "a@b.c" },
      apiOrigin: "http://api.test",
    });
    const theirs = await enqueue("content", video("bbbbbbbbbbb"), "ws_1", {
      now: T0,
      queuedBy: { userId: "usr_2", email: "sam@b.c" },
      apiOrigin: "http://api.test",
    });

    // Another account is signed in: its own capture goes, the first one waits, untried.
    const whileOther = await sendDue(post, () => T0);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(new Headers(fetchSpy.mock.calls[0]?.[1]?.headers).get("Authorization")).toBe(
      "Bearer tok-other",
    );
    expect(landed(whileOther).map((result) => result.id)).toEqual(["cnt_1"]);
    expect(await readQueue()).toMatchObject([
      { id: capture.id, state: "pending", lastError: { code: "OTHER_ACCOUNT" } },
    ]);
    expect(theirs.id).not.toBe(capture.id);

    // Its own account, at another address: it still waits.
    await sessionItem.setValue(SESSION);
    await apiOriginItem.setValue("http://elsewhere.test");
    await sendDue(post, () => T0 + MAX_RETRY_MS);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect((await readQueue())[0]).toMatchObject({ lastError: { code: "OTHER_API" } });

    // Its own account at its own address: sent with its own token.
    await apiOriginItem.setValue("http://api.test");
    expect(landed(await sendDue(post, () => T0 + MAX_RETRY_MS * 4))).toHaveLength(1);
    expect(fetchSpy).toHaveBeenCalledTimes(2);
    expect(new Headers(fetchSpy.mock.calls[1]?.[1]?.headers).get("Authorization")).toBe(
      "Bearer tok",
    );
    fetchSpy.mockRestore();
  });

  it("records who queued a new capture, in which workspace and for which address", async () => {
    await apiOriginItem.setValue("http://api.test");
    await sessionItem.setValue(SESSION);
    await workspaceIdItem.setValue("ws_2");
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("offline"));
    const outcome = await capture("content", video("aaaaaaaaaaa"));
    expect(outcome.state).toBe("queued");
    expect(await readQueue()).toMatchObject([
      {
        workspaceId: "ws_2",
        queuedBy: { userId: "usr_1", email: "a@b.c" },
        apiOrigin: "http://api.test",
      },
    ]);
    fetchSpy.mockRestore();
  });
});

describe("a queue this version did not write", () => {
  async function updateOver(stored: Record<string, unknown>) {
    vi.resetModules();
    const { fakeBrowser: updated } = await import("wxt/testing/fake-browser");
    updated.reset();
    await updated.storage.local.set(stored);
    return updated;
  }

  const v1 = (id: string, extra: Record<string, unknown> = {}) => {
    const { kind: _kind, title: _title, subject: _subject, ...entry } = stored(id, extra);
    return entry;
  };

  it("drops the entries it cannot read and migrates the rest", async () => {
    const updated = await updateOver({
      captureQueue: [null, "junk", 42, { id: "cap_nobody", workspaceId: "ws_1" }, v1("cap_ok")],
    });
    const fresh = await import("../lib/capture-queue");
    expect(await fresh.readQueue()).toEqual([
      { ...v1("cap_ok"), kind: "content", title: "Idea cap_ok", subject: null },
    ]);
    const migrated = await updated.storage.local.get(["captureQueue", "captureQueue$"]);
    expect(migrated.captureQueue$).toEqual({ v: 2 });
    expect(migrated.captureQueue).toHaveLength(1);
    const api = fakeApi();
    expect(landed(await fresh.sendDue(api.post, () => T0))).toHaveLength(1);
  });

  it("never throws on a malformed entry, however it got there", async () => {
    await updateOver({
      captureQueue: [null, stored("cap_ok"), { id: 7 }],
      captureQueue$: { v: 2 },
    });
    const fresh = await import("../lib/capture-queue");
    expect((await fresh.readQueue()).map((capture) => capture.id)).toEqual(["cap_ok"]);
    const api = fakeApi();
    expect(landed(await fresh.sendDue(api.post, () => T0))).toHaveLength(1);
  });

  it("fills in what an old entry lacks: pending, and due now", async () => {
    const { state: _state, nextAttemptAt: _next, ...bare } = v1("cap_bare");
    await updateOver({ captureQueue: [bare] });
    const fresh = await import("../lib/capture-queue");
    expect((await fresh.readQueue())[0]).toMatchObject({ state: "pending", attempts: 0 });
    const api = fakeApi();
    expect(landed(await fresh.sendDue(api.post, () => T0))).toHaveLength(1);
  });

  it("reads a newer version's queue entry by entry, and never sends a kind it does not know", async () => {
    await updateOver({
      captureQueue: [
        stored("cap_deal", { kind: "sponsor-email", body: { from: "brand@example.com" } }),
        stored("cap_ok", { priority: "high" }),
      ],
      captureQueue$: { v: 3 },
    });
    const fresh = await import("../lib/capture-queue");
    expect(await fresh.readQueue()).toMatchObject([
      { id: "cap_deal", state: "failed", lastError: { code: "UNSUPPORTED_CAPTURE" } },
      { id: "cap_ok", state: "pending", priority: "high" },
    ]);
    const api = fakeApi();
    const outcome = await fresh.sendDue(api.post, () => T0);
    expect(api.state.calls).toBe(1);
    expect(landed(outcome).map((result) => result.title)).toEqual(["Idea cap_ok"]);
  });
});
