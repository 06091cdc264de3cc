/**
 * Bulk repurposing: POST /api/jobs/repurpose queues one message per item, and the jobs queue's
 * consumer runs each through the same use case as the route (repurposeContent): the same
 * credits (paid provider, OpenAI faked at `fetch`), the same free offline drafts, the same
 * respect for hand edits. Redelivery and dead letters are handled once.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkVariant } from "../../shared/platforms";
import { addMember, api, signUp } from "./helpers";
import {
  aiRequests,
  asDraft,
  cleanUpAfterTest,
  createItem,
  DLQ,
  deliver,
  drainAiBucket,
  editVariant,
  FREE,
  fakeOpenAi,
  JOBS_QUEUE,
  job,
  MODEL_VARIANTS,
  repurpose,
  setCreditsUsed,
  startBulk,
  usage,
  useOpenAiProvider,
  variantsOf,
} from "./repurpose-helpers";

afterEach(cleanUpAfterTest);

describe("bulk repurposing (POST /api/jobs/repurpose + the jobs queue)", () => {
  it("queues one message per item, then the consumer fills in the job, charging each item once", async () => {
    const user = await signUp("bulk");
    const a = await createItem(user);
    const b = await createItem(user);
    useOpenAiProvider();
    const openAi = fakeOpenAi();

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
    expect(openAi.requests).toEqual([]);

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
      for (const variant of saved) {
        expect(checkVariant(asDraft(variant))).toEqual([]);
        expect(variant).toMatchObject({ provider: "openai-compatible", offline: false });
      }
    }
    expect(openAi.requests).toHaveLength(2);
    expect((await usage(user)).creditsUsed).toBe(4);

    // Redelivery (the queue is at-least-once) changes nothing.
    const again = await deliver(JOBS_QUEUE, messages);
    expect([...again.explicitAcks].sort()).toEqual(messages.map((message) => message.id).sort());
    const repolled = await job(user, jobId);
    expect(repolled.body.data.done).toBe(2);
    expect(repolled.body.data.items).toEqual(polled.body.data.items);
    expect(await variantsOf(user, a)).toHaveLength(2);
    expect(await variantsOf(user, b)).toHaveLength(2);
    expect(openAi.requests).toHaveLength(2);
    expect((await usage(user)).creditsUsed).toBe(4);
    const ok = (await aiRequests(user.workspaceId)).filter((row) => row.status === "ok");
    expect(ok.map((row) => [row.provider, row.credits, row.user_id])).toEqual([
      ["openai-compatible", 2, user.userId],
      ["openai-compatible", 2, user.userId],
    ]);
  });

  it("offline: the same job is free, recorded as provider offline with cost 0", async () => {
    const user = await signUp("bulk-offline");
    const a = await createItem(user);
    const b = await createItem(user);
    const { res, messages } = await startBulk(user, {
      contentIds: [a, b],
      platforms: ["x", "linkedin"],
    });
    expect(res.status).toBe(202);
    const result = await deliver(JOBS_QUEUE, messages);
    expect(result.retryMessages).toEqual([]);
    const polled = (await job(user, res.body.data.id)).body.data;
    expect(polled).toMatchObject({ status: "succeeded", done: 2 });
    for (const contentId of [a, b]) {
      expect(polled.items[contentId].variantIds).toHaveLength(2);
      for (const variant of await variantsOf(user, contentId)) expect(variant.offline).toBe(true);
    }
    expect((await usage(user)).creditsUsed).toBe(0);
    expect(
      (await aiRequests(user.workspaceId)).map((row) => [
        row.status,
        row.provider,
        row.credits,
        row.cost_micros,
      ]),
    ).toEqual([
      ["ok", "offline", 0, 0],
      ["ok", "offline", 0, 0],
    ]);
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
    useOpenAiProvider();
    const openAi = fakeOpenAi();
    const { res, messages } = await startBulk(user, { contentIds: [a, b], platforms: ["x"] });
    expect(res.status).toBe(202);
    const deleted = await api(`/api/content/${b}`, {
      method: "DELETE",
      token: user.token,
    });
    expect(deleted.status).toBe(200);

    const result = await deliver(JOBS_QUEUE, messages);
    expect([...result.explicitAcks].sort()).toEqual(messages.map((message) => message.id).sort());
    expect(result.retryMessages).toEqual([]);
    const polled = (await job(user, res.body.data.id)).body.data;
    expect(polled).toMatchObject({ status: "succeeded", done: 2 });
    expect(polled.items[a].status).toBe("succeeded");
    expect(polled.items[b]).toMatchObject({ status: "failed", error: { code: "NOT_FOUND" } });
    expect(openAi.requests).toHaveLength(1);
    expect((await usage(user)).creditsUsed).toBe(1);
  });

  it("a job whose member left the workspace fails FORBIDDEN, with no model call or charge", async () => {
    const owner = await signUp("bulk-left-owner");
    const member = await signUp("bulk-left-member");
    await addMember(owner, owner.workspaceId, member, "member");
    const asMember = { ...member, workspaceId: owner.workspaceId };
    const a = await createItem(owner);
    useOpenAiProvider();
    const openAi = fakeOpenAi();
    const { res, messages } = await startBulk(asMember, { contentIds: [a], platforms: ["x"] });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const removed = await api(`/api/workspaces/${owner.workspaceId}/members/${member.userId}`, {
      method: "DELETE",
      token: owner.token,
    });
    expect(removed.status).toBe(200);

    const result = await deliver(JOBS_QUEUE, messages);
    expect([...result.explicitAcks]).toEqual(messages.map((message) => message.id));
    const polled = (await job(owner, res.body.data.id)).body.data;
    expect(polled.items[a]).toMatchObject({ status: "failed", error: { code: "FORBIDDEN" } });
    expect(openAi.requests).toEqual([]);
    expect(await variantsOf(owner, a)).toEqual([]);
    expect((await usage(owner)).creditsUsed).toBe(0);
  });

  it("an item over quota fails QUOTA_EXCEEDED and is acked (not retried), with no model call", async () => {
    const user = await signUp("bulk-quota");
    const a = await createItem(user);
    useOpenAiProvider();
    const openAi = fakeOpenAi();
    const { res, messages } = await startBulk(user, { contentIds: [a], platforms: ["x"] });
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits);
    const result = await deliver(JOBS_QUEUE, messages);
    expect(result.explicitAcks).toEqual([messages[0]?.id]);
    expect(result.retryMessages).toEqual([]);
    const polled = (await job(user, res.body.data.id)).body.data;
    expect(polled.items[a]).toMatchObject({ status: "failed", error: { code: "QUOTA_EXCEEDED" } });
    expect(openAi.requests).toEqual([]);
    expect((await usage(user)).creditsUsed).toBe(FREE.monthlyAiCredits);
    expect(await variantsOf(user, a)).toEqual([]);
  });

  it("offline twin: an item over quota still succeeds, for free", async () => {
    const user = await signUp("bulk-quota-offline");
    const a = await createItem(user);
    const { res, messages } = await startBulk(user, { contentIds: [a], platforms: ["x"] });
    await setCreditsUsed(user.workspaceId, FREE.monthlyAiCredits);
    const result = await deliver(JOBS_QUEUE, messages);
    expect(result.explicitAcks).toEqual([messages[0]?.id]);
    const polled = (await job(user, res.body.data.id)).body.data;
    expect(polled.items[a].status).toBe("succeeded");
    expect((await usage(user)).creditsUsed).toBe(FREE.monthlyAiCredits);
  });

  it("a rate-limited item is retried later with the limiter's delay, before anything is charged", async () => {
    const user = await signUp("bulk-rate");
    const a = await createItem(user);
    useOpenAiProvider();
    const openAi = fakeOpenAi();
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
    expect(openAi.requests).toEqual([]);
    expect((await usage(user)).creditsUsed).toBe(0);
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

  it("leaves hand edits alone like the route does, and replaces them with replaceEdited: true", async () => {
    const user = await signUp("bulk-edits");
    const a = await createItem(user);
    useOpenAiProvider();
    const openAi = fakeOpenAi();
    const first = await repurpose(user, a, { platforms: ["x", "linkedin"] });
    expect(first.status).toBe(200);
    const linkedin = first.body.data.variants.find(
      (variant: any) => variant.platform === "linkedin",
    );
    await editVariant(user, a, linkedin.id, { body: "My own words about batching." });

    const kept = await startBulk(user, { contentIds: [a], platforms: ["x", "linkedin"] });
    await deliver(JOBS_QUEUE, kept.messages);
    const keptJob = (await job(user, kept.res.body.data.id)).body.data;
    expect(keptJob.items[a].status).toBe("succeeded");
    expect(keptJob.items[a].variantIds).toHaveLength(1);
    expect(openAi.requests.at(-1)?.platforms).toEqual(["x"]);
    expect((await usage(user)).creditsUsed).toBe(3);
    let saved = await variantsOf(user, a);
    expect(saved.find((variant) => variant.platform === "linkedin")).toMatchObject({
      id: linkedin.id,
      body: "My own words about batching.",
      generatedBy: "person",
    });

    const replaced = await startBulk(user, {
      contentIds: [a],
      platforms: ["x", "linkedin"],
      replaceEdited: true,
    });
    expect(replaced.messages[0]?.body).toMatchObject({ replaceEdited: true });
    await deliver(JOBS_QUEUE, replaced.messages);
    const replacedJob = (await job(user, replaced.res.body.data.id)).body.data;
    expect(replacedJob.items[a].variantIds).toHaveLength(2);
    expect(openAi.requests.at(-1)?.platforms).toEqual(["x", "linkedin"]);
    expect((await usage(user)).creditsUsed).toBe(5);
    saved = await variantsOf(user, a);
    expect(saved.find((variant) => variant.platform === "linkedin")).toMatchObject({
      body: MODEL_VARIANTS.linkedin.body,
      generatedBy: "ai",
    });
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
