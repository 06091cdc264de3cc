/**
 * The OpenAI-compatible provider against a fake OpenAI at the fetch boundary: every response
 * below has the shape the real Chat Completions API answers (objects, SSE chunks, errors).
 */
import OpenAI from "openai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PLATFORM_IDS, PLATFORM_RULES } from "../../shared/platforms";
import { type OpenAiCompatibleConfig, OpenAiCompatibleProvider } from "../ai/openai-compatible";
import { estimateCostMicros } from "../ai/pricing";
import type { RepurposeOptions, RepurposeSource } from "../ai/provider";
import { ApiError } from "../errors";

const BASE_URL = "https://api.openai.test/v1";
const PRIMARY = "gpt-4o-mini";
const FALLBACK = "gpt-4.1-mini";
/** OpenAI answers with the dated snapshot that served the request. */
const SNAPSHOT: Record<string, string> = {
  [PRIMARY]: "gpt-4o-mini-2024-07-18",
  [FALLBACK]: "gpt-4.1-mini-2025-04-14",
};

const config = (overrides: Partial<OpenAiCompatibleConfig> = {}): OpenAiCompatibleConfig => ({
  apiKey: "sk-test",
  baseURL: BASE_URL,
  model: PRIMARY,
  fallbackModel: FALLBACK,
  timeoutMs: 5_000,
  maxRetries: 2,
  ...overrides,
});

const source: RepurposeSource = {
  title: "Why I stopped posting every day",
  body: "Posting daily burned me out. Three good posts a week grew the channel faster. Batching on Sundays saved four hours.",
  url: "https://example.com/posting-less",
  channel: "Creator Notes",
};

const options: RepurposeOptions = {
  platforms: ["x", "instagram"],
  tone: "casual",
  brandVoice: {
    description: "Dry humour, short sentences, no jargon",
    samples: ["Ship it. Then fix it. Then ship it again."],
  },
};

const variants = {
  variants: [
    {
      platform: "x",
      body: "1/2 Posting daily burned me out.\n\n2/2 Three good posts a week grew the channel faster.",
      parts: [
        "1/2 Posting daily burned me out.",
        "2/2 Three good posts a week grew the channel faster.",
      ],
    },
    {
      platform: "instagram",
      body: "I stopped posting every day. The channel grew faster. #creators #batching",
      parts: null,
    },
  ],
};

const usage = { prompt_tokens: 412, completion_tokens: 96, total_tokens: 508 };

/** A `chat.completion` object exactly as the API returns it. */
function completion(model: string, content: string | null, extra: Record<string, unknown> = {}) {
  return {
    id: `chatcmpl-${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null, annotations: [] },
        finish_reason: "stop",
        logprobs: null,
      },
    ],
    usage: {
      ...usage,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: "default",
    system_fingerprint: "fp_test",
    ...extra,
  };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json",
      "x-request-id": `req_${crypto.randomUUID().replace(/-/g, "")}`,
      ...headers,
    },
  });

/** OpenAI's error envelope. */
const apiError = (status: number, message: string, type: string, code: string | null) =>
  json({ error: { message, type, param: null, code } }, status);

/** A streamed answer: role chunk, content pieces, finish chunk, usage chunk, [DONE]. */
/** The first SSE chunk of a streamed answer that will never finish: `{"variants":[`. */
function openingChunk(id: string, model: string) {
  const chunk = {
    id,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        delta: { role: "assistant", content: '{"variants":[', refusal: null },
        logprobs: null,
        finish_reason: null,
      },
    ],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

function streamed(model: string, pieces: string[]) {
  const base = {
    id: "chatcmpl-stream1",
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    service_tier: "default",
    system_fingerprint: "fp_test",
  };
  const chunks = [
    {
      ...base,
      choices: [
        {
          index: 0,
          delta: { role: "assistant", content: "", refusal: null },
          logprobs: null,
          finish_reason: null,
        },
      ],
      usage: null,
    },
    ...pieces.map((content) => ({
      ...base,
      choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
      usage: null,
    })),
    {
      ...base,
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }],
      usage: null,
    },
    // stream_options.include_usage: a last chunk with no choices and the usage.
    { ...base, choices: [], usage },
  ];
  const text = `${chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("")}data: [DONE]\n\n`;
  const bytes = new TextEncoder().encode(text);
  // Delivered in small slices so the SDK's SSE parser has to join lines across reads.
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 97) controller.enqueue(bytes.slice(i, i + 97));
      controller.close();
    },
  });
  return new Response(body, {
    status: 200,
    headers: { "content-type": "text/event-stream; charset=utf-8" },
  });
}

type FetchInit = RequestInit | undefined;
type FakeOpenAi = (request: {
  url: string;
  body: any;
  init: FetchInit;
}) => Response | Promise<Response>;

/** Replaces fetch with a fake OpenAI; the spy's calls hold each request the SDK sent. */
function fakeOpenAi(answer: FakeOpenAi) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const raw = init?.body;
    const body = typeof raw === "string" ? JSON.parse(raw) : undefined;
    return answer({ url, body, init });
  });
}

const sentBodies = (spy: ReturnType<typeof fakeOpenAi>) =>
  spy.mock.calls.map(([, init]) => JSON.parse(String(init?.body)));

/** A fetch that never answers: it settles only when its signal aborts (timeouts, cancels). */
function hang(init: FetchInit): Promise<Response> {
  return new Promise((_resolve, reject) => {
    const signal = init?.signal;
    if (!signal) return;
    const fail = () =>
      reject(signal.reason ?? new DOMException("The operation was aborted.", "AbortError"));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("OpenAiCompatibleProvider", () => {
  it("parses the structured answer into drafts with the usage and the model that answered", async () => {
    const spy = fakeOpenAi(({ body }) =>
      json(completion(SNAPSHOT[body.model] ?? body.model, JSON.stringify(variants))),
    );
    const provider = new OpenAiCompatibleProvider(config());
    expect(provider.name).toBe("openai-compatible");
    expect(provider.model).toBe(PRIMARY);

    const result = await provider.repurpose({ source, options });

    expect(spy).toHaveBeenCalledTimes(1);
    expect(result.provider).toBe("openai-compatible");
    expect(result.model).toBe(SNAPSHOT[PRIMARY]);
    expect(result.usage).toEqual({ promptTokens: 412, completionTokens: 96 });
    expect(result.drafts).toEqual([
      { platform: "x", body: variants.variants[0]?.body, parts: variants.variants[0]?.parts },
      // `parts: null` (strict schemas need every key) becomes no parts at all.
      { platform: "instagram", body: variants.variants[1]?.body },
    ]);
  });

  it("asks for strict structured output with the brand voice and the platform rules in the prompt", async () => {
    const spy = fakeOpenAi(({ body }) => json(completion(body.model, JSON.stringify(variants))));
    await new OpenAiCompatibleProvider(config()).repurpose({ source, options });

    const [url, init] = spy.mock.calls[0] ?? [];
    expect(String(url)).toBe(`${BASE_URL}/chat/completions`);
    expect(init?.method).toBe("POST");
    expect(new Headers(init?.headers).get("authorization")).toBe("Bearer sk-test");

    const body = JSON.parse(String(init?.body));
    expect(body.model).toBe(PRIMARY);
    expect(body.stream).toBeFalsy();
    expect(body.messages.map((message: { role: string }) => message.role)).toEqual([
      "system",
      "user",
    ]);
    const [system, user] = body.messages.map((message: { content: string }) => message.content);
    expect(system).toContain("Brand voice: Dry humour, short sentences, no jargon");
    expect(system).toContain("Ship it. Then fix it. Then ship it again.");
    expect(system).toContain("Tone: casual.");
    expect(system).toContain(`- x (${PLATFORM_RULES.x.label}):`);
    expect(system).toContain(
      `each post at most ${PLATFORM_RULES.x.maxPostChars} weighted characters including the number`,
    );
    // The model is told how X counts and that a single post carries no number.
    expect(system).toContain("X counts every link as 23, CJK characters and most emoji as 2");
    expect(system).toContain("a single post has no number");
    expect(system).toContain(`- instagram (${PLATFORM_RULES.instagram.label}):`);
    expect(system).toContain(`at most ${PLATFORM_RULES.instagram.maxChars} characters`);
    expect(system).toContain(`at most ${PLATFORM_RULES.instagram.maxHashtags} hashtags`);
    // Only the platforms asked for.
    expect(system).not.toContain(PLATFORM_RULES.linkedin.label);
    expect(user).toContain(`Title: ${source.title}`);
    expect(user).toContain(`The piece:\n${source.body}`);
    expect(user).toContain("Platforms: x, instagram");

    expect(body.response_format.type).toBe("json_schema");
    expect(body.response_format.json_schema.name).toBe("variants");
    expect(body.response_format.json_schema.strict).toBe(true);
    const schema = body.response_format.json_schema.schema;
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(["variants"]);
    expect(schema.additionalProperties).toBe(false);
    const item = schema.properties.variants.items;
    expect(item.additionalProperties).toBe(false);
    // Strict mode: every property is required (parts is nullable instead of optional).
    expect([...item.required].sort()).toEqual(["body", "parts", "platform"]);
    expect(item.properties.platform.enum).toEqual([...PLATFORM_IDS]);
  });

  it("streams: onText gets each platform's own text in order and the final drafts are parsed", async () => {
    const content = JSON.stringify(variants);
    const pieces = content.match(/[\s\S]{1,23}/g) ?? [];
    expect(pieces.length).toBeGreaterThan(5);
    const spy = fakeOpenAi(({ body }) => streamed(SNAPSHOT[body.model] ?? body.model, pieces));

    const deltas: { platform: string; delta: string }[] = [];
    const result = await new OpenAiCompatibleProvider(config()).repurpose({
      source,
      options,
      onText: (platform, delta) => deltas.push({ platform, delta }),
    });

    // Every piece of text names its platform; joined per platform, they are its whole body.
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.every(({ delta }) => delta.length > 0)).toBe(true);
    for (const variant of variants.variants) {
      const text = deltas.filter((d) => d.platform === variant.platform).map((d) => d.delta);
      expect(text.length, variant.platform).toBeGreaterThan(0);
      expect(text.join(""), variant.platform).toBe(variant.body);
    }
    // Platform by platform, in the answer's order: x's text all arrives before instagram's.
    const order = deltas.map((d) => d.platform);
    expect(order.lastIndexOf("x")).toBeLessThan(order.indexOf("instagram"));
    expect(result.drafts.map((draft) => draft.platform)).toEqual(["x", "instagram"]);
    expect(result.drafts[0]?.parts).toEqual(variants.variants[0]?.parts);
    expect(result.usage).toEqual({ promptTokens: 412, completionTokens: 96 });
    expect(result.model).toBe(SNAPSHOT[PRIMARY]);

    const [sent] = sentBodies(spy);
    expect(sent.stream).toBe(true);
    expect(sent.stream_options).toEqual({ include_usage: true });
    expect(sent.response_format.type).toBe("json_schema");
  });

  it("retries a 429 (honouring retry-after-ms) and then succeeds", async () => {
    let calls = 0;
    const spy = fakeOpenAi(({ body }) => {
      calls += 1;
      if (calls === 1) {
        const limited = apiError(
          429,
          "Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1.",
          "requests",
          "rate_limit_exceeded",
        );
        limited.headers.set("retry-after-ms", "1");
        limited.headers.set("x-ratelimit-remaining-requests", "0");
        return limited;
      }
      return json(completion(SNAPSHOT[body.model] ?? body.model, JSON.stringify(variants)));
    });

    const result = await new OpenAiCompatibleProvider(config()).repurpose({ source, options });
    expect(spy).toHaveBeenCalledTimes(2);
    // The retry is the same request to the same (primary) model.
    expect(sentBodies(spy).map((body) => body.model)).toEqual([PRIMARY, PRIMARY]);
    expect(result.model).toBe(SNAPSHOT[PRIMARY]);
    expect(result.drafts).toHaveLength(2);
  });

  it("falls back to the fallback model when the primary keeps answering 5xx", {
    timeout: 20_000,
  }, async () => {
    const spy = fakeOpenAi(({ body }) =>
      body.model === PRIMARY
        ? apiError(
            500,
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
            null,
          )
        : json(completion(SNAPSHOT[body.model] ?? body.model, JSON.stringify(variants))),
    );

    const result = await new OpenAiCompatibleProvider(config()).repurpose({ source, options });
    // Three tries of the primary (1 + maxRetries 2), then the fallback answers first time.
    expect(sentBodies(spy).map((body) => body.model)).toEqual([
      PRIMARY,
      PRIMARY,
      PRIMARY,
      FALLBACK,
    ]);
    expect(result.model).toBe(SNAPSHOT[FALLBACK]);
    expect(result.provider).toBe("openai-compatible");
    expect(result.drafts).toHaveLength(2);
  });

  it("answers 502 AI_UNAVAILABLE when the fallback fails too", { timeout: 20_000 }, async () => {
    const spy = fakeOpenAi(() =>
      apiError(
        503,
        "The engine is currently overloaded, please try again later.",
        "server_error",
        null,
      ),
    );
    const error = await rejection(
      new OpenAiCompatibleProvider(config()).repurpose({ source, options }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: "AI_UNAVAILABLE" });
    expect(sentBodies(spy).map((body) => body.model)).toEqual([
      PRIMARY,
      PRIMARY,
      PRIMARY,
      FALLBACK,
      FALLBACK,
      FALLBACK,
    ]);
  });

  it("does not retry or fall back on a request error (400)", async () => {
    const spy = fakeOpenAi(() =>
      apiError(
        400,
        "Invalid schema for response_format 'variants'.",
        "invalid_request_error",
        "invalid_json_schema",
      ),
    );
    const error = await rejection(
      new OpenAiCompatibleProvider(config()).repurpose({ source, options }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: "AI_UNAVAILABLE" });
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("times out a provider that never answers: 504 AI_UNAVAILABLE", {
    timeout: 20_000,
  }, async () => {
    const spy = fakeOpenAi(({ init }) => hang(init));
    const provider = new OpenAiCompatibleProvider(
      config({ timeoutMs: 200, fallbackModel: undefined }),
    );
    const error = await rejection(provider.repurpose({ source, options }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 504, code: "AI_UNAVAILABLE" });
    // Each attempt was cut off by the timeout (1 + maxRetries 2), all on the primary model.
    expect(sentBodies(spy).map((body) => body.model)).toEqual([PRIMARY, PRIMARY, PRIMARY]);
    for (const [, init] of spy.mock.calls) expect(init?.signal?.aborted).toBe(true);
  });

  it("a primary that times out hands over to the fallback model", { timeout: 20_000 }, async () => {
    const spy = fakeOpenAi(({ body, init }) =>
      body.model === PRIMARY
        ? hang(init)
        : json(completion(SNAPSHOT[body.model] ?? body.model, JSON.stringify(variants))),
    );
    const result = await new OpenAiCompatibleProvider(config({ timeoutMs: 200 })).repurpose({
      source,
      options,
    });
    expect(result.model).toBe(SNAPSHOT[FALLBACK]);
    expect(sentBodies(spy).at(-1)?.model).toBe(FALLBACK);
  });

  it("a provider that stalls after sending the headers still times out", {
    timeout: 20_000,
  }, async () => {
    // Headers arrive, then the body never does: the deadline must cover reading the answer too.
    fakeOpenAi(({ init }) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          init?.signal?.addEventListener("abort", () =>
            controller.error(new DOMException("The operation was aborted.", "AbortError")),
          );
        },
      });
      return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
    });
    const caller = new AbortController();
    const provider = new OpenAiCompatibleProvider(
      config({ timeoutMs: 200, maxRetries: 0, fallbackModel: undefined }),
    );
    const outcome = await Promise.race([
      rejection(provider.repurpose({ source, options, signal: caller.signal })),
      new Promise((resolve) => setTimeout(() => resolve("still waiting after 3 s"), 3_000)),
    ]);
    caller.abort(); // let a stuck request go
    expect(outcome).toBeInstanceOf(ApiError);
    expect(outcome).toMatchObject({ code: "AI_UNAVAILABLE" });
  });

  it("a stream that stalls mid-answer still times out", { timeout: 20_000 }, async () => {
    fakeOpenAi(({ body, init }) => {
      const first = openingChunk("chatcmpl-stall", body.model);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(first));
          init?.signal?.addEventListener("abort", () =>
            controller.error(new DOMException("The operation was aborted.", "AbortError")),
          );
        },
      });
      return new Response(stream, {
        status: 200,
        headers: { "content-type": "text/event-stream" },
      });
    });
    const caller = new AbortController();
    const provider = new OpenAiCompatibleProvider(
      config({ timeoutMs: 200, maxRetries: 0, fallbackModel: undefined }),
    );
    const outcome = await Promise.race([
      rejection(provider.repurpose({ source, options, signal: caller.signal, onText: () => {} })),
      new Promise((resolve) => setTimeout(() => resolve("still waiting after 3 s"), 3_000)),
    ]);
    caller.abort();
    expect(outcome).toBeInstanceOf(ApiError);
    expect(outcome).toMatchObject({ code: "AI_UNAVAILABLE" });
  });

  it("a connection dropped while the answer is read is AI_UNAVAILABLE, not a bad answer", async () => {
    // The body fails half-way (the network went away): the provider was unavailable; the
    // answer was not unreadable. (Bulk jobs never retry AI_OUTPUT_INVALID.)
    fakeOpenAi(() => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"id":"chatcmpl-drop","object":"chat.'));
          controller.error(new TypeError("Network connection lost."));
        },
      });
      return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
    });
    const error = await rejection(
      new OpenAiCompatibleProvider(config({ maxRetries: 0, fallbackModel: undefined })).repurpose({
        source,
        options,
      }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: "AI_UNAVAILABLE" });
  });

  it("a stream dropped mid-answer is AI_UNAVAILABLE and worth the fallback model", async () => {
    const spy = fakeOpenAi(({ body }) => {
      if (body.model === FALLBACK) return streamed(body.model, [JSON.stringify(variants)]);
      const first = openingChunk("chatcmpl-drop", body.model);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(first));
          controller.error(new TypeError("Network connection lost."));
        },
      });
      return new Response(stream, {
        status: 200,
        headers: { "content-type": "text/event-stream" },
      });
    });
    const outcome: unknown = await new OpenAiCompatibleProvider(config({ maxRetries: 0 }))
      .repurpose({ source, options, onText: () => {} })
      .catch((error: unknown) => error);
    // Either the fallback answered, or the failure says the provider was unavailable.
    if (outcome instanceof Error) {
      expect(outcome).toBeInstanceOf(ApiError);
      expect(outcome).toMatchObject({ status: 502, code: "AI_UNAVAILABLE" });
    } else {
      expect(sentBodies(spy).map((sent) => sent.model)).toEqual([PRIMARY, FALLBACK]);
    }
  });

  it("stops when the caller aborts: no retry, no fallback", async () => {
    const controller = new AbortController();
    const spy = fakeOpenAi(({ init }) => {
      queueMicrotask(() => controller.abort());
      return hang(init);
    });
    const error = await rejection(
      new OpenAiCompatibleProvider(config()).repurpose({
        source,
        options,
        signal: controller.signal,
      }),
    );
    expect(error).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("a signal aborted before the call sends nothing", async () => {
    const spy = fakeOpenAi(({ init }) => hang(init));
    const error = await rejection(
      new OpenAiCompatibleProvider(config()).repurpose({
        source,
        options,
        signal: AbortSignal.abort(),
      }),
    );
    expect(error).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(spy).not.toHaveBeenCalled();
  });

  it("content that is not JSON is AI_OUTPUT_INVALID (502), not a crash", async () => {
    fakeOpenAi(({ body }) =>
      json(completion(body.model, "Sure! Here are your posts: 1/2 Posting daily…")),
    );
    const error = await rejection(
      new OpenAiCompatibleProvider(config()).repurpose({ source, options }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: "AI_OUTPUT_INVALID" });
  });

  it("JSON that does not match the schema is AI_OUTPUT_INVALID (502)", async () => {
    fakeOpenAi(({ body }) =>
      json(
        completion(
          body.model,
          JSON.stringify({ variants: [{ platform: "myspace", body: "hi", parts: null }] }),
        ),
      ),
    );
    const error = await rejection(
      new OpenAiCompatibleProvider(config()).repurpose({ source, options }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: "AI_OUTPUT_INVALID" });
  });

  it("a refusal is AI_OUTPUT_INVALID (502)", async () => {
    fakeOpenAi(({ body }) => {
      const refused = completion(body.model, null);
      const choice = refused.choices[0];
      if (choice) (choice.message as Record<string, unknown>).refusal = "I can't help with that.";
      return json(refused);
    });
    const error = await rejection(
      new OpenAiCompatibleProvider(config()).repurpose({ source, options }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: "AI_OUTPUT_INVALID" });
  });

  it("an answer cut off by max tokens is AI_OUTPUT_INVALID (502)", async () => {
    fakeOpenAi(({ body }) => {
      const cut = completion(body.model, '{"variants":[{"platform":"x","body":"1/2 Post');
      const choice = cut.choices[0];
      if (choice) choice.finish_reason = "length";
      return json(cut);
    });
    const error = await rejection(
      new OpenAiCompatibleProvider(config()).repurpose({ source, options }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: "AI_OUTPUT_INVALID" });
  });
});

describe("AI cost estimate", () => {
  it("prices the configured model names", () => {
    // 412 × $0.15/M + 96 × $0.60/M = 61.8 + 57.6 µ$ ≈ 119 µ$
    expect(estimateCostMicros(PRIMARY, 412, 96)).toBe(119);
    expect(estimateCostMicros("my-local-llama", 412, 96)).toBe(0);
  });

  it("prices the dated snapshot name OpenAI reports as the answering model", () => {
    // The provider records `completion.model` (e.g. gpt-4o-mini-2024-07-18), and that is the
    // name the repurposing service prices; it must not come out as free.
    expect(estimateCostMicros(SNAPSHOT[PRIMARY] ?? "", 412, 96)).toBe(119);
    expect(estimateCostMicros(SNAPSHOT[FALLBACK] ?? "", 1_000, 1_000)).toBe(
      estimateCostMicros(FALLBACK, 1_000, 1_000),
    );
  });
});
