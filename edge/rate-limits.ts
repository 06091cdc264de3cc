import { PLANS, type PlanId } from "../shared/plans";
import type { BucketRule } from "./durable-objects/rate-limiter";
import { ApiError } from "./errors";

const perMinutes = (count: number, minutes: number): BucketRule => ({
  capacity: count,
  refillPerSecond: count / (minutes * 60),
});

/** Sign-in and sign-up limits: generous for people, hopeless for password guessing. */
export const AUTH_LIMITS = {
  signinPerIp: perMinutes(30, 10),
  signinPerEmail: perMinutes(5, 5),
  signupPerIp: perMinutes(10, 60),
} as const;

export function workspaceRequestLimit(plan: PlanId): BucketRule {
  return perMinutes(PLANS[plan].requestsPerMinute, 1);
}

/**
 * RATE_LIMIT_SCALE multiplies every limit: a self-hoster can loosen or tighten them all at
 * once, and load benchmarks raise it so they measure the API rather than the 429 path.
 */
function scaled(env: Env, rule: BucketRule): BucketRule {
  const scale = Number(env.RATE_LIMIT_SCALE);
  if (!Number.isFinite(scale) || scale <= 0 || scale === 1) return rule;
  return { capacity: rule.capacity * scale, refillPerSecond: rule.refillPerSecond * scale };
}

/** Spends one token from the bucket named `key`; throws a 429 envelope when it is empty. */
export async function enforceLimit(
  env: Env,
  key: string,
  rule: BucketRule,
  cost = 1,
): Promise<void> {
  const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
  const result = await limiter.consume(scaled(env, rule), cost);
  if (!result.allowed) {
    throw new ApiError(
      429,
      "RATE_LIMITED",
      `Too many requests. Try again in ${result.retryAfterSeconds} seconds.`,
      undefined,
      { "Retry-After": String(result.retryAfterSeconds) },
    );
  }
}
