/**
 * Shared by the repurpose-*.test.ts files: content items, the repurposing API (JSON and SSE),
 * usage and `ai_requests` read-outs, the AI bucket, the jobs queue, and OpenAI faked at the
 * `fetch` boundary with its real request and response shapes.
 *
 * Without AI_API_KEY the Worker repurposes with the offline provider (free, `paid` false);
 * `useOpenAiProvider()` configures the paid OpenAI-compatible one for the Worker behind SELF.
 * Every test file calls `afterEach(cleanUpAfterTest)`.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import type { JobMessage } from "../../shared/jobs";
import { PLANS, type PlanId } from "../../shared/plans";
import { PLATFORM_IDS, type PlatformId } from "../../shared/platforms";
import { createDb } from "../db/client";
import { findContent } from "../db/content";
import { loadWorkspaceContext } from "../db/workspace-context";
import worker from "../index";
import { api, BASE, type TestUser } from "./helpers";

export const JOBS_QUEUE = "creatorops-jobs";
export const DLQ = "creatorops-jobs-dlq";
export const ALL: PlatformId[] = [...PLATFORM_IDS];
export const FREE = PLANS.free;

/** Bidirectional controls (U+202A–U+202E, U+2066–U+2069): none may reach a saved variant. */
export const BIDI = /[\u202A-\u202E\u2066-\u2069]/u;

/** Undoes useOpenAiProvider(): the env object is shared with the Worker behind SELF. */
let restoreAiEnv: (() => void) | undefined;

export function cleanUpAfterTest() {
  vi.restoreAllMocks();
  restoreAiEnv?.();
  restoreAiEnv = undefined;
}

// ---------------------------------------------------------------------------------------------
// Dates, items, the repurposing API

export const period = () => new Date().toISOString().slice(0, 7);
export const nextMonth = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
};

/** The piece every item repurposes unless a test writes its own. */
export const PIECE_BODY =
  "Batching changed everything for my channel. I script four videos on Saturday morning and film them all that afternoon. " +
  "Sunday is for editing with one template project, so the color grade and titles are already done. " +
  "The biggest win is fewer context switches: my energy goes into the ideas, not the setup. " +
  "If you try one thing, block a single day for filming and protect it like a meeting.";

let itemCounter = 0;
/** A content item whose body has enough text for every platform; each call gets its own wording. */
export async function createItem(
  user: TestUser,
  fields: { title?: string; body?: string; notes?: string; tags?: string[] } = {},
): Promise<string> {
  itemCounter += 1;
  const tag = `${itemCounter}-${crypto.randomUUID().slice(0, 6)}`;
  const res = await api("/api/content", {
    token: user.token,
    workspaceId: user.workspaceId,
    body: {
      title: fields.title ?? `How I batch a month of videos in one weekend (${tag})`,
      body: fields.body ?? PIECE_BODY,
      notes: fields.notes ?? "Private: film the intro again.",
      ...(fields.tags ? { tags: fields.tags } : {}),
      source: {
        kind: "web",
        url: `https://example.com/blog/batching-${tag}`,
        channel: "Edit Lab",
      },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id;
}

export interface RepurposeBody {
  platforms: PlatformId[];
  tone?: string;
  length?: string;
  replaceEdited?: boolean;
}

export const repurpose = (user: TestUser, id: string, body: RepurposeBody) =>
  api(`/api/content/${id}/repurpose`, { token: user.token, body });

/** GET /api/content/:id/variants: the item's saved variants (one page: `nextCursor` null). */
export const variantsOf = async (user: TestUser, id: string) => {
  const res = await api(`/api/content/${id}/variants`, { token: user.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.data.nextCursor).toBeNull();
  return res.body.data.items as any[];
};

/** A person's edit: PUT /api/content/:id/variants/:variantId. */
export async function editVariant(
  user: TestUser,
  id: string,
  variantId: string,
  edit: { body?: string; parts?: string[] },
) {
  const res = await api(`/api/content/${id}/variants/${variantId}`, {
    method: "PUT",
    token: user.token,
    body: edit,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.data.generatedBy).toBe("person");
  return res.body.data;
}

export const usage = async (user: TestUser) => {
  const res = await api("/api/usage", { token: user.token });
  expect(res.status).toBe(200);
  return res.body.data;
};

export interface AiRequestRow {
  id: string;
  user_id: string | null;
  feature: string;
  provider: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  cost_micros: number;
  latency_ms: number;
  status: string;
  credits: number;
  cache_key: string | null;
  error_code: string | null;
}

export async function aiRequests(workspaceId: string): Promise<AiRequestRow[]> {
  const { results } = await env.DB.prepare(
    "SELECT * FROM ai_requests WHERE workspace_id = ? ORDER BY created_at, rowid",
  )
    .bind(workspaceId)
    .all<AiRequestRow>();
  return results;
}

export async function setCreditsUsed(workspaceId: string, used: number) {
  await env.DB.prepare(
    `INSERT INTO usage_counters (workspace_id, period, credits_used, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (workspace_id, period) DO UPDATE SET credits_used = excluded.credits_used`,
  )
    .bind(workspaceId, period(), used, Date.now())
    .run();
}

export async function setPlan(workspaceId: string, plan: PlanId) {
  await env.DB.prepare("UPDATE workspaces SET plan = ? WHERE id = ?").bind(plan, workspaceId).run();
}

/** The workspace context a queue consumer would build, for calling a use case directly. */
export async function contextOf(user: TestUser) {
  const ctx = await loadWorkspaceContext(createDb(env.DB), env, user.workspaceId, user.userId);
  if (!ctx) throw new Error("workspace not found");
  return ctx;
}

/** The item as a use case reads it (findContent through the workspace's scope). */
export async function itemOf(user: TestUser, id: string) {
  const ctx = await contextOf(user);
  const item = await findContent(ctx.scope, id);
  if (!item) throw new Error("item not found");
  return { ctx, item };
}

const aiBucket = (workspaceId: string) =>
  env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`ai:${workspaceId}`));

/** Spends every token left in the workspace's AI bucket (the rule the app uses for the plan). */
export async function drainAiBucket(workspaceId: string, plan: PlanId = "free") {
  const perMinute = PLANS[plan].aiCallsPerMinute;
  const rule = { capacity: perMinute, refillPerSecond: perMinute / 60 };
  const bucket = aiBucket(workspaceId);
  for (let i = 0; i <= perMinute; i++) {
    const result = await bucket.consume(rule, 1);
    if (!result.allowed) return;
  }
  throw new Error("the AI bucket never ran dry");
}

export const asDraft = (variant: any) => ({
  platform: variant.platform as PlatformId,
  body: variant.body as string,
  ...(variant.parts ? { parts: variant.parts as string[] } : {}),
});

/** Every string a variant would publish: its body and each post of a thread. */
export const textsOf = (variant: any): string[] => [variant.body, ...(variant.parts ?? [])];

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Server-sent events

export interface SseEvent {
  event: string;
  data: any;
}

export function parseSse(text: string): SseEvent[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim())
    .map((block) => {
      let event = "message";
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      return { event, data: JSON.parse(data.join("\n")) };
    });
}

export const streamRepurpose = (
  user: TestUser,
  id: string,
  body: RepurposeBody,
  signal?: AbortSignal,
) =>
  SELF.fetch(`${BASE}/api/content/${id}/repurpose`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${user.token}`,
      "Content-Type": "application/json",
      Accept: "text/event-stream",
    },
    body: JSON.stringify(body),
    signal,
  });

/** The `text` events' deltas joined per platform, in the order the platforms first spoke. */
export function textByPlatform(events: SseEvent[]): Map<string, string> {
  const joined = new Map<string, string>();
  for (const event of events) {
    if (event.event !== "text") continue;
    const { platform, delta } = event.data;
    joined.set(platform, (joined.get(platform) ?? "") + delta);
  }
  return joined;
}

// ---------------------------------------------------------------------------------------------
// The jobs queue

/** Delivers `messages` as one batch to the Worker's queue handler; returns the ack/retry outcome. */
export async function deliver(
  queue: string,
  messages: Array<{ id: string; body: unknown; attempts?: number }>,
  beforeRun?: (batch: MessageBatch<unknown>) => void,
) {
  const batch = createMessageBatch(
    queue,
    messages.map((message) => ({
      id: message.id,
      timestamp: new Date(),
      attempts: message.attempts ?? 1,
      body: message.body,
    })),
  );
  beforeRun?.(batch);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

/** POST /api/jobs/repurpose, capturing what the route hands to the queue (nothing is enqueued). */
export async function startBulk(user: TestUser, body: Record<string, unknown>) {
  const sent: Array<{ body: JobMessage }> = [];
  const spy = vi.spyOn(env.JOBS, "sendBatch").mockImplementation(async (messages) => {
    for (const message of messages) sent.push(message as { body: JobMessage });
    return undefined as never;
  });
  const res = await api("/api/jobs/repurpose", {
    token: user.token,
    workspaceId: user.workspaceId,
    body,
  });
  spy.mockRestore();
  return {
    res,
    messages: sent.map((message, i) => ({
      id: `msg-${crypto.randomUUID()}-${i}`,
      body: message.body,
    })),
  };
}

export const job = async (user: TestUser, id: string) =>
  api(`/api/jobs/${id}`, { token: user.token });

// ---------------------------------------------------------------------------------------------
// OpenAI, faked at the fetch boundary

const AI_VARS = ["AI_API_KEY", "AI_BASE_URL", "AI_MODEL", "AI_FALLBACK_MODEL", "AI_TIMEOUT_MS"];
export const OPENAI_BASE_URL = "https://api.openai.test/v1";
export const OPENAI_MODEL = "gpt-4o-mini";

/**
 * Configures the OpenAI-compatible (paid) provider for the Worker behind SELF (it reads the
 * same env object), as an AI_API_KEY secret would; restored after the test.
 */
export function useOpenAiProvider() {
  const vars = env as unknown as Record<string, unknown>;
  const saved = Object.fromEntries(AI_VARS.map((name) => [name, vars[name]]));
  Object.assign(vars, {
    AI_API_KEY: "sk-test",
    AI_BASE_URL: OPENAI_BASE_URL,
    AI_MODEL: OPENAI_MODEL,
    AI_FALLBACK_MODEL: "",
    AI_TIMEOUT_MS: "3000",
  });
  restoreAiEnv = () => {
    for (const name of AI_VARS) {
      if (saved[name] === undefined) delete vars[name];
      else vars[name] = saved[name];
    }
  };
}

export const OPENAI_USAGE = { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 };

/** One variant in the model's answer format (strict structured output: `parts` may be null). */
export interface ModelVariant {
  platform: PlatformId;
  body: string;
  parts: string[] | null;
}

const thread = (parts: string[]): ModelVariant => ({
  platform: "x",
  body: parts.join("\n\n"),
  parts,
});

/**
 * What the fake model writes for each platform: text that already keeps the platform's rules
 * (so it is saved word for word), different for every platform.
 */
export const MODEL_VARIANTS: Record<PlatformId, ModelVariant> = {
  x: thread([
    "1/2 I film a month of videos in one weekend, and it gave me my weekends back.",
    "2/2 Script on Saturday morning, film all afternoon, edit on Sunday with one template.",
  ]),
  linkedin: {
    platform: "linkedin",
    body: "I film a month of videos in one weekend.\n\nBatching cut my context switches: my energy goes into the ideas, not the setup. What would you add?",
    parts: null,
  },
  instagram: {
    platform: "instagram",
    body: "One weekend of filming = a month of videos 🎬\n\nScript Saturday, film all afternoon, edit Sunday.\n\n#batching #creators",
    parts: null,
  },
  tiktok: {
    platform: "tiktok",
    body: "I film a month of videos in one weekend.\nScript Saturday morning, film all afternoon, edit Sunday. Try it once.",
    parts: null,
  },
  shorts: {
    platform: "shorts",
    body: "One weekend, a month of videos.\nHere is my batching day, step by step. The full video is on my channel.",
    parts: null,
  },
  newsletter: {
    platform: "newsletter",
    body: "This month I tried batching: four scripts on Saturday, filming all afternoon, editing on Sunday. It gave me my weekends back.",
    parts: null,
  },
  youtube: {
    platform: "youtube",
    body: "How I batch a month of videos in one weekend.\n\nScripts on Saturday morning, filming in the afternoon, editing on Sunday with one template project.",
    parts: null,
  },
};

/** A `chat.completion` object as OpenAI answers it, whose message is `content` as JSON. */
export function chatCompletionOf(model: string, content: unknown) {
  return new Response(
    JSON.stringify({
      id: "chatcmpl-test",
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: JSON.stringify(content), refusal: null },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: OPENAI_USAGE,
    }),
    { status: 200, headers: { "content-type": "application/json" } },
  );
}

/** The repurposing answer: `{ variants }`. */
export const chatCompletion = (model: string, variants: unknown[]) =>
  chatCompletionOf(model, { variants });

export const openAiError = (status: number, message: string, type: string) =>
  new Response(JSON.stringify({ error: { message, type, param: null, code: null } }), {
    status,
    headers: { "content-type": "application/json" },
  });

/** The answer's JSON text cut into content deltas of `size` code points (never half an emoji). */
export function contentPieces(variants: unknown[], size = 17): string[] {
  const chars = Array.from(JSON.stringify({ variants }));
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(""));
  return pieces;
}

/**
 * A streamed chat completion: the role chunk, `pieces` as content deltas, the finish chunk, the
 * usage chunk and [DONE]. With `pause` the stream stops after `pause.after` pieces and sends the
 * rest `pause.ms` later, like a model still thinking; an aborted request errors the stream.
 */
export function streamedCompletion(
  model: string,
  pieces: string[],
  signal?: AbortSignal | null,
  pause?: { after: number; ms: number },
) {
  const base = {
    id: "chatcmpl-stream",
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: "fp_test",
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null })}\n\n`;
  const split = pause?.after ?? pieces.length;
  const head =
    chunk({ role: "assistant", content: "", refusal: null }) +
    pieces
      .slice(0, split)
      .map((piece) => chunk({ content: piece }))
      .join("");
  const tail =
    pieces
      .slice(split)
      .map((piece) => chunk({ content: piece }))
      .join("") +
    chunk({}, "stop") +
    `data: ${JSON.stringify({ ...base, choices: [], usage: OPENAI_USAGE })}\n\n` +
    "data: [DONE]\n\n";
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      signal?.addEventListener("abort", () => {
        if (!open) return;
        open = false;
        controller.error(new DOMException("The operation was aborted.", "AbortError"));
      });
      controller.enqueue(encoder.encode(head));
      const finish = () => {
        if (!open) return;
        open = false;
        controller.enqueue(encoder.encode(tail));
        controller.close();
      };
      if (pause) setTimeout(finish, pause.ms);
      else finish();
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
}

/** One request the Worker sent to OpenAI, as the fake received it. */
export interface OpenAiRequest {
  url: string;
  /** The parsed JSON body: model, messages, response_format, stream… */
  body: any;
  messages: Array<{ role: string; content: string }>;
  /** The platforms the user message asks for ("Platforms: x, linkedin"). */
  platforms: PlatformId[];
  stream: boolean;
  signal?: AbortSignal | null;
}

export interface FakeOpenAiOptions {
  /**
   * The variants the model answers (default: MODEL_VARIANTS of each platform asked), or a
   * whole Response (an error, a hand-made stream).
   */
  answer?: (
    request: OpenAiRequest,
  ) => ModelVariant[] | unknown[] | Response | Promise<ModelVariant[] | unknown[] | Response>;
  /** Streamed answers: stop after this many content pieces for `ms` (a model still thinking). */
  pause?: (pieces: string[]) => { after: number; ms: number } | undefined;
}

/**
 * Fakes OpenAI's chat completions endpoint at `fetch`: plain requests get a `chat.completion`,
 * `stream: true` ones the chunks of a streamed completion. Any other outbound request fails the
 * test. Returns every request received.
 */
export function fakeOpenAi(options: FakeOpenAiOptions = {}) {
  const requests: OpenAiRequest[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== `${OPENAI_BASE_URL}/chat/completions`) {
      throw new Error(`unexpected outbound request: ${url}`);
    }
    const body = JSON.parse(String(init?.body));
    const messages = body.messages as OpenAiRequest["messages"];
    const user = messages.find((message) => message.role === "user")?.content ?? "";
    const platforms = (/^Platforms: (.*)$/m.exec(user)?.[1] ?? "")
      .split(", ")
      .filter(Boolean) as PlatformId[];
    const request: OpenAiRequest = {
      url,
      body,
      messages,
      platforms,
      stream: body.stream === true,
      signal: init?.signal,
    };
    requests.push(request);
    const answer = options.answer
      ? await options.answer(request)
      : platforms.map((platform) => MODEL_VARIANTS[platform]);
    if (answer instanceof Response) return answer;
    if (!request.stream) return chatCompletion(body.model, answer);
    const pieces = contentPieces(answer);
    return streamedCompletion(body.model, pieces, init?.signal, options.pause?.(pieces));
  });
  return { requests, spy };
}
