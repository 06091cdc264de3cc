/**
 * What repurposing costs: the cache (a hit is free), monthly credits (charged atomically, one
 * per platform, on the paid provider only), the per-workspace AI rate limit (the workspace's
 * Durable Object) and the usage summary. Credits are only spent on paid AI work, so these run
 * with the OpenAI-compatible provider (OpenAI faked at `fetch`); each offline twin shows the
 * same run costing nothing.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { PLANS } from "../../shared/plans";
import { api, signUp } from "./helpers";
import {
  ALL,
  aiRequests,
  cleanUpAfterTest,
  createItem,
  drainAiBucket,
  FREE,
  fakeOpenAi,
  nextMonth,
  period,
  type RepurposeBody,
  repurpose,
  setCreditsUsed,
  setPlan,
  usage,
  useOpenAiProvider,
  variantsOf,
} from "./repurpose-helpers";

afterEach(cleanUpAfterTest);

describe("cache", () => {
  it("an identical request answers the saved variants, charges nothing and is recorded as cached", async () => {
    const user = await signUp("cache");
    const id = await createItem(user);
    useOpenAiProvider();
    const openAi = fakeOpenAi();
    const body: RepurposeBody = { platforms: ["x", "linkedin"], tone: "professional" };

    const first = await repurpose(user, id, body);
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ cached: false, credits: 2 });
    const before = await usage(user);
    expect(before.creditsUsed).toBe(2);

    const second = await repurpose(user, id, body);
    expect(second.status).toBe(200);
    expect(second.body.data).toMatchObject({
      cached: true,
      credits: 0,
      provider: "openai-compatible",
    });
    expect(second.body.data.variants.map((variant: any) => variant.id).sort()).toEqual(
      first.body.data.variants.map((variant: any) => variant.id).sort(),
    );
    expect(openAi.requests).toHaveLength(1);

    const after = await usage(user);
    expect(after.creditsUsed).toBe(before.creditsUsed);
    expect(after.byFeature).toEqual(before.byFeature);

    const rows = await aiRequests(user.workspaceId);
    expect(rows.map((row) => row.status)).toEqual(["ok", "cached"]);
    expect(rows[1]).toMatchObject({
      feature: "repurpose",
      provider: "openai-compatible",
      credits: 0,
      cost_micros: 0,
    });
    expect(rows[1]?.cache_key).toBe(rows[0]?.cache_key);
    // Still the same variants saved: the hit did not duplicate them.
    expect(await variantsOf(user, id)).toHaveLength(2);
  });

  it("offline: the first run is free too, and an identical request is a cached hit labelled offline", async () => {
    const user = await signUp("cache-offline");
    const id = await createItem(user);
    const body: RepurposeBody = { platforms: ["x", "linkedin"], tone: "professional" };

    const first = await repurpose(user, id, body);
    expect(first.body.data).toMatchObject({ cached: false, provider: "offline", credits: 0 });
    const second = await repurpose(user, id, body);
    expect(second.body.data).toMatchObject({ cached: true, provider: "offline", credits: 0 });
    expect(second.body.data.variants.map((variant: any) => variant.id).sort()).toEqual(
      first.body.data.variants.map((variant: any) => variant.id).sort(),
    );

    const rows = await aiRequests(user.workspaceId);
    expect(rows.map((row) => [row.status, row.provider, row.credits, row.cost_micros])).toEqual([
      ["ok", "offline", 0, 0],
      ["cached", "offline", 0, 0],
    ]);
    expect(rows[1]?.cache_key).toBe(rows[0]?.cache_key);
    expect((await usage(user)).creditsUsed).toBe(0);
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
    useOpenAiProvider();
    const openAi = fakeOpenAi();
    // Two items whose piece is word for word the same (a re-capture, a copy to rework).
    const title = `Same words twice ${crypto.randomUUID().slice(0, 6)}`;
    const fields = {
      title,
      body: "Batching saves me a day every week. Film everything on Saturday.",
    };
    const a = (await api("/api/content", { token: user.token, body: fields })).body.data.id;
    const b = (await api("/api/content", { token: user.token, body: fields })).body.data.id;

    const firstA = await repurpose(user, a, { platforms: ["x"] });
    expect(firstA.body.data.cached).toBe(false);
    const firstB = await repurpose(user, b, { platforms: ["x"] });
    expect(firstB.status).toBe(200);
    expect(firstB.body.data.cached).toBe(false);

    // Item A's variants from its first run are untouched: the same request must not be charged.
    const againA = await repurpose(user, a, { platforms: ["x"] });
    expect(againA.status).toBe(200);
    expect(againA.body.data.cached).toBe(true);
    expect(againA.body.data.variants.map((variant: any) => variant.id)).toEqual(
      firstA.body.data.variants.map((variant: any) => variant.id),
    );
    expect(openAi.requests).toHaveLength(2);
    expect((await usage(user)).creditsUsed).toBe(2);
  });
});

describe("monthly credits (paid provider)", () => {
  it("two concurrent requests for the last credit: exactly one wins, the other gets 402", async () => {
    const user = await signUp("quota-race");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits - 1);
    useOpenAiProvider();
    const openAi = fakeOpenAi();

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
    // The refused request never reached the model.
    expect(openAi.requests).toHaveLength(1);

    const summary = await usage(user);
    expect(summary.creditsUsed).toBe(FREE.monthlyAiCredits);
    expect(summary.creditsLeft).toBe(0);
    // Only the winner's variant was saved.
    const saved = await variantsOf(user, id);
    expect(saved).toHaveLength(1);
    const winner = results.find((res) => res.status === 200);
    expect(saved[0].id).toBe(winner?.body.data.variants[0].id);
    expect(winner?.body.data.credits).toBe(1);
  });

  it("over quota: 402 with the reset date, nothing saved, nothing charged, no model call", async () => {
    const user = await signUp("quota-over");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits);
    useOpenAiProvider();
    const openAi = fakeOpenAi();

    const res = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({
      success: false,
      error: { code: "QUOTA_EXCEEDED", details: { resetsAt: nextMonth() } },
    });
    expect(res.body.error.message).toContain(nextMonth().slice(0, 10));
    expect(openAi.requests).toEqual([]);
    expect(await variantsOf(user, id)).toEqual([]);
    expect((await usage(user)).creditsUsed).toBe(FREE.monthlyAiCredits);
    expect((await aiRequests(user.workspaceId)).filter((row) => row.status === "ok")).toEqual([]);
  });

  it("offline twin: over quota, the free offline drafts are still written and nothing is charged", async () => {
    const user = await signUp("quota-over-offline");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits);

    const res = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ provider: "offline", credits: 0 });
    expect(await variantsOf(user, id)).toHaveLength(2);
    expect((await usage(user)).creditsUsed).toBe(FREE.monthlyAiCredits);
  });

  it("a request that needs more credits than are left is refused whole (no partial charge)", async () => {
    const user = await signUp("quota-partial");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits - 3);
    useOpenAiProvider();
    const openAi = fakeOpenAi();

    const res = await repurpose(user, id, { platforms: ALL });
    expect(res.status).toBe(402);
    expect(res.body.error.code).toBe("QUOTA_EXCEEDED");
    expect(openAi.requests).toEqual([]);
    expect((await usage(user)).creditsUsed).toBe(FREE.monthlyAiCredits - 3);
    expect(await variantsOf(user, id)).toEqual([]);
    // What fits still goes through.
    const fits = await repurpose(user, id, { platforms: ["x", "linkedin", "instagram"] });
    expect(fits.status).toBe(200);
    expect(fits.body.data.credits).toBe(3);
    expect((await usage(user)).creditsUsed).toBe(FREE.monthlyAiCredits);
  });

  it("a cache hit is served even when the month's credits are spent", async () => {
    const user = await signUp("quota-cache");
    const id = await createItem(user);
    useOpenAiProvider();
    const openAi = fakeOpenAi();
    const first = await repurpose(user, id, { platforms: ["x"] });
    expect(first.status).toBe(200);
    expect((await usage(user)).creditsUsed).toBe(1);
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits);
    const hit = await repurpose(user, id, { platforms: ["x"] });
    expect(hit.status).toBe(200);
    expect(hit.body.data).toMatchObject({ cached: true, credits: 0 });
    expect(openAi.requests).toHaveLength(1);
    expect((await usage(user)).creditsUsed).toBe(FREE.monthlyAiCredits);
  });

  it("the plan sets the limit: a creator workspace past the free credits still repurposes", async () => {
    const user = await signUp("quota-plan");
    const id = await createItem(user);
    await setPlan(user.workspaceId, "creator");
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits);
    useOpenAiProvider();
    fakeOpenAi();
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
    useOpenAiProvider();
    fakeOpenAi();
    const res = await repurpose(user, id, { platforms: ["x"] });
    expect(res.status).toBe(200);
    expect((await usage(user)).creditsUsed).toBe(1);
  });
});

describe("AI rate limit (the workspace's Durable Object)", () => {
  it("an empty bucket answers 429 with Retry-After before charging; a cache hit still works", async () => {
    const user = await signUp("ai-rate");
    const id = await createItem(user);
    useOpenAiProvider();
    const openAi = fakeOpenAi();
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
    // Refused before charging and before calling the model.
    expect((await usage(user)).creditsUsed).toBe(1);
    expect(openAi.requests).toHaveLength(1);

    const hit = await repurpose(user, id, { platforms: ["x"] });
    expect(hit.status).toBe(200);
    expect(hit.body.data.cached).toBe(true);
  });

  it("the plan's aiCallsPerMinute calls pass, the next one is refused (offline runs count too)", async () => {
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
    useOpenAiProvider();
    fakeOpenAi();
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
    expect(summary.byFeature[0].costMicros).toBeGreaterThan(0);
  });

  it("offline runs are counted as requests with 0 credits and cost 0", async () => {
    const user = await signUp("usage-offline");
    const id = await createItem(user);
    expect((await repurpose(user, id, { platforms: ["x", "linkedin", "newsletter"] })).status).toBe(
      200,
    );
    expect((await repurpose(user, id, { platforms: ["youtube"] })).status).toBe(200);
    expect((await repurpose(user, id, { platforms: ["youtube"] })).body.data.cached).toBe(true);

    const summary = await usage(user);
    expect(summary.creditsUsed).toBe(0);
    expect(summary.creditsLeft).toBe(FREE.monthlyAiCredits);
    expect(summary.byFeature).toEqual([
      expect.objectContaining({ feature: "repurpose", credits: 0, requests: 2, costMicros: 0 }),
    ]);
  });

  it("is per workspace", async () => {
    const busy = await signUp("usage-busy");
    const idle = await signUp("usage-idle");
    const id = await createItem(busy);
    useOpenAiProvider();
    fakeOpenAi();
    expect((await repurpose(busy, id, { platforms: ["x"] })).status).toBe(200);
    expect((await usage(busy)).creditsUsed).toBe(1);
    expect((await usage(idle)).creditsUsed).toBe(0);
    expect((await usage(idle)).byFeature).toEqual([]);
  });

  it("needs a signed-in member", async () => {
    const res = await api("/api/usage");
    expect(res.status).toBe(401);
  });
});
