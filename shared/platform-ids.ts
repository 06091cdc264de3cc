import { z } from "zod";

/**
 * The platform ids alone. Contracts that only name a platform (content, jobs, stream events)
 * can import them from here without pulling in the platform rules, which carry X's official
 * counter (twitter-text, ~35 KB gzipped) and belong in lazily loaded code only.
 */
export const PLATFORM_IDS = [
  "x",
  "linkedin",
  "instagram",
  "tiktok",
  "shorts",
  "newsletter",
  "youtube",
] as const;
export const platformIdSchema = z.enum(PLATFORM_IDS);
export type PlatformId = z.infer<typeof platformIdSchema>;
