/**
 * Repurposing through the API with the offline provider (no AI_API_KEY): free, deterministic
 * drafts that keep every platform's rules, read the piece (never its private notes) and never
 * carry bidirectional controls — recorded in ai_requests, but charged nothing.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { checkVariant, type PlatformId } from "../../shared/platforms";
import { OFFLINE_MODEL } from "../ai/offline";
import { repurposeContent } from "../content/repurpose";
import { api, signUp } from "./helpers";
import {
  ALL,
  aiRequests,
  asDraft,
  BIDI,
  cleanUpAfterTest,
  createItem,
  FREE,
  fakeOpenAi,
  itemOf,
  repurpose,
  setCreditsUsed,
  textsOf,
  usage,
  useOpenAiProvider,
  variantsOf,
} from "./repurpose-helpers";

afterEach(cleanUpAfterTest);

describe("POST /api/content/:id/repurpose with the offline provider", () => {
  it("answers one saved, rule-abiding, offline-labelled variant per platform and records the call", async () => {
    const user = await signUp("repurpose");
    const id = await createItem(user);

    const res = await repurpose(user, id, { platforms: ALL });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.success).toBe(true);
    const { variants, cached, provider, model, skipped } = res.body.data;
    expect(cached).toBe(false);
    expect(provider).toBe("offline");
    expect(model).toBe(OFFLINE_MODEL);
    expect(skipped).toEqual([]);
    expect(variants.map((variant: any) => variant.platform)).toEqual(ALL);
    for (const variant of variants) {
      expect(variant.contentId).toBe(id);
      expect(variant.provider).toBe("offline");
      expect(variant.model).toBe(OFFLINE_MODEL);
      expect(variant.offline).toBe(true);
      expect(variant.generatedBy).toBe("ai");
      expect(variant.body.length).toBeGreaterThan(0);
      expect(checkVariant(asDraft(variant)), `${variant.platform}: ${variant.body}`).toEqual([]);
    }
    const x = variants.find((variant: any) => variant.platform === "x");
    expect(Array.isArray(x.parts) && x.parts.length).toBeTruthy();

    // Saved: the item answers the same variants, in its own view and in its variants list.
    const saved = await variantsOf(user, id);
    expect(saved.map((variant) => variant.id).sort()).toEqual(
      variants.map((variant: any) => variant.id).sort(),
    );
    for (const variant of saved) expect(variant.offline).toBe(true);
    const item = await api(`/api/content/${id}`, { token: user.token });
    expect(item.body.data.variants.map((variant: any) => variant.id).sort()).toEqual(
      saved.map((variant) => variant.id).sort(),
    );

    const rows = await aiRequests(user.workspaceId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      feature: "repurpose",
      provider: "offline",
      model: OFFLINE_MODEL,
      status: "ok",
      credits: 0,
      cost_micros: 0,
      user_id: user.userId,
      error_code: null,
    });
    expect(rows[0]?.prompt_tokens).toBeGreaterThan(0);
    expect(rows[0]?.completion_tokens).toBeGreaterThan(0);
    expect(rows[0]?.cache_key).toMatch(/^[0-9a-f]{64}$/);
    // Free: the offline run spends no credits (the paid twin is in repurpose-openai.test.ts).
    expect(res.body.data.credits).toBe(0);
    expect((await usage(user)).creditsUsed).toBe(0);
  });

  it("offline drafts cost nothing: 0 credits, recorded as provider offline with cost 0", async () => {
    const user = await signUp("repurpose-free");
    const id = await createItem(user);

    const res = await repurpose(user, id, { platforms: ALL });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ provider: "offline", cached: false, credits: 0 });
    expect(res.body.data.variants).toHaveLength(ALL.length);

    const rows = await aiRequests(user.workspaceId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      provider: "offline",
      status: "ok",
      credits: 0,
      cost_micros: 0,
    });
    const summary = await usage(user);
    expect(summary.creditsUsed).toBe(0);
    expect(summary.creditsLeft).toBe(FREE.monthlyAiCredits);
    expect(summary.byFeature).toEqual([
      expect.objectContaining({ feature: "repurpose", requests: 1, credits: 0, costMicros: 0 }),
    ]);
  });

  it("offline drafts are still written when the month's credits are spent (they cost nothing)", async () => {
    const user = await signUp("repurpose-free-quota");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits);

    const res = await repurpose(user, id, { platforms: ALL });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ provider: "offline", credits: 0 });
    expect(await variantsOf(user, id)).toHaveLength(ALL.length);
    expect((await usage(user)).creditsUsed).toBe(FREE.monthlyAiCredits);
    expect((await aiRequests(user.workspaceId)).map((row) => [row.status, row.credits])).toEqual([
      ["ok", 0],
    ]);
  });

  it("the use case answers the same for a job: offline, 0 credits, nothing skipped", async () => {
    const user = await signUp("repurpose-use-case");
    const id = await createItem(user);
    const { ctx, item } = await itemOf(user, id);

    const outcome = await repurposeContent(ctx, { item, platforms: ["x", "newsletter"] });
    expect(outcome).toMatchObject({
      cached: false,
      provider: "offline",
      model: OFFLINE_MODEL,
      credits: 0,
      skipped: [],
    });
    expect(outcome.variants.map((variant) => [variant.platform, variant.offline])).toEqual([
      ["x", true],
      ["newsletter", true],
    ]);
    expect((await usage(user)).creditsUsed).toBe(0);
  });

  it("answers 404 for another workspace's item, calls no provider and charges nothing", async () => {
    const owner = await signUp("repurpose-owner");
    const stranger = await signUp("repurpose-stranger");
    const id = await createItem(owner);
    // With the paid provider configured, so "charges nothing" means something.
    useOpenAiProvider();
    const openAi = fakeOpenAi();

    const res = await repurpose(stranger, id, { platforms: ["x"] });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect(openAi.requests).toEqual([]);
    expect(await aiRequests(stranger.workspaceId)).toEqual([]);
    expect((await usage(stranger)).creditsUsed).toBe(0);
    expect(await aiRequests(owner.workspaceId)).toEqual([]);
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

describe("what the offline repurposer reads", () => {
  const NOTES =
    "B-roll: desk before/after. Remember to mention last week's Q&A in the outro. Sponsor read goes after the intro.";
  const NOTE_PHRASES = ["b-roll", "desk before/after", "last week's q&a", "q&a", "sponsor read"];

  it("writes from the piece's body, never from its private notes", async () => {
    const user = await signUp("offline-notes");
    const id = await createItem(user, { notes: NOTES });
    const item = await api(`/api/content/${id}`, { token: user.token });
    expect(item.body.data.notes).toBe(NOTES);

    const res = await repurpose(user, id, { platforms: ALL, length: "long" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const saved = await variantsOf(user, id);
    expect(saved).toHaveLength(ALL.length);
    for (const variant of saved) {
      const text = textsOf(variant).join("\n").toLowerCase();
      for (const phrase of NOTE_PHRASES) {
        expect(text, `${variant.platform} quotes the notes`).not.toContain(phrase);
      }
    }
    // …and the body is what it is made of.
    const linkedin = saved.find((variant) => variant.platform === "linkedin");
    expect(linkedin.body).toContain("block a single day for filming");
  });

  it("an item with notes but no body is drafted from its title alone, still without the notes", async () => {
    const user = await signUp("offline-notes-only");
    const res = await api("/api/content", {
      token: user.token,
      body: { title: "Why I film everything in one weekend", notes: NOTES },
    });
    expect(res.status).toBe(201);
    const run = await repurpose(user, res.body.data.id, { platforms: ALL });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    for (const variant of run.body.data.variants) {
      expect(checkVariant(asDraft(variant))).toEqual([]);
      const text = textsOf(variant).join("\n").toLowerCase();
      for (const phrase of NOTE_PHRASES) expect(text, variant.platform).not.toContain(phrase);
    }
  });
});

/** The usual piece with every kind of bidirectional control hidden in its sentences. */
const PIECE_WITH_CONTROLS =
  "Batching changed everything \u202Afor my channel\u202C. I script four videos on Saturday morning and \u202Bfilm\u202C them all that afternoon. " +
  "Sunday is for editing with one \u202Dtemplate\u202C project, so the color grade and titles are already done. " +
  "The biggest win is fewer context switches: my energy goes into the \u202Eideas\u202C, not the setup. " +
  "If you try one thing, block a \u2066single\u2069 day for \u2067filming\u2069 and protect it \u2068like\u2069 a meeting.";

describe("bidirectional control characters", () => {
  const RLO = "\u202E";

  it("typed into a title or body, they never reach a saved variant", async () => {
    const user = await signUp("offline-bidi");
    const id = await createItem(user, {
      title: `How I batch a month of videos ${RLO}in one weekend\u202C`,
      body: PIECE_WITH_CONTROLS,
      tags: [`film\u2067day\u2069`, "batching"],
    });
    const res = await repurpose(user, id, { platforms: ALL });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    for (const variant of await variantsOf(user, id)) {
      for (const text of textsOf(variant)) expect(text, variant.platform).not.toMatch(BIDI);
    }
  });

  it("even in an item saved before they were cleaned (in D1 as written), they never reach a variant", async () => {
    const user = await signUp("offline-bidi-row");
    const id = await createItem(user);
    // Rows written before input cleaning existed still hold them.
    await env.DB.prepare("UPDATE content_items SET title = ?, body = ? WHERE id = ?")
      .bind(
        `Batching ${RLO}tips\u202C for creators \u2066every\u2069 week`,
        PIECE_WITH_CONTROLS,
        id,
      )
      .run();
    const { ctx, item } = await itemOf(user, id);
    expect(item.title).toMatch(BIDI);
    expect(item.body).toMatch(BIDI);

    const outcome = await repurposeContent(ctx, { item, platforms: ALL });
    expect(outcome.variants).toHaveLength(ALL.length);
    for (const variant of outcome.variants) {
      for (const text of textsOf(variant)) expect(text, variant.platform).not.toMatch(BIDI);
      expect(checkVariant(asDraft(variant))).toEqual([]);
    }
    for (const variant of await variantsOf(user, id)) {
      for (const text of textsOf(variant)) expect(text, variant.platform).not.toMatch(BIDI);
    }
  });
});

describe("brand voice (offline)", () => {
  it("changing it means the next identical request is written afresh, still for free", async () => {
    const user = await signUp("voice");
    const id = await createItem(user);
    const platforms: PlatformId[] = ["x", "instagram"];
    const first = await repurpose(user, id, { platforms });
    expect(first.status).toBe(200);
    expect((await repurpose(user, id, { platforms })).body.data.cached).toBe(true);

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

    const afterVoice = await repurpose(user, id, { platforms });
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
    expect(ok.map((row) => [row.provider, row.credits, row.cost_micros])).toEqual([
      ["offline", 0, 0],
      ["offline", 0, 0],
    ]);
    expect((await usage(user)).creditsUsed).toBe(0);
  });
});
