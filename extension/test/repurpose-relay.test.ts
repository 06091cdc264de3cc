import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { parseRepurposeEvent } from "../../shared/repurpose-stream";
import type { RepurposeEvent } from "../lib/protocol";
import { relayRepurpose } from "../lib/repurpose-relay";
import { apiOriginItem, sessionItem, workspaceIdItem } from "../lib/storage";

/**
 * The background's side of a streamed repurpose, with the API faked at fetch: SSE events are
 * relayed to the panel's port, and a stream that breaks off always ends in an error event,
 * never in silence (the panel would spin forever).
 */
function fakePort() {
  const events: RepurposeEvent[] = [];
  const port = {
    name: "repurpose",
    postMessage: (event: RepurposeEvent) => events.push(event),
    onDisconnect: { addListener: () => {} },
  };
  return { port: port as never, events };
}

function sse(chunks: string[], { breakOff = false } = {}) {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      if (breakOff) controller.error(new TypeError("network error"));
      else controller.close();
    },
  });
  return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
}

const request = { contentId: "cnt_1", platforms: ["x" as const] };
const started =
  'event: progress\ndata: {"stage":"started","platforms":["x"]}\n\nevent: text\ndata: {"platform":"x","delta":"Hel"}\n\n';

beforeEach(async () => {
  fakeBrowser.reset();
  await apiOriginItem.setValue("http://api.test");
  await sessionItem.setValue({
    token: "tok",
    expiresAt: "2030-01-01T00:00:00.000Z",
    user: { id: "usr_1", email: "a@b.c", name: "A" },
  });
  await workspaceIdItem.setValue("ws_1");
});
afterEach(() => vi.restoreAllMocks());

describe("repurpose relay", () => {
  it("relays progress, text and the saved variants, with the token and workspace", async () => {
    const fetchSpy = vi
      .spyOn(globalThis, "fetch")
      .mockResolvedValue(
        sse([
          started,
          'event: done\ndata: {"success":true,"data":{"variants":[{"id":"var_1"}],"cached":false}}\n\n',
        ]),
      );
    const { port, events } = fakePort();
    await relayRepurpose(port, request);
    expect(events.map((event) => event.type)).toEqual(["progress", "text", "done"]);
    expect(events[0]).toEqual({ type: "progress", stage: "started", platforms: ["x"] });
    // Each piece of text names its platform: the panel shows progress per platform.
    expect(events[1]).toEqual({ type: "text", platform: "x", delta: "Hel" });
    const [url, init] = fetchSpy.mock.calls[0] ?? [];
    expect(String(url)).toBe("http://api.test/api/content/cnt_1/repurpose");
    const headers = new Headers((init as RequestInit).headers);
    expect(headers.get("Authorization")).toBe("Bearer tok");
    expect(headers.get("X-Workspace-Id")).toBe("ws_1");
    expect(headers.get("Accept")).toBe("text/event-stream");
  });

  it.each([
    ["ends without its last event", { breakOff: false }],
    ["breaks off mid-stream", { breakOff: true }],
  ])("ends in an error event when the stream %s", async (_case, options) => {
    vi.spyOn(globalThis, "fetch").mockResolvedValue(sse([started], options));
    const { port, events } = fakePort();
    await relayRepurpose(port, request);
    expect(events.at(-1)).toMatchObject({ type: "error", error: { code: "OFFLINE" } });
    expect(events.filter((event) => event.type === "error")).toHaveLength(1);
  });

  it("passes the API's own error on: quota before the stream, provider failure inside it", async () => {
    vi.spyOn(globalThis, "fetch").mockResolvedValueOnce(
      Response.json(
        { success: false, error: { code: "QUOTA_EXCEEDED", message: "Out of credits" } },
        { status: 402 },
      ),
    );
    const quota = fakePort();
    await relayRepurpose(quota.port, request);
    expect(quota.events).toEqual([
      { type: "error", error: expect.objectContaining({ code: "QUOTA_EXCEEDED", status: 402 }) },
    ]);

    vi.spyOn(globalThis, "fetch").mockResolvedValueOnce(
      sse([
        started,
        'event: error\ndata: {"success":false,"error":{"code":"AI_UNAVAILABLE","message":"Try later"}}\n\n',
      ]),
    );
    const failed = fakePort();
    await relayRepurpose(failed.port, request);
    expect(failed.events.at(-1)).toMatchObject({
      type: "error",
      error: { code: "AI_UNAVAILABLE", message: "Try later" },
    });
  });

  it("takes an in-stream error's status from the event, with its details", async () => {
    vi.spyOn(globalThis, "fetch").mockResolvedValue(
      sse([
        started,
        'event: error\ndata: {"success":false,"status":402,"error":{"code":"QUOTA_EXCEEDED","message":"Out of credits","requestId":"req_1","details":{"resetsAt":"2026-12-01T00:00:00.000Z"}}}\n\n',
      ]),
    );
    const { port, events } = fakePort();
    await relayRepurpose(port, request);
    expect(events.at(-1)).toEqual({
      type: "error",
      error: {
        code: "QUOTA_EXCEEDED",
        message: "Out of credits",
        status: 402,
        details: { resetsAt: "2026-12-01T00:00:00.000Z" },
      },
    });

    vi.spyOn(globalThis, "fetch").mockResolvedValue(
      sse([
        started,
        'event: error\ndata: {"success":false,"status":504,"error":{"code":"AI_UNAVAILABLE","message":"Timed out"}}\n\n',
      ]),
    );
    const timedOut = fakePort();
    await relayRepurpose(timedOut.port, request);
    expect(timedOut.events.at(-1)).toMatchObject({
      type: "error",
      error: { code: "AI_UNAVAILABLE", status: 504 },
    });
  });

  it("passes on only what was asked for: text for other platforms is dropped", async () => {
    vi.spyOn(globalThis, "fetch").mockResolvedValue(
      sse([
        'event: progress\ndata: {"stage":"started","platforms":["x","mastodon"]}\n\n',
        'event: text\ndata: {"platform":"linkedin","delta":"Not asked"}\n\n',
        'event: text\ndata: {"platform":"mastodon","delta":"Unknown"}\n\n',
        'event: text\ndata: {"platform":"x","delta":"Asked"}\n\n',
        'event: done\ndata: {"success":true,"data":{"variants":[],"cached":false}}\n\n',
      ]),
    );
    const { port, events } = fakePort();
    await relayRepurpose(port, request);
    expect(events).toEqual([
      { type: "progress", stage: "started", platforms: ["x"] },
      { type: "text", platform: "x", delta: "Asked" },
      { type: "done", outcome: { variants: [], cached: false } },
    ]);
  });

  it("ends in an error when the run says it is done but sends no variants", async () => {
    for (const done of ['{"success":true}', '{"success":true,"data":{"cached":false}}']) {
      vi.spyOn(globalThis, "fetch").mockResolvedValue(
        sse([started, `event: done\ndata: ${done}\n\n`]),
      );
      const { port, events } = fakePort();
      await relayRepurpose(port, request);
      expect(events.map((event) => event.type)).toEqual(["progress", "text", "error"]);
    }
  });

  it("skips a malformed line and keeps reading the run", async () => {
    vi.spyOn(globalThis, "fetch").mockResolvedValue(
      sse([
        started,
        "event: text\ndata: {not json\n\n",
        "event: text\ndata: null\n\n",
        'event: text\ndata: {"platform":"x","delta":"lo"}\n\n',
        'event: done\ndata: {"success":true,"data":{"variants":[{"id":"var_1"}],"cached":false}}\n\n',
      ]),
    );
    const { port, events } = fakePort();
    await relayRepurpose(port, request);
    expect(events.map((event) => event.type)).toEqual(["progress", "text", "text", "done"]);
    expect(parseRepurposeEvent("text", "{not json")).toBeUndefined();
  });

  it("asks the creator to sign in when there is no session, without calling the API", async () => {
    await sessionItem.setValue(null);
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const { port, events } = fakePort();
    await relayRepurpose(port, request);
    expect(events).toEqual([
      { type: "error", error: expect.objectContaining({ code: "SIGNED_OUT" }) },
    ]);
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
