import { z } from "zod";

/** The plan table: billing attaches Stripe prices to these ids; quotas and limits read it. */
export const PLAN_IDS = ["free", "creator", "team"] as const;
export const planIdSchema = z.enum(PLAN_IDS);
export type PlanId = z.infer<typeof planIdSchema>;

export interface Plan {
  id: PlanId;
  name: string;
  /** AI credits per calendar month (UTC). */
  monthlyAiCredits: number;
  /** API requests per minute for the whole workspace (token bucket, burst = this). */
  requestsPerMinute: number;
  /** AI calls per minute for the whole workspace. */
  aiCallsPerMinute: number;
}

export const PLANS: Record<PlanId, Plan> = {
  free: {
    id: "free",
    name: "Free",
    monthlyAiCredits: 50,
    requestsPerMinute: 120,
    aiCallsPerMinute: 5,
  },
  creator: {
    id: "creator",
    name: "Creator",
    monthlyAiCredits: 1000,
    requestsPerMinute: 600,
    aiCallsPerMinute: 20,
  },
  team: {
    id: "team",
    name: "Team",
    monthlyAiCredits: 5000,
    requestsPerMinute: 1200,
    aiCallsPerMinute: 60,
  },
};
