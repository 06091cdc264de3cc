/**
 * Hand edits are never lost: a variant a person edited (PUT /api/content/:id/variants/:id →
 * generatedBy "person") is left alone by the next run of its platform — listed in `skipped`,
 * its text unchanged, no credit spent for it — unless the run says `replaceEdited: true`.
 * Paid runs use the OpenAI-compatible provider (OpenAI faked at `fetch`).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AiProvider } from "../ai/provider";
import { repurposeContent } from "../content/repurpose";
import { signUp } from "./helpers";
import {
  aiRequests,
  cleanUpAfterTest,
  createItem,
  editVariant,
  fakeOpenAi,
  itemOf,
  MODEL_VARIANTS,
  parseSse,
  repurpose,
  streamRepurpose,
  usage,
  useOpenAiProvider,
  variantsOf,
} from "./repurpose-helpers";

afterEach(cleanUpAfterTest);

const HAND_WRITTEN = "Rewritten by hand: batching gave me my weekends back.";

/**
 * An item repurposed for X and LinkedIn by the paid provider (call useOpenAiProvider() first),
 * whose LinkedIn variant a person then edited.
 */
async function itemWithEditedLinkedIn(label: string) {
  const user = await signUp(label);
  const id = await createItem(user);
  const openAi = fakeOpenAi();
  const first = await repurpose(user, id, { platforms: ["x", "linkedin"] });
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  expect((await usage(user)).creditsUsed).toBe(2);
  const linkedin = first.body.data.variants.find((variant: any) => variant.platform === "linkedin");
  const edited = await editVariant(user, id, linkedin.id, { body: HAND_WRITTEN });
  expect(edited).toMatchObject({ id: linkedin.id, body: HAND_WRITTEN, generatedBy: "person" });
  return { user, id, openAi, first, edited };
}

describe("hand edits are never lost", () => {
  it("the next run skips the edited platform: listed in skipped, its text unchanged, no credit spent for it", async () => {
    useOpenAiProvider();
    const { user, id, openAi, first, edited } = await itemWithEditedLinkedIn("edits-skip");

    const again = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.data.skipped).toEqual([
      { platform: "linkedin", reason: "edited", variantId: edited.id },
    ]);
    // Only X was written, and only X was asked of the model and paid for.
    expect(again.body.data.variants.map((variant: any) => variant.platform)).toEqual(["x"]);
    expect(again.body.data).toMatchObject({ cached: false, credits: 1 });
    expect(openAi.requests.map((request) => request.platforms)).toEqual([["x", "linkedin"], ["x"]]);
    expect((await usage(user)).creditsUsed).toBe(3);
    expect((await aiRequests(user.workspaceId)).map((row) => [row.status, row.credits])).toEqual([
      ["ok", 2],
      ["ok", 1],
    ]);

    const saved = await variantsOf(user, id);
    expect(saved.map((variant) => variant.platform).sort()).toEqual(["linkedin", "x"]);
    const linkedin = saved.find((variant) => variant.platform === "linkedin");
    expect(linkedin).toMatchObject({ id: edited.id, body: HAND_WRITTEN, generatedBy: "person" });
    const x = saved.find((variant) => variant.platform === "x");
    const firstX = first.body.data.variants.find((variant: any) => variant.platform === "x");
    expect(x.id).not.toBe(firstX.id);
    expect(x.id).toBe(again.body.data.variants[0].id);
  });

  it("with replaceEdited: true the edit is replaced by a fresh (charged) variant, never a cache hit", async () => {
    useOpenAiProvider();
    const { user, id, openAi, edited } = await itemWithEditedLinkedIn("edits-replace");

    // The same request as the first run, so the edit is what stops it being a cache hit.
    const again = await repurpose(user, id, {
      platforms: ["x", "linkedin"],
      replaceEdited: true,
    });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.data).toMatchObject({ skipped: [], cached: false, credits: 2 });
    expect(openAi.requests.map((request) => request.platforms)).toEqual([
      ["x", "linkedin"],
      ["x", "linkedin"],
    ]);
    expect((await usage(user)).creditsUsed).toBe(4);

    const saved = await variantsOf(user, id);
    expect(saved).toHaveLength(2);
    const linkedin = saved.find((variant) => variant.platform === "linkedin");
    expect(linkedin.id).not.toBe(edited.id);
    expect(linkedin).toMatchObject({ body: MODEL_VARIANTS.linkedin.body, generatedBy: "ai" });
    expect(saved.some((variant) => variant.body === HAND_WRITTEN)).toBe(false);
  });

  it("a run where every platform is skipped calls no provider and spends nothing", async () => {
    useOpenAiProvider();
    const { user, id, openAi, first, edited } = await itemWithEditedLinkedIn("edits-all");
    const x = first.body.data.variants.find((variant: any) => variant.platform === "x");
    const editedX = await editVariant(user, id, x.id, {
      parts: ["My own single post about batching."],
    });
    const rowsBefore = await aiRequests(user.workspaceId);
    const before = await variantsOf(user, id);

    const again = await repurpose(user, id, { platforms: ["x", "linkedin"], tone: "bold" });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.data).toMatchObject({ variants: [], cached: false, credits: 0 });
    expect(
      [...again.body.data.skipped].sort((a: any, b: any) => a.platform.localeCompare(b.platform)),
    ).toEqual([
      { platform: "linkedin", reason: "edited", variantId: edited.id },
      { platform: "x", reason: "edited", variantId: editedX.id },
    ]);
    expect(openAi.requests).toHaveLength(1);
    expect((await usage(user)).creditsUsed).toBe(2);
    expect(await aiRequests(user.workspaceId)).toEqual(rowsBefore);
    expect(await variantsOf(user, id)).toEqual(before);

    // Streamed, the same: no text, done lists both as skipped.
    const res = await streamRepurpose(user, id, { platforms: ["x", "linkedin"] });
    const events = parseSse(await res.text());
    expect(events.map((event) => event.event)).toEqual(["progress", "done"]);
    expect(events[1]?.data.data).toMatchObject({ variants: [], credits: 0 });
    expect(events[1]?.data.data.skipped).toHaveLength(2);
    expect(openAi.requests).toHaveLength(1);
    expect(await aiRequests(user.workspaceId)).toEqual(rowsBefore);
  });

  it("the use case never asks a provider when every platform is skipped", async () => {
    useOpenAiProvider();
    const { user, id } = await itemWithEditedLinkedIn("edits-use-case");
    const { ctx, item } = await itemOf(user, id);
    let asked = 0;
    const provider: AiProvider = {
      name: "openai-compatible",
      model: "gpt-4o-mini",
      paid: true,
      repurpose: async () => {
        asked += 1;
        throw new Error("the provider must not be called");
      },
      draftFollowup: async () => {
        throw new Error("not a follow-up");
      },
    };
    const outcome = await repurposeContent(ctx, { item, platforms: ["linkedin"], provider });
    expect(asked).toBe(0);
    expect(outcome).toMatchObject({ variants: [], credits: 0, cached: false });
    expect(outcome.skipped.map((skip) => skip.platform)).toEqual(["linkedin"]);
    expect((await usage(user)).creditsUsed).toBe(2);
  });

  it("an edit saved while a run is still writing that platform is not lost, and is listed as skipped", async () => {
    const user = await signUp("edits-in-flight");
    const id = await createItem(user);
    useOpenAiProvider();
    let editWhileWriting: (() => Promise<unknown>) | undefined;
    fakeOpenAi({
      answer: async (request) => {
        // The person saves an edit while the model is still answering.
        await editWhileWriting?.();
        return request.platforms.map((platform) => MODEL_VARIANTS[platform]);
      },
    });
    const first = await repurpose(user, id, { platforms: ["x", "linkedin"] });
    const linkedin = first.body.data.variants.find(
      (variant: any) => variant.platform === "linkedin",
    );
    editWhileWriting = () => editVariant(user, id, linkedin.id, { body: HAND_WRITTEN });

    const again = await repurpose(user, id, { platforms: ["x", "linkedin"], tone: "bold" });
    expect(again.status).toBe(200);
    expect(again.body.data.skipped).toEqual([
      { platform: "linkedin", reason: "edited", variantId: linkedin.id },
    ]);
    expect(again.body.data.variants.map((variant: any) => variant.platform)).toEqual(["x"]);
    const saved = await variantsOf(user, id);
    expect(saved.find((variant) => variant.platform === "linkedin")).toMatchObject({
      id: linkedin.id,
      body: HAND_WRITTEN,
      generatedBy: "person",
    });
  });

  it("offline runs keep the edit too, and streaming sends no text for the skipped platform", async () => {
    const user = await signUp("edits-offline");
    const id = await createItem(user);
    const first = await repurpose(user, id, { platforms: ["x", "linkedin", "newsletter"] });
    expect(first.status).toBe(200);
    const newsletter = first.body.data.variants.find(
      (variant: any) => variant.platform === "newsletter",
    );
    const edited = await editVariant(user, id, newsletter.id, { body: HAND_WRITTEN });

    const res = await streamRepurpose(user, id, {
      platforms: ["x", "linkedin", "newsletter"],
      length: "short",
    });
    const events = parseSse(await res.text());
    const done = events.at(-1);
    expect(done?.event).toBe("done");
    expect(done?.data.data.skipped).toEqual([
      { platform: "newsletter", reason: "edited", variantId: edited.id },
    ]);
    expect(done?.data.data.variants.map((variant: any) => variant.platform)).toEqual([
      "x",
      "linkedin",
    ]);
    const spoken = new Set(
      events.filter((event) => event.event === "text").map((event) => event.data.platform),
    );
    expect([...spoken].sort()).toEqual(["linkedin", "x"]);

    const saved = await variantsOf(user, id);
    expect(saved.find((variant) => variant.platform === "newsletter")).toMatchObject({
      id: edited.id,
      body: HAND_WRITTEN,
      generatedBy: "person",
    });
  });
});
