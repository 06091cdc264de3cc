/**
 * Repurposing through the API (the offline provider answers: no AI_API_KEY in tests), with its
 * cache, monthly credits, per-workspace AI rate limit, usage summary, SSE stream and bulk jobs.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { JobMessage } from "../../shared/jobs";
import { PLANS, type PlanId } from "../../shared/plans";
import { checkVariant, PLATFORM_IDS, type PlatformId } from "../../shared/platforms";
import { OpenAiCompatibleProvider } from "../ai/openai-compatible";
import { estimateCostMicros } from "../ai/pricing";
import { repurposeContent } from "../ai/repurpose";
import { createDb } from "../db/client";
import { findContent } from "../db/content";
import { WorkspaceScope } from "../db/scope";
import { ApiError } from "../errors";
import worker from "../index";
import { api, BASE, signUp, type TestUser } from "./helpers";

const JOBS_QUEUE = "creatorops-jobs";
const DLQ = "creatorops-jobs-dlq";
const ALL = [...PLATFORM_IDS];
const FREE = PLANS.free;

/** Undoes useOpenAiProvider(): the env object is shared with the Worker behind SELF. */
let restoreAiEnv: (() => void) | undefined;

afterEach(() => {
  vi.restoreAllMocks();
  restoreAiEnv?.();
  restoreAiEnv = undefined;
});

// ---------------------------------------------------------------------------------------------
// Helpers

const period = () => new Date().toISOString().slice(0, 7);
const nextMonth = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
};

let itemCounter = 0;
/** A content item with enough text for every platform; each call gets its own wording. */
async function createItem(user: TestUser, title?: string): Promise<string> {
  itemCounter += 1;
  const tag = `${itemCounter}-${crypto.randomUUID().slice(0, 6)}`;
  const res = await api("/api/content", {
    token: user.token,
    body: {
      title: title ?? `How I batch a month of videos in one weekend (${tag})`,
      notes:
        "Batching changed everything for my channel. I script four videos on Saturday morning and film them all that afternoon. " +
        "Sunday is for editing with one template project, so the color grade and titles are already done. " +
        "The biggest win is fewer context switches: my energy goes into the ideas, not the setup. " +
        "If you try one thing, block a single day for filming and protect it like a meeting.",
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

interface RepurposeBody {
  platforms: PlatformId[];
  tone?: string;
  length?: string;
}

const repurpose = (user: TestUser, id: string, body: RepurposeBody) =>
  api(`/api/content/${id}/repurpose`, { token: user.token, body });

const variantsOf = async (user: TestUser, id: string) => {
  const res = await api(`/api/content/${id}`, { token: user.token });
  expect(res.status).toBe(200);
  return res.body.data.variants as any[];
};

const usage = async (user: TestUser) => {
  const res = await api("/api/usage", { token: user.token });
  expect(res.status).toBe(200);
  return res.body.data;
};

interface AiRequestRow {
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

async function aiRequests(workspaceId: string): Promise<AiRequestRow[]> {
  const { results } = await env.DB.prepare(
    "SELECT * FROM ai_requests WHERE workspace_id = ? ORDER BY created_at, rowid",
  )
    .bind(workspaceId)
    .all<AiRequestRow>();
  return results;
}

async function setCreditsUsed(workspaceId: string, used: number) {
  await env.DB.prepare(
    `INSERT INTO usage_counters (workspace_id, period, credits_used, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (workspace_id, period) DO UPDATE SET credits_used = excluded.credits_used`,
  )
    .bind(workspaceId, period(), used, Date.now())
    .run();
}

async function setPlan(workspaceId: string, plan: PlanId) {
  await env.DB.prepare("UPDATE workspaces SET plan = ? WHERE id = ?").bind(plan, workspaceId).run();
}

const aiBucket = (workspaceId: string) =>
  env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`ai:${workspaceId}`));

/** Spends every token left in the workspace's AI bucket (the rule the app uses for the plan). */
async function drainAiBucket(workspaceId: string, plan: PlanId = "free") {
  const perMinute = PLANS[plan].aiCallsPerMinute;
  const rule = { capacity: perMinute, refillPerSecond: perMinute / 60 };
  const bucket = aiBucket(workspaceId);
  for (let i = 0; i <= perMinute; i++) {
    const result = await bucket.consume(rule, 1);
    if (!result.allowed) return;
  }
  throw new Error("the AI bucket never ran dry");
}

const asDraft = (variant: any) => ({
  platform: variant.platform as PlatformId,
  body: variant.body as string,
  ...(variant.parts ? { parts: variant.parts as string[] } : {}),
});

interface SseEvent {
  event: string;
  data: any;
}

function parseSse(text: string): SseEvent[] {
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

const streamRepurpose = (user: TestUser, id: string, body: RepurposeBody, signal?: AbortSignal) =>
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Delivers `messages` as one batch to the Worker's queue handler; returns the ack/retry outcome. */
async function deliver(
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
async function startBulk(user: TestUser, body: Record<string, unknown>) {
  const sent: Array<{ body: JobMessage }> = [];
  const spy = vi.spyOn(env.JOBS, "sendBatch").mockImplementation(async (messages) => {
    for (const message of messages) sent.push(message as { body: JobMessage });
    return undefined as never;
  });
  const res = await api("/api/jobs/repurpose", { token: user.token, body });
  spy.mockRestore();
  return {
    res,
    messages: sent.map((message, i) => ({
      id: `msg-${crypto.randomUUID()}-${i}`,
      body: message.body,
    })),
  };
}

const AI_VARS = ["AI_API_KEY", "AI_BASE_URL", "AI_MODEL", "AI_FALLBACK_MODEL", "AI_TIMEOUT_MS"];

/**
 * Configures the OpenAI-compatible provider for the Worker behind SELF (it reads the same env
 * object), as an AI_API_KEY secret would; restored after the test.
 */
function useOpenAiProvider() {
  const vars = env as unknown as Record<string, unknown>;
  const saved = Object.fromEntries(AI_VARS.map((name) => [name, vars[name]]));
  Object.assign(vars, {
    AI_API_KEY: "sk-test",
    AI_BASE_URL: "https://api.openai.test/v1",
    AI_MODEL: "gpt-4o-mini",
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

const OPENAI_USAGE = { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 };

/** A `chat.completion` object as OpenAI answers it. */
function chatCompletion(model: string, variants: unknown[]) {
  return new Response(
    JSON.stringify({
      id: "chatcmpl-test",
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: JSON.stringify({ variants }), refusal: null },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: OPENAI_USAGE,
    }),
    { status: 200, headers: { "content-type": "application/json" } },
  );
}

const openAiError = (status: number, message: string, type: string) =>
  new Response(JSON.stringify({ error: { message, type, param: null, code: null } }), {
    status,
    headers: { "content-type": "application/json" },
  });

/**
 * A streamed chat completion: the role chunk, `pieces` as content deltas, the finish chunk, the
 * usage chunk and [DONE]. With `pause` the stream stops after `pause.after` pieces and sends the
 * rest `pause.ms` later, like a model still thinking; an aborted request errors the stream.
 */
function streamedCompletion(
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

const job = async (user: TestUser, id: string) => api(`/api/jobs/${id}`, { token: user.token });

// ---------------------------------------------------------------------------------------------

describe("POST /api/content/:id/repurpose (offline provider)", () => {
  it("answers one saved, rule-abiding, offline-labelled variant per platform and records the call", async () => {
    const user = await signUp("repurpose");
    const id = await createItem(user);

    const res = await repurpose(user, id, { platforms: ALL });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.success).toBe(true);
    const { variants, cached, provider } = res.body.data;
    expect(cached).toBe(false);
    expect(provider).toBe("offline");
    expect(variants.map((variant: any) => variant.platform)).toEqual(ALL);
    for (const variant of variants) {
      expect(variant.contentId).toBe(id);
      expect(variant.provider).toBe("offline");
      expect(variant.offline).toBe(true);
      expect(variant.generatedBy).toBe("ai");
      expect(variant.body.length).toBeGreaterThan(0);
      expect(checkVariant(asDraft(variant)), `${variant.platform}: ${variant.body}`).toEqual([]);
    }
    const x = variants.find((variant: any) => variant.platform === "x");
    expect(Array.isArray(x.parts) && x.parts.length).toBeTruthy();

    // Saved: the item answers the same variants.
    const saved = await variantsOf(user, id);
    expect(saved.map((variant) => variant.id).sort()).toEqual(
      variants.map((variant: any) => variant.id).sort(),
    );
    for (const variant of saved) expect(variant.offline).toBe(true);

    const rows = await aiRequests(user.workspaceId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      feature: "repurpose",
      provider: "offline",
      model: variants[0].model,
      status: "ok",
      credits: ALL.length,
      user_id: user.userId,
      error_code: null,
    });
    expect(rows[0]?.prompt_tokens).toBeGreaterThan(0);
    expect(rows[0]?.completion_tokens).toBeGreaterThan(0);
    expect(rows[0]?.cache_key).toMatch(/^[0-9a-f]{64}$/);
    expect((await usage(user)).creditsUsed).toBe(ALL.length);
  });

  it("answers 404 for another workspace's item and charges nothing", async () => {
    const owner = await signUp("repurpose-owner");
    const stranger = await signUp("repurpose-stranger");
    const id = await createItem(owner);
    const res = await repurpose(stranger, id, { platforms: ["x"] });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect(await aiRequests(stranger.workspaceId)).toEqual([]);
    expect((await usage(stranger)).creditsUsed).toBe(0);
  });

  it("a new run replaces the item's earlier variants for those platforms only", async () => {
    const user = await signUp("repurpose-replace");
    const id = await createItem(user);
    const first = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    expect(first.status).toBe(200);
    const second = await repurpose(user, id, { platforms: ["linkedin"], tone: "bold" });
    expect(second.status).toBe(200);
    expect(second.body.data.cached).toBe(false);

    const saved = await variantsOf(user, id);
    expect(saved.map((variant) => variant.platform).sort()).toEqual(["linkedin", "x"]);
    const byPlatform = Object.fromEntries(saved.map((variant) => [variant.platform, variant.id]));
    expect(byPlatform.x).toBe(first.body.data.variants[0].id);
    expect(byPlatform.linkedin).toBe(second.body.data.variants[0].id);
  });
});

describe("brand voice", () => {
  it("is part of the cache key: after changing it the same request is generated afresh", async () => {
    const user = await signUp("voice");
    const id = await createItem(user);
    const first = await repurpose(user, id, { platforms: ["x", "instagram"] });
    expect(first.status).toBe(200);
    expect((await repurpose(user, id, { platforms: ["x", "instagram"] })).body.data.cached).toBe(
      true,
    );

    const patched = await api(`/api/workspaces/${user.workspaceId}`, {
      method: "PATCH",
      token: user.token,
      body: {
        brandVoice: {
          description: "Playful and direct, lots of energy",
          samples: ["shipping beats polishing 🚀", "one day of filming = one month of posts 🚀"],
        },
      },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    const afterVoice = await repurpose(user, id, { platforms: ["x", "instagram"] });
    expect(afterVoice.status).toBe(200);
    expect(afterVoice.body.data.cached).toBe(false);
    const firstIds = first.body.data.variants.map((variant: any) => variant.id);
    for (const variant of afterVoice.body.data.variants) expect(firstIds).not.toContain(variant.id);
    for (const variant of afterVoice.body.data.variants) {
      expect(checkVariant(asDraft(variant))).toEqual([]);
    }

    const ok = (await aiRequests(user.workspaceId)).filter((row) => row.status === "ok");
    expect(ok).toHaveLength(2);
    expect(ok[0]?.cache_key).not.toBe(ok[1]?.cache_key);
    expect((await usage(user)).creditsUsed).toBe(4);
  });
});

describe("cache", () => {
  it("an identical request answers the saved variants, charges nothing and is recorded as cached", async () => {
    const user = await signUp("cache");
    const id = await createItem(user);
    const body: RepurposeBody = { platforms: ["x", "linkedin"], tone: "professional" };

    const first = await repurpose(user, id, body);
    expect(first.status).toBe(200);
    expect(first.body.data.cached).toBe(false);
    const before = await usage(user);
    expect(before.creditsUsed).toBe(2);

    const second = await repurpose(user, id, body);
    expect(second.status).toBe(200);
    expect(second.body.data.cached).toBe(true);
    expect(second.body.data.provider).toBe("offline");
    expect(second.body.data.variants.map((variant: any) => variant.id).sort()).toEqual(
      first.body.data.variants.map((variant: any) => variant.id).sort(),
    );

    const after = await usage(user);
    expect(after.creditsUsed).toBe(before.creditsUsed);
    expect(after.byFeature).toEqual(before.byFeature);

    const rows = await aiRequests(user.workspaceId);
    expect(rows.map((row) => row.status)).toEqual(["ok", "cached"]);
    expect(rows[1]).toMatchObject({ feature: "repurpose", provider: "offline", credits: 0 });
    expect(rows[1]?.cache_key).toBe(rows[0]?.cache_key);
    // Still the same variants saved: the hit did not duplicate them.
    expect(await variantsOf(user, id)).toHaveLength(2);
  });

  it("different options are not a hit", async () => {
    const user = await signUp("cache-options");
    const id = await createItem(user);
    expect((await repurpose(user, id, { platforms: ["x"] })).status).toBe(200);
    const other = await repurpose(user, id, { platforms: ["x"], length: "short" });
    expect(other.status).toBe(200);
    expect(other.body.data.cached).toBe(false);
  });

  it("editing a variant means the next identical request is generated afresh", async () => {
    const user = await signUp("cache-edit");
    const id = await createItem(user);
    const body: RepurposeBody = { platforms: ["x", "linkedin"] };
    const first = await repurpose(user, id, body);
    expect(first.status).toBe(200);
    const linkedin = first.body.data.variants.find(
      (variant: any) => variant.platform === "linkedin",
    );

    const edited = await api(`/api/content/${id}/variants/${linkedin.id}`, {
      method: "PUT",
      token: user.token,
      body: { body: "Rewritten by hand: batching gave me my weekends back." },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.data.generatedBy).toBe("person");

    const again = await repurpose(user, id, body);
    expect(again.status).toBe(200);
    expect(again.body.data.cached).toBe(false);
    expect((await usage(user)).creditsUsed).toBe(4);
  });

  it("a deleted variant means no hit either", async () => {
    const user = await signUp("cache-delete");
    const id = await createItem(user);
    const first = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    const [variant] = first.body.data.variants;
    const deleted = await api(`/api/content/${id}/variants/${variant.id}`, {
      method: "DELETE",
      token: user.token,
    });
    expect(deleted.status).toBe(200);
    const again = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    expect(again.body.data.cached).toBe(false);
    expect(await variantsOf(user, id)).toHaveLength(2);
  });

  it("an identical request for an item is still a hit after another item with the same text was repurposed", async () => {
    const user = await signUp("cache-twins");
    // Two items whose source is word for word the same (a re-capture, a copy to rework).
    const title = `Same words twice ${crypto.randomUUID().slice(0, 6)}`;
    const body = {
      title,
      notes: "Batching saves me a day every week. Film everything on Saturday.",
    };
    const a = (await api("/api/content", { token: user.token, body })).body.data.id;
    const b = (await api("/api/content", { token: user.token, body })).body.data.id;

    const firstA = await repurpose(user, a, { platforms: ["x"] });
    expect(firstA.body.data.cached).toBe(false);
    const firstB = await repurpose(user, b, { platforms: ["x"] });
    expect(firstB.status).toBe(200);

    // Item A's variants from its first run are untouched: the same request must not be charged.
    const againA = await repurpose(user, a, { platforms: ["x"] });
    expect(againA.status).toBe(200);
    expect(againA.body.data.cached).toBe(true);
    expect(againA.body.data.variants.map((variant: any) => variant.id)).toEqual(
      firstA.body.data.variants.map((variant: any) => variant.id),
    );
    expect((await usage(user)).creditsUsed).toBe(2);
  });
});

describe("quota", () => {
  it("two concurrent requests for the last credit: exactly one wins, the other gets 402", async () => {
    const user = await signUp("quota-race");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits - 1);

    const results = await Promise.all([
      repurpose(user, id, { platforms: ["x"] }),
      repurpose(user, id, { platforms: ["linkedin"] }),
    ]);
    const statuses = results.map((res) => res.status).sort();
    expect(statuses, JSON.stringify(results.map((res) => res.body))).toEqual([200, 402]);

    const refused = results.find((res) => res.status === 402);
    expect(refused?.body.success).toBe(false);
    expect(refused?.body.error.code).toBe("QUOTA_EXCEEDED");
    expect(refused?.body.error.details.resetsAt).toBe(nextMonth());

    const summary = await usage(user);
    expect(summary.creditsUsed).toBe(FREE.monthlyAiCredits);
    expect(summary.creditsLeft).toBe(0);
    // Only the winner's variant was saved.
    const saved = await variantsOf(user, id);
    expect(saved).toHaveLength(1);
    const winner = results.find((res) => res.status === 200);
    expect(saved[0].id).toBe(winner?.body.data.variants[0].id);
  });

  it("over quota: 402 with the reset date, nothing saved, nothing charged", async () => {
    const user = await signUp("quota-over");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits);

    const res = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({
      success: false,
      error: { code: "QUOTA_EXCEEDED", details: { resetsAt: nextMonth() } },
    });
    expect(res.body.error.message).toContain(nextMonth().slice(0, 10));
    expect(await variantsOf(user, id)).toEqual([]);
    expect((await usage(user)).creditsUsed).toBe(FREE.monthlyAiCredits);
    expect((await aiRequests(user.workspaceId)).filter((row) => row.status === "ok")).toEqual([]);
  });

  it("a request that needs more credits than are left is refused whole (no partial charge)", async () => {
    const user = await signUp("quota-partial");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits - 3);
    const res = await repurpose(user, id, { platforms: ALL });
    expect(res.status).toBe(402);
    expect(res.body.error.code).toBe("QUOTA_EXCEEDED");
    expect((await usage(user)).creditsUsed).toBe(FREE.monthlyAiCredits - 3);
    // What fits still goes through.
    const fits = await repurpose(user, id, { platforms: ["x", "linkedin", "instagram"] });
    expect(fits.status).toBe(200);
    expect((await usage(user)).creditsUsed).toBe(FREE.monthlyAiCredits);
  });

  it("a cache hit is served even when the month's credits are spent", async () => {
    const user = await signUp("quota-cache");
    const id = await createItem(user);
    const first = await repurpose(user, id, { platforms: ["x"] });
    expect(first.status).toBe(200);
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits);
    const hit = await repurpose(user, id, { platforms: ["x"] });
    expect(hit.status).toBe(200);
    expect(hit.body.data.cached).toBe(true);
  });

  it("the plan sets the limit: a creator workspace past the free credits still repurposes", async () => {
    const user = await signUp("quota-plan");
    const id = await createItem(user);
    await setPlan(user.workspaceId, "creator");
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits);
    const res = await repurpose(user, id, { platforms: ["x"] });
    expect(res.status).toBe(200);
    const summary = await usage(user);
    expect(summary).toMatchObject({
      plan: "creator",
      creditsLimit: PLANS.creator.monthlyAiCredits,
      creditsUsed: FREE.monthlyAiCredits + 1,
      creditsLeft: PLANS.creator.monthlyAiCredits - FREE.monthlyAiCredits - 1,
    });
  });

  it("last month's usage does not count against this month", async () => {
    const user = await signUp("quota-period");
    const id = await createItem(user);
    await env.DB.prepare(
      "INSERT INTO usage_counters (workspace_id, period, credits_used, updated_at) VALUES (?, ?, ?, ?)",
    )
      .bind(user.workspaceId, "2000-01", FREE.monthlyAiCredits, Date.now())
      .run();
    const res = await repurpose(user, id, { platforms: ["x"] });
    expect(res.status).toBe(200);
    expect((await usage(user)).creditsUsed).toBe(1);
  });
});

describe("AI rate limit (the workspace's Durable Object)", () => {
  it("an empty bucket answers 429 with Retry-After; a cache hit still works", async () => {
    const user = await signUp("ai-rate");
    const id = await createItem(user);
    const first = await repurpose(user, id, { platforms: ["x"] });
    expect(first.status).toBe(200);

    await drainAiBucket(user.workspaceId);
    const limited = await repurpose(user, id, { platforms: ["linkedin"] });
    expect(limited.status).toBe(429);
    expect(limited.body.success).toBe(false);
    expect(limited.body.error.code).toBe("RATE_LIMITED");
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    // One token back at aiCallsPerMinute per 60 s.
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(60 / FREE.aiCallsPerMinute));
    // Refused before charging.
    expect((await usage(user)).creditsUsed).toBe(1);

    const hit = await repurpose(user, id, { platforms: ["x"] });
    expect(hit.status).toBe(200);
    expect(hit.body.data.cached).toBe(true);
  });

  it("the plan's aiCallsPerMinute calls pass, the next one is refused", async () => {
    const user = await signUp("ai-rate-plan");
    const id = await createItem(user);
    const statuses: number[] = [];
    // Each call asks for something new (a different length / tone) so none is a cache hit.
    const variantsOfRequest: RepurposeBody[] = [
      { platforms: ["x"] },
      { platforms: ["x"], length: "short" },
      { platforms: ["x"], length: "medium" },
      { platforms: ["x"], length: "long" },
      { platforms: ["x"], tone: "bold" },
      { platforms: ["x"], tone: "playful" },
    ];
    expect(variantsOfRequest.length).toBe(FREE.aiCallsPerMinute + 1);
    for (const body of variantsOfRequest) statuses.push((await repurpose(user, id, body)).status);
    expect(statuses).toEqual([...Array(FREE.aiCallsPerMinute).fill(200), 429]);
  });
});

describe("GET /api/usage", () => {
  it("answers this month's credits used and left, per feature, and the reset date", async () => {
    const user = await signUp("usage");
    const empty = await usage(user);
    expect(empty).toMatchObject({
      plan: "free",
      period: period(),
      creditsLimit: FREE.monthlyAiCredits,
      creditsUsed: 0,
      creditsLeft: FREE.monthlyAiCredits,
      resetsAt: nextMonth(),
      byFeature: [],
    });

    const id = await createItem(user);
    expect((await repurpose(user, id, { platforms: ["x", "linkedin", "newsletter"] })).status).toBe(
      200,
    );
    expect((await repurpose(user, id, { platforms: ["youtube"] })).status).toBe(200);
    // A hit changes nothing.
    expect((await repurpose(user, id, { platforms: ["youtube"] })).body.data.cached).toBe(true);

    const summary = await usage(user);
    expect(summary.creditsUsed).toBe(4);
    expect(summary.creditsLeft).toBe(FREE.monthlyAiCredits - 4);
    expect(summary.resetsAt).toBe(nextMonth());
    expect(summary.byFeature).toEqual([
      expect.objectContaining({ feature: "repurpose", credits: 4, requests: 2 }),
    ]);
  });

  it("is per workspace", async () => {
    const busy = await signUp("usage-busy");
    const idle = await signUp("usage-idle");
    const id = await createItem(busy);
    expect((await repurpose(busy, id, { platforms: ["x"] })).status).toBe(200);
    expect((await usage(idle)).creditsUsed).toBe(0);
    expect((await usage(idle)).byFeature).toEqual([]);
  });

  it("needs a signed-in member", async () => {
    const res = await api("/api/usage");
    expect(res.status).toBe(401);
  });
});

describe("streaming (Accept: text/event-stream)", () => {
  it("streams progress, text, then done with the saved variants", async () => {
    const user = await signUp("sse");
    const id = await createItem(user);
    const platforms: PlatformId[] = ["x", "linkedin", "tiktok"];
    const res = await streamRepurpose(user, id, { platforms });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");

    const events = parseSse(await res.text());
    expect(events[0]?.event).toBe("progress");
    expect(events[0]?.data.platforms).toEqual(platforms);
    const text = events.filter((event) => event.event === "text");
    expect(text.length).toBeGreaterThan(3);
    expect(events.slice(1, -1).every((event) => event.event === "text")).toBe(true);
    const done = events.at(-1);
    expect(done?.event).toBe("done");
    expect(done?.data.success).toBe(true);
    const variants = done?.data.data.variants;
    expect(variants.map((variant: any) => variant.platform)).toEqual(platforms);

    // The text events spell out the variants as they were generated.
    const streamed = text.map((event) => event.data.delta).join("");
    for (const variant of variants) expect(streamed).toContain(variant.body.split("\n")[0]);

    const saved = await variantsOf(user, id);
    expect(saved.map((variant) => variant.id).sort()).toEqual(
      variants.map((variant: any) => variant.id).sort(),
    );
    expect((await usage(user)).creditsUsed).toBe(platforms.length);
  });

  it("over quota: an error event with QUOTA_EXCEEDED and nothing saved", async () => {
    const user = await signUp("sse-quota");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits);
    const res = await streamRepurpose(user, id, { platforms: ["x"] });
    const events = parseSse(await res.text());
    expect(events.map((event) => event.event)).toEqual(["progress", "error"]);
    expect(events[1]?.data).toMatchObject({
      success: false,
      error: { code: "QUOTA_EXCEEDED", details: { resetsAt: nextMonth() } },
    });
    expect(await variantsOf(user, id)).toEqual([]);
  });

  it("rate limited: an error event with RATE_LIMITED", async () => {
    const user = await signUp("sse-rate");
    const id = await createItem(user);
    await drainAiBucket(user.workspaceId);
    const events = parseSse(await (await streamRepurpose(user, id, { platforms: ["x"] })).text());
    expect(events.at(-1)?.event).toBe("error");
    expect(events.at(-1)?.data.error.code).toBe("RATE_LIMITED");
  });

  it("a cached run streams done straight away", async () => {
    const user = await signUp("sse-cache");
    const id = await createItem(user);
    expect((await repurpose(user, id, { platforms: ["x"] })).status).toBe(200);
    const events = parseSse(await (await streamRepurpose(user, id, { platforms: ["x"] })).text());
    expect(events.map((event) => event.event)).toEqual(["progress", "done"]);
    expect(events[1]?.data.data.cached).toBe(true);
  });

  it("a client that disconnects never leaves half-saved variants or a charge without variants", async () => {
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
    if (saved.length === 0) {
      expect(summary.creditsUsed).toBe(0);
      expect(rows.filter((row) => row.status === "ok")).toEqual([]);
    } else {
      expect(saved.map((variant) => variant.platform).sort()).toEqual([...ALL].sort());
      expect(summary.creditsUsed).toBe(ALL.length);
      expect(rows.filter((row) => row.status === "ok")).toHaveLength(1);
    }
  });
});

describe("the configured OpenAI-compatible provider through the route (OpenAI faked at fetch)", () => {
  const answer = [
    {
      platform: "x",
      body: "1/1 Batching gave me my weekends back.",
      parts: ["1/1 Batching gave me my weekends back."],
    },
    { platform: "linkedin", body: "Batching gave me my weekends back. Here is how.", parts: null },
  ];

  it("answers and saves the model's variants, labelled with provider and model, priced", async () => {
    const user = await signUp("route-openai");
    const id = await createItem(user);
    useOpenAiProvider();
    const fetchSpy = vi
      .spyOn(globalThis, "fetch")
      .mockImplementation(async () => chatCompletion("gpt-4o-mini", answer));

    const res = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(res.body.data).toMatchObject({
      cached: false,
      provider: "openai-compatible",
      model: "gpt-4o-mini",
    });
    for (const variant of res.body.data.variants) {
      expect(variant).toMatchObject({
        provider: "openai-compatible",
        model: "gpt-4o-mini",
        offline: false,
      });
    }
    const [row] = await aiRequests(user.workspaceId);
    expect(row).toMatchObject({
      provider: "openai-compatible",
      model: "gpt-4o-mini",
      prompt_tokens: 1200,
      completion_tokens: 300,
      status: "ok",
      credits: 2,
    });
    expect(row?.cost_micros).toBe(estimateCostMicros("gpt-4o-mini", 1200, 300));
    expect((await usage(user)).byFeature[0].costMicros).toBe(row?.cost_micros);

    // Identical again: served from the cache, the provider is not called.
    const hit = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    expect(hit.body.data.cached).toBe(true);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it("a failed provider call answers 502, refunds the credits and saves nothing", async () => {
    const user = await signUp("route-openai-fail");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, 7);
    useOpenAiProvider();
    vi.spyOn(globalThis, "fetch").mockImplementation(async () =>
      openAiError(401, "Incorrect API key provided: sk-test.", "invalid_request_error"),
    );

    const res = await repurpose(user, id, { platforms: ["x", "linkedin", "instagram"] });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe("AI_UNAVAILABLE");
    expect((await usage(user)).creditsUsed).toBe(7);
    expect(await variantsOf(user, id)).toEqual([]);
    const rows = await aiRequests(user.workspaceId);
    expect(rows.map((row) => [row.status, row.error_code, row.credits])).toEqual([
      ["error", "AI_UNAVAILABLE", 0],
    ]);
    // Refunded credits are spendable again.
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits - 3);
    vi.restoreAllMocks();
    vi.spyOn(globalThis, "fetch").mockImplementation(async () =>
      chatCompletion("gpt-4o-mini", [
        ...answer,
        {
          platform: "instagram",
          body: "Batching gave me my weekends back. #creators",
          parts: null,
        },
      ]),
    );
    expect((await repurpose(user, id, { platforms: ["x", "linkedin", "instagram"] })).status).toBe(
      200,
    );
  });

  it("SSE: the text events are the model's deltas, in order, then done", async () => {
    const user = await signUp("route-openai-sse");
    const id = await createItem(user);
    useOpenAiProvider();
    const content = JSON.stringify({ variants: answer });
    const pieces = content.match(/[\s\S]{1,17}/g) ?? [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) =>
      streamedCompletion("gpt-4o-mini", pieces, init?.signal),
    );

    const res = await streamRepurpose(user, id, { platforms: ["x", "linkedin"] });
    const events = parseSse(await res.text());
    expect(events[0]?.event).toBe("progress");
    const deltas = events
      .filter((event) => event.event === "text")
      .map((event) => event.data.delta);
    expect(deltas).toEqual(pieces);
    const done = events.at(-1);
    expect(done?.event).toBe("done");
    expect(done?.data.data.variants.map((variant: any) => variant.body)).toEqual(
      answer.map((variant) => variant.body),
    );
    expect(await variantsOf(user, id)).toHaveLength(2);
  });

  it("SSE: a client that disconnects mid-answer leaves nothing (refunded) or the complete set, never a charge without variants", async () => {
    const user = await signUp("route-openai-disconnect");
    const id = await createItem(user);
    useOpenAiProvider();
    const content = JSON.stringify({ variants: answer });
    const pieces = content.match(/[\s\S]{1,17}/g) ?? [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) =>
      // Half the answer arrives now, the rest 300 ms later (unless the request is aborted).
      streamedCompletion("gpt-4o-mini", pieces, init?.signal, {
        after: Math.floor(pieces.length / 2),
        ms: 300,
      }),
    );

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

describe("repurposeContent with the OpenAI-compatible provider (OpenAI faked at fetch)", () => {
  const xVariant = (body: string) => ({ platform: "x", body, parts: [body] });

  const openAi = (maxRetries = 0) =>
    new OpenAiCompatibleProvider({
      apiKey: "sk-test",
      baseURL: "https://api.openai.test/v1",
      model: "gpt-4o-mini",
      timeoutMs: 2_000,
      maxRetries,
    });

  async function jobFor(user: TestUser, id: string) {
    const db = createDb(env.DB);
    const item = await findContent(new WorkspaceScope(db, user.workspaceId), id);
    if (!item) throw new Error("item not found");
    return {
      db,
      env,
      workspace: { id: user.workspaceId, plan: "free" as const },
      userId: user.userId,
      item,
    };
  }

  it("records provider, model, tokens and the estimated cost, and saves the variants", async () => {
    const user = await signUp("openai-record");
    const id = await createItem(user);
    vi.spyOn(globalThis, "fetch").mockImplementation(async () =>
      chatCompletion("gpt-4o-mini", [
        xVariant("1/1 Batching gave me my weekends back."),
        { platform: "linkedin", body: "Batching gave me my weekends back.", parts: null },
      ]),
    );
    const outcome = await repurposeContent({
      ...(await jobFor(user, id)),
      platforms: ["x", "linkedin"],
      provider: openAi(),
    });
    expect(outcome.cached).toBe(false);
    expect(outcome.provider).toBe("openai-compatible");
    expect(outcome.variants.map((variant) => variant.offline)).toEqual([false, false]);

    const [row] = await aiRequests(user.workspaceId);
    expect(row).toMatchObject({
      provider: "openai-compatible",
      model: "gpt-4o-mini",
      prompt_tokens: 1200,
      completion_tokens: 300,
      cost_micros: estimateCostMicros("gpt-4o-mini", 1200, 300),
      status: "ok",
      credits: 2,
    });
    expect(row?.cost_micros).toBeGreaterThan(0);
    const saved = await variantsOf(user, id);
    expect(saved.map((variant) => variant.model)).toEqual(["gpt-4o-mini", "gpt-4o-mini"]);
  });

  it("a failed provider call refunds the credits, records the error and saves nothing", async () => {
    const user = await signUp("openai-refund");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, 10);
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(
      async () =>
        new Response(
          JSON.stringify({
            error: {
              message: "The server had an error while processing your request.",
              type: "server_error",
              param: null,
              code: null,
            },
          }),
          { status: 500, headers: { "content-type": "application/json" } },
        ),
    );
    let error: unknown;
    try {
      await repurposeContent({
        ...(await jobFor(user, id)),
        platforms: ["x", "linkedin", "instagram"],
        provider: openAi(),
      });
    } catch (caught) {
      error = caught;
    }
    expect(fetchSpy).toHaveBeenCalled();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: "AI_UNAVAILABLE" });
    expect((await usage(user)).creditsUsed).toBe(10);
    const rows = await aiRequests(user.workspaceId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "error", error_code: "AI_UNAVAILABLE", credits: 0 });
    expect(await variantsOf(user, id)).toEqual([]);
    expect((await usage(user)).byFeature).toEqual([]);
  });

  it("a thread post over 280 characters is re-split before it is saved", async () => {
    const user = await signUp("openai-repair");
    const id = await createItem(user);
    const long = `1/1 ${"Batching my filming into one weekend changed how the whole month feels. ".repeat(6).trim()}`;
    expect(long.length).toBeGreaterThan(280);
    vi.spyOn(globalThis, "fetch").mockImplementation(async () =>
      chatCompletion("gpt-4o-mini", [xVariant(long)]),
    );
    const outcome = await repurposeContent({
      ...(await jobFor(user, id)),
      platforms: ["x"],
      provider: openAi(),
    });
    const [variant] = outcome.variants;
    expect(variant?.parts?.length).toBeGreaterThan(1);
    expect(checkVariant(asDraft(variant))).toEqual([]);
  });

  it("a platform missing from the answer is asked for again", async () => {
    const user = await signUp("openai-regenerate");
    const id = await createItem(user);
    const requested: string[][] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) => {
      const body = JSON.parse(String(init?.body));
      const user = body.messages[1].content as string;
      const platforms = (/Platforms: (.*)$/m.exec(user)?.[1] ?? "").split(", ");
      requested.push(platforms);
      return requested.length === 1
        ? chatCompletion("gpt-4o-mini", [xVariant("1/1 Batching works.")])
        : chatCompletion("gpt-4o-mini", [
            { platform: "linkedin", body: "Batching works for me.", parts: null },
          ]);
    });
    const outcome = await repurposeContent({
      ...(await jobFor(user, id)),
      platforms: ["x", "linkedin"],
      provider: openAi(),
    });
    expect(requested).toEqual([["x", "linkedin"], ["linkedin"]]);
    expect(outcome.variants.map((variant) => variant.platform)).toEqual(["x", "linkedin"]);
    const [row] = await aiRequests(user.workspaceId);
    expect(row?.prompt_tokens).toBe(2400);
  });

  it("an answer that is unusable twice is AI_OUTPUT_INVALID, refunded and nothing is saved", async () => {
    const user = await signUp("openai-unusable");
    const id = await createItem(user);
    vi.spyOn(globalThis, "fetch").mockImplementation(async () =>
      chatCompletion("gpt-4o-mini", [{ platform: "linkedin", body: "   ", parts: null }]),
    );
    let error: unknown;
    try {
      await repurposeContent({
        ...(await jobFor(user, id)),
        platforms: ["linkedin"],
        provider: openAi(),
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ status: 502, code: "AI_OUTPUT_INVALID" });
    expect((await usage(user)).creditsUsed).toBe(0);
    expect(await variantsOf(user, id)).toEqual([]);
  });
});

describe("bulk repurposing (POST /api/jobs/repurpose + the jobs queue)", () => {
  it("queues one message per item, then the consumer fills in the job", async () => {
    const user = await signUp("bulk");
    const a = await createItem(user);
    const b = await createItem(user);

    const { res, messages } = await startBulk(user, {
      contentIds: [a, b],
      platforms: ["x", "linkedin"],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data).toMatchObject({
      kind: "repurpose",
      status: "queued",
      total: 2,
      done: 0,
      items: {},
    });
    const jobId = res.body.data.id;
    expect(messages.map((message) => message.body)).toEqual([
      expect.objectContaining({
        kind: "repurpose",
        jobId,
        workspaceId: user.workspaceId,
        userId: user.userId,
        contentId: a,
        platforms: ["x", "linkedin"],
        dedupeKey: `${jobId}:${a}`,
      }),
      expect.objectContaining({
        kind: "repurpose",
        jobId,
        contentId: b,
        dedupeKey: `${jobId}:${b}`,
      }),
    ]);
    // Nothing ran yet.
    expect((await job(user, jobId)).body.data.status).toBe("queued");

    const result = await deliver(JOBS_QUEUE, messages);
    expect([...result.explicitAcks].sort()).toEqual(messages.map((message) => message.id).sort());
    expect(result.retryMessages).toEqual([]);

    const polled = await job(user, jobId);
    expect(polled.status).toBe(200);
    expect(polled.body.data).toMatchObject({ id: jobId, status: "succeeded", total: 2, done: 2 });
    for (const contentId of [a, b]) {
      const item = polled.body.data.items[contentId];
      expect(item.status).toBe("succeeded");
      expect(item.variantIds).toHaveLength(2);
      const saved = await variantsOf(user, contentId);
      expect(saved.map((variant) => variant.id).sort()).toEqual([...item.variantIds].sort());
      for (const variant of saved) expect(checkVariant(asDraft(variant))).toEqual([]);
    }
    expect((await usage(user)).creditsUsed).toBe(4);

    // Redelivery (the queue is at-least-once) changes nothing.
    const again = await deliver(JOBS_QUEUE, messages);
    expect([...again.explicitAcks].sort()).toEqual(messages.map((message) => message.id).sort());
    const repolled = await job(user, jobId);
    expect(repolled.body.data.done).toBe(2);
    expect(repolled.body.data.items).toEqual(polled.body.data.items);
    expect(await variantsOf(user, a)).toHaveLength(2);
    expect(await variantsOf(user, b)).toHaveLength(2);
    expect((await usage(user)).creditsUsed).toBe(4);
    expect((await aiRequests(user.workspaceId)).filter((row) => row.status === "ok")).toHaveLength(
      2,
    );
  });

  it("refuses unknown or deleted items up front with 404 and queues nothing", async () => {
    const user = await signUp("bulk-missing");
    const a = await createItem(user);
    const { res, messages } = await startBulk(user, {
      contentIds: [a, "cnt_does_not_exist"],
      platforms: ["x"],
    });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect(messages).toEqual([]);
  });

  it("an item deleted after queueing fails NOT_FOUND and is acked; the job still completes", async () => {
    const user = await signUp("bulk-deleted");
    const a = await createItem(user);
    const b = await createItem(user);
    const { res, messages } = await startBulk(user, { contentIds: [a, b], platforms: ["x"] });
    expect(res.status).toBe(202);
    const deleted = await api(`/api/content/${b}`, { method: "DELETE", token: user.token });
    expect(deleted.status).toBe(200);

    const result = await deliver(JOBS_QUEUE, messages);
    expect([...result.explicitAcks].sort()).toEqual(messages.map((message) => message.id).sort());
    expect(result.retryMessages).toEqual([]);
    const polled = (await job(user, res.body.data.id)).body.data;
    expect(polled).toMatchObject({ status: "succeeded", done: 2 });
    expect(polled.items[a].status).toBe("succeeded");
    expect(polled.items[b]).toMatchObject({ status: "failed", error: { code: "NOT_FOUND" } });
    expect((await usage(user)).creditsUsed).toBe(1);
  });

  it("an item over quota fails QUOTA_EXCEEDED and is acked (not retried)", async () => {
    const user = await signUp("bulk-quota");
    const a = await createItem(user);
    const { res, messages } = await startBulk(user, { contentIds: [a], platforms: ["x"] });
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits);
    const result = await deliver(JOBS_QUEUE, messages);
    expect(result.explicitAcks).toEqual([messages[0]?.id]);
    expect(result.retryMessages).toEqual([]);
    const polled = (await job(user, res.body.data.id)).body.data;
    expect(polled.items[a]).toMatchObject({ status: "failed", error: { code: "QUOTA_EXCEEDED" } });
  });

  it("a rate-limited item is retried later with the limiter's delay", async () => {
    const user = await signUp("bulk-rate");
    const a = await createItem(user);
    const { res, messages } = await startBulk(user, { contentIds: [a], platforms: ["x"] });
    await drainAiBucket(user.workspaceId);
    // getQueueResult does not report the delay, so watch the message's retry() itself.
    const retries: Array<QueueRetryOptions | undefined> = [];
    const result = await deliver(JOBS_QUEUE, messages, (batch) => {
      for (const message of batch.messages) {
        const retry = message.retry.bind(message);
        vi.spyOn(message, "retry").mockImplementation((options) => {
          retries.push(options);
          retry(options);
        });
      }
    });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: messages[0]?.id }]);
    // The limiter's Retry-After: one token back within 60 / aiCallsPerMinute seconds.
    expect(retries).toHaveLength(1);
    expect(retries[0]?.delaySeconds).toBeGreaterThan(0);
    expect(retries[0]?.delaySeconds).toBeLessThanOrEqual(Math.ceil(60 / FREE.aiCallsPerMinute));
    const polled = (await job(user, res.body.data.id)).body.data;
    expect(polled).toMatchObject({ status: "queued", done: 0, items: {} });
  });

  it("dead-lettered: the item is marked failed, recorded, acked; a finished item is not overwritten", async () => {
    const user = await signUp("bulk-dlq");
    const a = await createItem(user);
    const b = await createItem(user);
    const { res, messages } = await startBulk(user, { contentIds: [a, b], platforms: ["x"] });
    const [forA, forB] = messages;
    if (!forA || !forB) throw new Error("expected two messages");

    expect((await deliver(JOBS_QUEUE, [forA])).explicitAcks).toEqual([forA.id]);
    const dead = await deliver(DLQ, [{ ...forB, attempts: 6 }]);
    expect(dead.explicitAcks).toEqual([forB.id]);

    const polled = (await job(user, res.body.data.id)).body.data;
    expect(polled).toMatchObject({ status: "succeeded", done: 2 });
    expect(polled.items[a].status).toBe("succeeded");
    expect(polled.items[b]).toMatchObject({ status: "failed", error: { code: "AI_UNAVAILABLE" } });
    const { results } = await env.DB.prepare(
      "SELECT queue, attempts FROM dead_jobs WHERE message_id = ?",
    )
      .bind(forB.id)
      .all();
    expect(results).toEqual([{ queue: DLQ, attempts: 6 }]);

    // A stray dead letter for the item that already succeeded changes nothing.
    await deliver(DLQ, [{ ...forA, id: `${forA.id}-dead` }]);
    const after = (await job(user, res.body.data.id)).body.data;
    expect(after.done).toBe(2);
    expect(after.items[a].status).toBe("succeeded");
  });

  it("GET /api/jobs/:id: unknown id → 404, another workspace's job → 404", async () => {
    const user = await signUp("bulk-404");
    const stranger = await signUp("bulk-404-stranger");
    const unknown = await job(user, "job_does_not_exist");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("NOT_FOUND");

    const a = await createItem(user);
    const { res } = await startBulk(user, { contentIds: [a], platforms: ["x"] });
    expect(res.status).toBe(202);
    const foreign = await job(stranger, res.body.data.id);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe("NOT_FOUND");
  });
});
