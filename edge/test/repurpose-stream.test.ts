/**
 * Streamed repurposing (`Accept: text/event-stream`, the events of shared/repurpose-stream.ts):
 * one `progress`, `text` events that each name a platform of the request and join, per
 * platform, into that platform's text, then `done` or an `error` that carries the status the
 * JSON form would answer and the response's request id. A client that disconnects leaves
 * either nothing (refunded) or the whole set, never a charge without variants.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { PlatformId } from "../../shared/platforms";
import { signUp } from "./helpers";
import {
  ALL,
  aiRequests,
  cleanUpAfterTest,
  createItem,
  drainAiBucket,
  FREE,
  fakeOpenAi,
  MODEL_VARIANTS,
  nextMonth,
  openAiError,
  parseSse,
  repurpose,
  setCreditsUsed,
  sleep,
  streamRepurpose,
  textByPlatform,
  usage,
  useOpenAiProvider,
  variantsOf,
} from "./repurpose-helpers";

afterEach(cleanUpAfterTest);

/** The `error` event's data, checked against the response it arrived in. */
function expectErrorEvent(res: Response, data: any, status: number, code: string) {
  expect(data).toMatchObject({ success: false, status, error: { code } });
  expect(typeof data.error.message).toBe("string");
  const requestId = res.headers.get("X-Request-Id");
  expect(requestId).toBeTruthy();
  expect(data.error.requestId).toBe(requestId);
}

describe("streaming (Accept: text/event-stream) with the offline provider", () => {
  it("streams progress, text per platform, then done with the saved variants, for free", async () => {
    const user = await signUp("sse");
    const id = await createItem(user);
    const platforms: PlatformId[] = ["x", "linkedin", "tiktok"];
    const res = await streamRepurpose(user, id, { platforms });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");

    const events = parseSse(await res.text());
    expect(events[0]?.event).toBe("progress");
    expect(events[0]?.data).toEqual({ stage: "started", platforms });
    const text = events.filter((event) => event.event === "text");
    expect(text.length).toBeGreaterThan(3);
    expect(events.slice(1, -1).every((event) => event.event === "text")).toBe(true);
    const done = events.at(-1);
    expect(done?.event).toBe("done");
    expect(done?.data.success).toBe(true);
    expect(done?.data.data).toMatchObject({ provider: "offline", credits: 0, cached: false });
    const variants = done?.data.data.variants;
    expect(variants.map((variant: any) => variant.platform)).toEqual(platforms);

    // Every text event names a platform of the request; joined per platform, the pieces are
    // exactly that platform's variant, platform by platform in the order asked.
    for (const event of text) {
      expect(platforms).toContain(event.data.platform);
      expect(typeof event.data.delta).toBe("string");
    }
    const joined = textByPlatform(events);
    expect([...joined.keys()]).toEqual(platforms);
    for (const variant of variants) expect(joined.get(variant.platform)).toBe(variant.body);

    const saved = await variantsOf(user, id);
    expect(saved.map((variant) => variant.id).sort()).toEqual(
      variants.map((variant: any) => variant.id).sort(),
    );
    expect((await usage(user)).creditsUsed).toBe(0);
    expect(
      (await aiRequests(user.workspaceId)).map((row) => [
        row.provider,
        row.credits,
        row.cost_micros,
      ]),
    ).toEqual([["offline", 0, 0]]);
  });

  it("rate limited: an error event with status 429, RATE_LIMITED and the request id", async () => {
    const user = await signUp("sse-rate");
    const id = await createItem(user);
    await drainAiBucket(user.workspaceId);
    const res = await streamRepurpose(user, id, { platforms: ["x"] });
    const events = parseSse(await res.text());
    expect(events.map((event) => event.event)).toEqual(["progress", "error"]);
    expectErrorEvent(res, events.at(-1)?.data, 429, "RATE_LIMITED");
    expect(await variantsOf(user, id)).toEqual([]);
  });

  it("a cached run streams done straight away", async () => {
    const user = await signUp("sse-cache");
    const id = await createItem(user);
    expect((await repurpose(user, id, { platforms: ["x"] })).status).toBe(200);
    const events = parseSse(await (await streamRepurpose(user, id, { platforms: ["x"] })).text());
    expect(events.map((event) => event.event)).toEqual(["progress", "done"]);
    expect(events[1]?.data.data).toMatchObject({ cached: true, credits: 0 });
  });

  it("a client that disconnects never leaves half-saved variants, and an offline run charges nothing either way", async () => {
    const user = await signUp("sse-disconnect");
    const id = await createItem(user);
    const controller = new AbortController();
    const res = await streamRepurpose(user, id, { platforms: ALL }, controller.signal);
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(first?.done).toBe(false);
    controller.abort();
    await reader?.cancel().catch(() => {});

    // Wait for the run to settle (it records ok or error), or give up after a while: an abort
    // before any AI work leaves no record at all.
    for (let i = 0; i < 40; i++) {
      if ((await aiRequests(user.workspaceId)).length > 0) break;
      await sleep(50);
    }
    await sleep(100);
    const saved = await variantsOf(user, id);
    const rows = await aiRequests(user.workspaceId);
    const summary = await usage(user);
    // All or nothing: with the offline provider the run may well finish before the abort lands.
    expect(summary.creditsUsed).toBe(0);
    if (saved.length === 0) {
      expect(rows.filter((row) => row.status === "ok")).toEqual([]);
    } else {
      expect(saved.map((variant) => variant.platform).sort()).toEqual([...ALL].sort());
      const ok = rows.filter((row) => row.status === "ok");
      expect(ok).toHaveLength(1);
      expect(ok[0]).toMatchObject({ provider: "offline", credits: 0, cost_micros: 0 });
    }
  });
});

describe("streaming with the paid OpenAI-compatible provider (OpenAI streams, faked at fetch)", () => {
  it("each text event names its platform and joins to exactly the model's text; charged per platform", async () => {
    const user = await signUp("sse-openai");
    const id = await createItem(user);
    useOpenAiProvider();
    const openAi = fakeOpenAi();
    const platforms: PlatformId[] = ["x", "linkedin", "tiktok"];

    const res = await streamRepurpose(user, id, { platforms });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(openAi.requests).toHaveLength(1);
    expect(openAi.requests[0]?.stream).toBe(true);
    expect(openAi.requests[0]?.body.stream_options).toEqual({ include_usage: true });

    expect(events[0]?.event).toBe("progress");
    expect(events.slice(1, -1).every((event) => event.event === "text")).toBe(true);
    const text = events.filter((event) => event.event === "text");
    expect(text.length).toBeGreaterThan(platforms.length);
    for (const event of text) expect(platforms).toContain(event.data.platform);
    const joined = textByPlatform(events);
    expect([...joined.keys()]).toEqual(platforms);
    for (const platform of platforms) {
      expect(joined.get(platform), platform).toBe(MODEL_VARIANTS[platform].body);
    }
    // Platform by platform: all of x's text arrives before linkedin's, and linkedin's before tiktok's.
    const order = text.map((event) => event.data.platform);
    expect(order.lastIndexOf("x")).toBeLessThan(order.indexOf("linkedin"));
    expect(order.lastIndexOf("linkedin")).toBeLessThan(order.indexOf("tiktok"));

    const done = events.at(-1);
    expect(done?.event).toBe("done");
    expect(done?.data.data).toMatchObject({
      provider: "openai-compatible",
      credits: platforms.length,
      cached: false,
    });
    expect(done?.data.data.variants.map((variant: any) => variant.body)).toEqual(
      platforms.map((platform) => MODEL_VARIANTS[platform].body),
    );
    expect(await variantsOf(user, id)).toHaveLength(platforms.length);
    expect((await usage(user)).creditsUsed).toBe(platforms.length);
    expect((await aiRequests(user.workspaceId)).map((row) => [row.status, row.credits])).toEqual([
      ["ok", platforms.length],
    ]);
  });

  it("over quota: an error event with status 402, QUOTA_EXCEEDED, the reset date and the request id; nothing saved", async () => {
    const user = await signUp("sse-quota");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits);
    useOpenAiProvider();
    const openAi = fakeOpenAi();
    const res = await streamRepurpose(user, id, { platforms: ["x"] });
    const events = parseSse(await res.text());
    expect(events.map((event) => event.event)).toEqual(["progress", "error"]);
    expectErrorEvent(res, events[1]?.data, 402, "QUOTA_EXCEEDED");
    expect(events[1]?.data.error.details).toEqual({ resetsAt: nextMonth() });
    expect(openAi.requests).toEqual([]);
    expect(await variantsOf(user, id)).toEqual([]);
    expect((await usage(user)).creditsUsed).toBe(FREE.monthlyAiCredits);
  });

  it("rate limited: an error event with status 429 before anything is charged", async () => {
    const user = await signUp("sse-rate-openai");
    const id = await createItem(user);
    await drainAiBucket(user.workspaceId);
    useOpenAiProvider();
    const openAi = fakeOpenAi();
    const res = await streamRepurpose(user, id, { platforms: ["x", "linkedin"] });
    const events = parseSse(await res.text());
    expect(events.map((event) => event.event)).toEqual(["progress", "error"]);
    expectErrorEvent(res, events[1]?.data, 429, "RATE_LIMITED");
    expect(openAi.requests).toEqual([]);
    expect((await usage(user)).creditsUsed).toBe(0);
  });

  it("a failed provider call: an error event with status 502 AI_UNAVAILABLE, credits refunded", async () => {
    const user = await signUp("sse-openai-fail");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, 5);
    useOpenAiProvider();
    fakeOpenAi({
      answer: () =>
        openAiError(401, "Incorrect API key provided: sk-test.", "invalid_request_error"),
    });
    const res = await streamRepurpose(user, id, { platforms: ["x", "linkedin"] });
    const events = parseSse(await res.text());
    expect(events.map((event) => event.event)).toEqual(["progress", "error"]);
    expectErrorEvent(res, events[1]?.data, 502, "AI_UNAVAILABLE");
    // The JSON form answers the same status for the same failure.
    const json = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    expect(json.status).toBe(events[1]?.data.status);
    expect(json.body.error.code).toBe(events[1]?.data.error.code);
    expect((await usage(user)).creditsUsed).toBe(5);
    expect(await variantsOf(user, id)).toEqual([]);
  });

  it("a client that disconnects mid-answer leaves nothing (refunded) or the complete set, never a charge without variants", async () => {
    const user = await signUp("sse-openai-disconnect");
    const id = await createItem(user);
    useOpenAiProvider();
    // Half the answer arrives now, the rest 300 ms later (unless the request is aborted).
    fakeOpenAi({ pause: (pieces) => ({ after: Math.floor(pieces.length / 2), ms: 300 }) });

    const controller = new AbortController();
    const res = await streamRepurpose(
      user,
      id,
      { platforms: ["x", "linkedin"] },
      controller.signal,
    );
    const reader = res.body?.getReader();
    if (!reader) throw new Error("no body");
    const decoder = new TextDecoder();
    let seen = "";
    while (!seen.includes("event: text")) {
      const { done, value } = await reader.read();
      if (done) break;
      seen += decoder.decode(value, { stream: true });
    }
    expect(seen).toContain("event: text");
    // Charged while the model answers.
    expect((await usage(user)).creditsUsed).toBe(2);
    controller.abort();
    await reader.cancel().catch(() => {});

    // The run settles either way well within this wait: aborted (error recorded, credits
    // refunded) or finished (variants saved with their ok record).
    for (let i = 0; i < 40; i++) {
      if ((await aiRequests(user.workspaceId)).length > 0) break;
      await sleep(50);
    }
    const saved = await variantsOf(user, id);
    const rows = await aiRequests(user.workspaceId);
    const settled = {
      variants: saved.length,
      creditsUsed: (await usage(user)).creditsUsed,
      records: rows.map((row) => row.status),
    };
    expect(
      [
        { variants: 0, creditsUsed: 0, records: ["error"] },
        { variants: 2, creditsUsed: 2, records: ["ok"] },
      ],
      `settled as ${JSON.stringify(settled)}`,
    ).toContainEqual(settled);
  });
});
