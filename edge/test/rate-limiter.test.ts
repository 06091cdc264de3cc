import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PLANS } from "../../shared/plans";
import type { RateLimiter } from "../durable-objects/rate-limiter";
import { api, signUp } from "./helpers";

const limiter = (key: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
const uniqueKey = (label: string) => `test:${label}:${crypto.randomUUID()}`;

/** Moves the bucket's last update `ms` into the past, as if that much time had gone by. */
async function ageBucket(stub: DurableObjectStub<RateLimiter>, ms: number) {
  await runInDurableObject(stub, (_instance, state) => {
    state.storage.sql.exec("UPDATE bucket SET updated_at = updated_at - ? WHERE id = 1", ms);
  });
}

/** Pins the bucket's last update into the future so no refill happens while a test runs. */
async function freezeBucket(stub: DurableObjectStub<RateLimiter>) {
  await runInDurableObject(stub, (_instance, state) => {
    state.storage.sql.exec(
      "UPDATE bucket SET updated_at = ? WHERE id = 1",
      Date.now() + 10 * 60_000,
    );
  });
}

async function bucketRows(stub: DurableObjectStub<RateLimiter>) {
  return runInDurableObject(stub, (_instance, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'bucket'",
      )
      .toArray();
    if (tables.length === 0) return [];
    return state.storage.sql
      .exec<{ tokens: number; updated_at: number }>("SELECT tokens, updated_at FROM bucket")
      .toArray();
  });
}

describe("RateLimiter token bucket", () => {
  it("allows `capacity` requests, then refuses with a retry delay", async () => {
    const stub = limiter(uniqueKey("capacity"));
    const rule = { capacity: 3, refillPerSecond: 0.1 };
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await stub.consume(rule));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0]);
    expect(results.every((r) => r.retryAfterSeconds === 0)).toBe(true);

    const refused = await stub.consume(rule);
    expect(refused.allowed).toBe(false);
    expect(refused.remaining).toBe(0);
    // One token at 0.1/s takes up to 10 s to come back.
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(10);
  });

  it("a refused request does not spend tokens", async () => {
    const stub = limiter(uniqueKey("refused"));
    const rule = { capacity: 5, refillPerSecond: 0.001 };
    expect((await stub.consume(rule, 4)).allowed).toBe(true);
    // Asking for more than is left is refused and leaves the remaining token in place.
    const tooMuch = await stub.consume(rule, 3);
    expect(tooMuch.allowed).toBe(false);
    expect(tooMuch.retryAfterSeconds).toBeGreaterThan(1000);
    const one = await stub.consume(rule, 1);
    expect(one).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("refills with elapsed time, but never above capacity", async () => {
    const stub = limiter(uniqueKey("refill"));
    const rule = { capacity: 4, refillPerSecond: 1 };
    expect((await stub.consume(rule, 4)).allowed).toBe(true);
    await freezeBucket(stub);
    expect((await stub.consume(rule)).allowed).toBe(false);

    // Two seconds later: two tokens are back (the refused call above wrote updated_at = now).
    await ageBucket(stub, 2_000);
    const afterTwoSeconds = await stub.consume(rule);
    expect(afterTwoSeconds.allowed).toBe(true);
    expect(afterTwoSeconds.remaining).toBe(1);

    // An hour later: full again, capped at capacity.
    await ageBucket(stub, 60 * 60_000);
    const afterAnHour = await stub.consume(rule);
    expect(afterAnHour).toMatchObject({ allowed: true, remaining: 3 });
  });

  it("keeps keys independent", async () => {
    const rule = { capacity: 2, refillPerSecond: 0.01 };
    const a = limiter(uniqueKey("a"));
    const b = limiter(uniqueKey("b"));
    await a.consume(rule, 2);
    expect((await a.consume(rule)).allowed).toBe(false);
    expect(await b.consume(rule)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it("stores its state in the bucket table and schedules an alarm for when it is full", async () => {
    const stub = limiter(uniqueKey("alarm-time"));
    const before = Date.now();
    await stub.consume({ capacity: 10, refillPerSecond: 1 }, 5);
    const rows = await bucketRows(stub);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokens).toBe(5);
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    // Full after 5 s at 1/s, plus a minute of slack (so busy buckets rarely move the alarm).
    expect(alarm).not.toBeNull();
    expect(alarm as number).toBeGreaterThanOrEqual(before + 65_000);
    expect(alarm as number).toBeLessThan(Date.now() + 67_000);
  });

  it("the alarm deletes the bucket's state, and the key starts over full", async () => {
    const stub = limiter(uniqueKey("alarm"));
    const rule = { capacity: 2, refillPerSecond: 0.5 };
    await stub.consume(rule, 2);
    expect(await bucketRows(stub)).toHaveLength(1);

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await bucketRows(stub)).toEqual([]);
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBeNull();

    // The same object keeps answering after its storage was wiped.
    const fresh = await stub.consume(rule);
    expect(fresh).toMatchObject({ allowed: true, remaining: 1 });
  });
});

describe("per-workspace request limit", () => {
  it("answers 429 RATE_LIMITED with Retry-After once the workspace bucket is drained", async () => {
    const owner = await signUp("limited");
    const other = await api("/api/workspaces", { token: owner.token, body: { name: "Second" } });
    expect(other.status).toBe(201);

    const before = await api(`/api/workspaces/${owner.workspaceId}`, { token: owner.token });
    expect(before.status).toBe(200);
    expect(before.body.data.plan).toBe("free");

    const free = PLANS.free.requestsPerMinute;
    const stub = limiter(`workspace:${owner.workspaceId}`);
    // The request above spent one token; drain the rest.
    const drained = await stub.consume({ capacity: free, refillPerSecond: free / 60 }, free - 1);
    expect(drained.allowed).toBe(true);
    await freezeBucket(stub);

    const limited = await api(`/api/workspaces/${owner.workspaceId}`, { token: owner.token });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ success: false, error: { code: "RATE_LIMITED" } });
    expect(limited.body.error.requestId).toBe(limited.headers.get("X-Request-Id"));
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);

    // Flat routes that resolve the same workspace are limited too…
    const audit = await api("/api/audit-log", {
      token: owner.token,
      workspaceId: owner.workspaceId,
    });
    expect(audit.status).toBe(429);
    // …while the user's other workspace and non-workspace routes are not.
    const second = await api(`/api/workspaces/${other.body.data.id}`, { token: owner.token });
    expect(second.status).toBe(200);
    const me = await api("/api/auth/me", { token: owner.token });
    expect(me.status).toBe(200);
  });

  it("keeps answering after the workspace bucket's alarm has cleared it", async () => {
    const owner = await signUp("alarmed");
    const first = await api(`/api/workspaces/${owner.workspaceId}`, { token: owner.token });
    expect(first.status).toBe(200);
    const stub = limiter(`workspace:${owner.workspaceId}`);
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    const again = await api(`/api/workspaces/${owner.workspaceId}`, { token: owner.token });
    expect(again.status).toBe(200);
  });
});
