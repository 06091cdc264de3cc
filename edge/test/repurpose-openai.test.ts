/**
 * Repurposing with the paid OpenAI-compatible provider (OpenAI faked at `fetch` with its real
 * request and response shapes): through the route with AI_API_KEY configured, and through the
 * use case with a provider passed in. A paid run costs one credit per platform, is priced in
 * ai_requests, refunds on failure, sends the piece (never the notes) and saves no
 * bidirectional controls from the model's answer.
 */
import { afterEach, describe, expect, it } from "vitest";
import { checkVariant, type PlatformId } from "../../shared/platforms";
import { OpenAiCompatibleProvider } from "../ai/openai-compatible";
import { estimateCostMicros } from "../ai/pricing";
import { repurposeContent } from "../content/repurpose";
import { ApiError } from "../errors";
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
  MODEL_VARIANTS,
  type ModelVariant,
  OPENAI_BASE_URL,
  OPENAI_MODEL,
  openAiError,
  PIECE_BODY,
  repurpose,
  setCreditsUsed,
  textsOf,
  usage,
  useOpenAiProvider,
  variantsOf,
} from "./repurpose-helpers";

afterEach(cleanUpAfterTest);

describe("the configured OpenAI-compatible provider through the route (paid)", () => {
  const answer: ModelVariant[] = [
    {
      platform: "x",
      body: "1/1 Batching gave me my weekends back.",
      parts: ["1/1 Batching gave me my weekends back."],
    },
    { platform: "linkedin", body: "Batching gave me my weekends back. Here is how.", parts: null },
  ];

  it("answers and saves the model's variants, labelled with provider and model, priced and charged", async () => {
    const user = await signUp("route-openai");
    const id = await createItem(user);
    useOpenAiProvider();
    const openAi = fakeOpenAi({ answer: () => answer });

    const res = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(openAi.requests).toHaveLength(1);
    expect(openAi.requests[0]?.body.model).toBe(OPENAI_MODEL);
    expect(res.body.data).toMatchObject({
      cached: false,
      provider: "openai-compatible",
      model: OPENAI_MODEL,
      credits: 2,
      skipped: [],
    });
    for (const variant of res.body.data.variants) {
      expect(variant).toMatchObject({
        provider: "openai-compatible",
        model: OPENAI_MODEL,
        offline: false,
        generatedBy: "ai",
      });
      expect(checkVariant(asDraft(variant))).toEqual([]);
    }
    const [row] = await aiRequests(user.workspaceId);
    expect(row).toMatchObject({
      provider: "openai-compatible",
      model: OPENAI_MODEL,
      prompt_tokens: 1200,
      completion_tokens: 300,
      status: "ok",
      credits: 2,
    });
    expect(row?.cost_micros).toBe(estimateCostMicros(OPENAI_MODEL, 1200, 300));
    expect(row?.cost_micros).toBeGreaterThan(0);
    const summary = await usage(user);
    expect(summary.creditsUsed).toBe(2);
    expect(summary.byFeature[0].costMicros).toBe(row?.cost_micros);

    // Identical again: served from the cache, the provider is not called, nothing is charged.
    const hit = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    expect(hit.body.data).toMatchObject({ cached: true, credits: 0 });
    expect(openAi.requests).toHaveLength(1);
    expect((await usage(user)).creditsUsed).toBe(2);
  });

  it("charges one credit per platform: every platform at once costs ALL.length credits", async () => {
    const user = await signUp("route-openai-all");
    const id = await createItem(user);
    useOpenAiProvider();
    const openAi = fakeOpenAi();

    const res = await repurpose(user, id, { platforms: ALL });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(openAi.requests.map((request) => request.platforms)).toEqual([ALL]);
    expect(res.body.data).toMatchObject({ provider: "openai-compatible", credits: ALL.length });
    // The model's text is saved word for word (it already keeps every platform's rules).
    const saved = await variantsOf(user, id);
    expect(saved).toHaveLength(ALL.length);
    for (const variant of saved) {
      const written = MODEL_VARIANTS[variant.platform as PlatformId];
      expect(variant.body).toBe(written.body);
      expect(variant.parts).toEqual(written.parts);
      expect(variant.offline).toBe(false);
    }

    const rows = await aiRequests(user.workspaceId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      feature: "repurpose",
      provider: "openai-compatible",
      status: "ok",
      credits: ALL.length,
      user_id: user.userId,
      error_code: null,
    });
    expect(rows[0]?.cost_micros).toBeGreaterThan(0);
    const summary = await usage(user);
    expect(summary.creditsUsed).toBe(ALL.length);
    expect(summary.creditsLeft).toBe(FREE.monthlyAiCredits - ALL.length);
    expect(summary.byFeature).toEqual([
      expect.objectContaining({ feature: "repurpose", requests: 1, credits: ALL.length }),
    ]);
  });

  it("a failed provider call answers 502, refunds the credits and saves nothing", async () => {
    const user = await signUp("route-openai-fail");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, 7);
    useOpenAiProvider();
    const failing = fakeOpenAi({
      answer: () =>
        openAiError(401, "Incorrect API key provided: sk-test.", "invalid_request_error"),
    });

    const res = await repurpose(user, id, { platforms: ["x", "linkedin", "instagram"] });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe("AI_UNAVAILABLE");
    expect(failing.requests).toHaveLength(1);
    expect((await usage(user)).creditsUsed).toBe(7);
    expect(await variantsOf(user, id)).toEqual([]);
    const rows = await aiRequests(user.workspaceId);
    expect(rows.map((row) => [row.status, row.error_code, row.credits])).toEqual([
      ["error", "AI_UNAVAILABLE", 0],
    ]);
    expect((await usage(user)).byFeature).toEqual([]);

    // Refunded credits are spendable again.
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits - 3);
    cleanUpAfterTest();
    useOpenAiProvider();
    fakeOpenAi();
    const retried = await repurpose(user, id, { platforms: ["x", "linkedin", "instagram"] });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect((await usage(user)).creditsUsed).toBe(FREE.monthlyAiCredits);
  });

  it("sends the model the piece's body and never its private notes", async () => {
    const user = await signUp("route-openai-notes");
    const notes = "B-roll: desk before/after. Remember to mention last week's Q&A in the outro.";
    const id = await createItem(user, { notes });
    useOpenAiProvider();
    const openAi = fakeOpenAi();

    const res = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(openAi.requests).toHaveLength(1);
    const messages = openAi.requests[0]?.messages ?? [];
    const sent = messages.map((message) => message.content).join("\n");
    expect(messages.find((message) => message.role === "user")?.content).toContain(
      `The piece:\n${PIECE_BODY}`,
    );
    for (const phrase of [notes, "B-roll", "desk before/after", "last week's Q&A", "Q&A"]) {
      expect(sent).not.toContain(phrase);
    }
  });

  it("strips bidirectional controls (U+202E…) from the model's answer before saving it", async () => {
    const user = await signUp("route-openai-bidi");
    const id = await createItem(user);
    useOpenAiProvider();
    fakeOpenAi({
      answer: () => [
        {
          platform: "x",
          body: "Batching gave me my \u2066weekends\u2069 back.",
          parts: ["Batching gave me my \u2066weekends\u2069 back."],
        },
        {
          platform: "linkedin",
          body: "I film a month of videos in one weekend. \u202Eeno yrt\u202C Try it once.",
          parts: null,
        },
      ],
    });

    const res = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const saved = await variantsOf(user, id);
    for (const variant of [...saved, ...res.body.data.variants]) {
      for (const text of textsOf(variant)) expect(text, variant.platform).not.toMatch(BIDI);
    }
    const byPlatform = Object.fromEntries(saved.map((variant) => [variant.platform, variant]));
    expect(byPlatform.linkedin.body).toBe(
      "I film a month of videos in one weekend. eno yrt Try it once.",
    );
    expect(byPlatform.x.parts).toEqual(["Batching gave me my weekends back."]);
  });

  it("brand voice: the model is told the voice, and changing it means a fresh (charged) run", async () => {
    const user = await signUp("route-openai-voice");
    const id = await createItem(user);
    useOpenAiProvider();
    const openAi = fakeOpenAi();
    const platforms: PlatformId[] = ["x", "instagram"];

    expect((await repurpose(user, id, { platforms })).status).toBe(200);
    expect((await repurpose(user, id, { platforms })).body.data.cached).toBe(true);
    expect(openAi.requests).toHaveLength(1);

    const patched = await api(`/api/workspaces/${user.workspaceId}`, {
      method: "PATCH",
      token: user.token,
      body: {
        brandVoice: {
          description: "Playful and direct, lots of energy",
          samples: ["shipping beats polishing 🚀"],
        },
      },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    const afterVoice = await repurpose(user, id, { platforms });
    expect(afterVoice.body.data).toMatchObject({ cached: false, credits: 2 });
    expect(openAi.requests).toHaveLength(2);
    const system = openAi.requests[1]?.messages[0]?.content ?? "";
    expect(system).toContain("Brand voice: Playful and direct, lots of energy");
    expect(system).toContain("shipping beats polishing 🚀");

    const ok = (await aiRequests(user.workspaceId)).filter((row) => row.status === "ok");
    expect(ok).toHaveLength(2);
    expect(ok[0]?.cache_key).not.toBe(ok[1]?.cache_key);
    expect((await usage(user)).creditsUsed).toBe(4);
  });
});

describe("repurposeContent(ctx, request) with an OpenAI-compatible provider passed in", () => {
  const xVariant = (body: string) => ({ platform: "x", body, parts: [body] });

  const openAi = (maxRetries = 0) =>
    new OpenAiCompatibleProvider({
      apiKey: "sk-test",
      baseURL: OPENAI_BASE_URL,
      model: OPENAI_MODEL,
      timeoutMs: 2_000,
      maxRetries,
    });

  it("records provider, model, tokens and the estimated cost, charges per platform and saves the variants", async () => {
    const user = await signUp("openai-record");
    const id = await createItem(user);
    fakeOpenAi({
      answer: () => [
        xVariant("1/1 Batching gave me my weekends back."),
        { platform: "linkedin", body: "Batching gave me my weekends back.", parts: null },
      ],
    });
    const { ctx, item } = await itemOf(user, id);
    const outcome = await repurposeContent(ctx, {
      item,
      platforms: ["x", "linkedin"],
      provider: openAi(),
    });
    expect(outcome).toMatchObject({
      cached: false,
      provider: "openai-compatible",
      model: OPENAI_MODEL,
      credits: 2,
      skipped: [],
    });
    expect(outcome.variants.map((variant) => variant.offline)).toEqual([false, false]);

    const [row] = await aiRequests(user.workspaceId);
    expect(row).toMatchObject({
      provider: "openai-compatible",
      model: OPENAI_MODEL,
      prompt_tokens: 1200,
      completion_tokens: 300,
      cost_micros: estimateCostMicros(OPENAI_MODEL, 1200, 300),
      status: "ok",
      credits: 2,
      user_id: user.userId,
    });
    expect(row?.cost_micros).toBeGreaterThan(0);
    expect((await usage(user)).creditsUsed).toBe(2);
    const saved = await variantsOf(user, id);
    expect(saved.map((variant) => variant.model)).toEqual([OPENAI_MODEL, OPENAI_MODEL]);
  });

  it("a failed provider call refunds the credits, records the error and saves nothing", async () => {
    const user = await signUp("openai-refund");
    const id = await createItem(user);
    await setCreditsUsed(user.workspaceId, 10);
    const failing = fakeOpenAi({
      answer: () =>
        openAiError(500, "The server had an error while processing your request.", "server_error"),
    });
    const { ctx, item } = await itemOf(user, id);
    let error: unknown;
    try {
      await repurposeContent(ctx, {
        item,
        platforms: ["x", "linkedin", "instagram"],
        provider: openAi(),
      });
    } catch (caught) {
      error = caught;
    }
    expect(failing.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: "AI_UNAVAILABLE" });
    expect((await usage(user)).creditsUsed).toBe(10);
    const rows = await aiRequests(user.workspaceId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      provider: "openai-compatible",
      status: "error",
      error_code: "AI_UNAVAILABLE",
      credits: 0,
    });
    expect(await variantsOf(user, id)).toEqual([]);
    expect((await usage(user)).byFeature).toEqual([]);
  });

  it("a thread post over 280 characters is re-split before it is saved", async () => {
    const user = await signUp("openai-repair");
    const id = await createItem(user);
    const long = `1/1 ${"Batching my filming into one weekend changed how the whole month feels. ".repeat(6).trim()}`;
    expect(long.length).toBeGreaterThan(280);
    fakeOpenAi({ answer: () => [xVariant(long)] });
    const { ctx, item } = await itemOf(user, id);
    const outcome = await repurposeContent(ctx, { item, platforms: ["x"], provider: openAi() });
    const [variant] = outcome.variants;
    expect(variant?.parts?.length).toBeGreaterThan(1);
    expect(checkVariant(asDraft(variant))).toEqual([]);
  });

  it("a platform missing from the answer is asked for again (and both calls' tokens are recorded once)", async () => {
    const user = await signUp("openai-regenerate");
    const id = await createItem(user);
    const model = fakeOpenAi({
      answer: (request) =>
        request.platforms.includes("x")
          ? [xVariant("1/1 Batching works.")]
          : [{ platform: "linkedin", body: "Batching works for me.", parts: null }],
    });
    const { ctx, item } = await itemOf(user, id);
    const outcome = await repurposeContent(ctx, {
      item,
      platforms: ["x", "linkedin"],
      provider: openAi(),
    });
    expect(model.requests.map((request) => request.platforms)).toEqual([
      ["x", "linkedin"],
      ["linkedin"],
    ]);
    expect(outcome.variants.map((variant) => variant.platform)).toEqual(["x", "linkedin"]);
    const rows = await aiRequests(user.workspaceId);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.prompt_tokens).toBe(2400);
    expect(rows[0]?.credits).toBe(2);
  });

  it("an answer that is unusable twice is AI_OUTPUT_INVALID, refunded and nothing is saved", async () => {
    const user = await signUp("openai-unusable");
    const id = await createItem(user);
    fakeOpenAi({
      answer: () => [{ platform: "linkedin", body: "   ", parts: null }],
    });
    const { ctx, item } = await itemOf(user, id);
    let error: unknown;
    try {
      await repurposeContent(ctx, { item, platforms: ["linkedin"], provider: openAi() });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ status: 502, code: "AI_OUTPUT_INVALID" });
    expect((await usage(user)).creditsUsed).toBe(0);
    expect(await variantsOf(user, id)).toEqual([]);
    expect((await aiRequests(user.workspaceId)).map((row) => [row.status, row.error_code])).toEqual(
      [["error", "AI_OUTPUT_INVALID"]],
    );
  });

  it("the fake model's answers keep every platform's rules as written", () => {
    for (const variant of Object.values(MODEL_VARIANTS)) {
      expect(checkVariant(asDraft(variant)), variant.platform).toEqual([]);
    }
  });
});
