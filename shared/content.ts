import { z } from "zod";
import { platformIdSchema } from "./platforms";

export const CONTENT_STATUSES = ["idea", "drafting", "scheduled", "published", "archived"] as const;
export const contentStatusSchema = z.enum(CONTENT_STATUSES);
export type ContentStatus = z.infer<typeof contentStatusSchema>;

export const SOURCE_KINDS = ["youtube", "web", "manual", "email"] as const;
export const sourceKindSchema = z.enum(SOURCE_KINDS);

/**
 * The life of a piece: idea → drafting → scheduled → published, archived from anywhere and
 * restorable from the archive. Stepping back (unscheduling, back to idea) is allowed.
 */
export const STATUS_TRANSITIONS: Record<ContentStatus, readonly ContentStatus[]> = {
  idea: ["drafting", "archived"],
  drafting: ["idea", "scheduled", "archived"],
  scheduled: ["drafting", "published", "archived"],
  published: ["archived"],
  archived: ["idea", "drafting"],
};

export function canTransition(from: ContentStatus, to: ContentStatus): boolean {
  return from === to || STATUS_TRANSITIONS[from].includes(to);
}

/** ISO 8601 with an offset (`Z` or `+02:00`); stored and answered in UTC. */
export const isoTimeSchema = z.iso.datetime({ offset: true });

const tagSchema = z.string().trim().min(1).max(40);
const videoIdSchema = z.string().regex(/^[A-Za-z0-9_-]{6,20}$/, "Not a YouTube video id");

export const contentSourceSchema = z.object({
  kind: sourceKindSchema,
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  videoId: videoIdSchema.optional(),
  channel: z.string().trim().max(200).optional(),
  description: z.string().max(10_000).optional(),
  durationSeconds: z
    .number()
    .int()
    .min(0)
    .max(60 * 60 * 24)
    .optional(),
  thumbnailUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  selection: z.string().max(20_000).optional(),
});
export type ContentSource = z.infer<typeof contentSourceSchema>;

/** Unknown keys are dropped (zod's default), so newer clients do not break older servers. */
export const createContentSchema = z.object({
  title: z.string().trim().min(1).max(300),
  notes: z.string().max(50_000).optional(),
  status: contentStatusSchema.exclude(["published", "archived"]).optional(),
  platforms: z.array(platformIdSchema).max(7).optional(),
  tags: z.array(tagSchema).max(20).optional(),
  scheduledAt: isoTimeSchema.optional(),
  source: contentSourceSchema.optional(),
});
export type CreateContentInput = z.input<typeof createContentSchema>;

export const updateContentSchema = z
  .object({
    title: z.string().trim().min(1).max(300),
    notes: z.string().max(50_000).nullable(),
    status: contentStatusSchema,
    platforms: z.array(platformIdSchema).max(7),
    tags: z.array(tagSchema).max(20),
    scheduledAt: isoTimeSchema.nullable(),
  })
  .partial()
  .refine((v) => Object.values(v).some((field) => field !== undefined), {
    message: "Send at least one field to change",
  });
export type UpdateContentInput = z.input<typeof updateContentSchema>;

export const listContentQuerySchema = z.object({
  status: contentStatusSchema.optional(),
  platform: platformIdSchema.optional(),
  tag: tagSchema.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  sourceKind: sourceKindSchema.optional(),
  /** The live item saved from this YouTube video, if any (the extension's "Saved ✓"). */
  videoId: videoIdSchema.optional(),
  /** Calendar range on scheduledAt (inclusive from, exclusive to); orders by scheduled time. */
  from: isoTimeSchema.optional(),
  to: isoTimeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListContentQuery = z.input<typeof listContentQuerySchema>;

export const contentParamSchema = z.object({ id: z.string().min(1).max(64) });
export const variantParamSchema = z.object({
  id: z.string().min(1).max(64),
  variantId: z.string().min(1).max(64),
});

export const updateVariantSchema = z
  .object({
    body: z.string().min(1).max(20_000),
    parts: z.array(z.string().min(1).max(1000)).min(1).max(25),
  })
  .partial()
  .refine((v) => v.body !== undefined || v.parts !== undefined, {
    message: "Send body or parts",
  });

export const TONES = ["casual", "professional", "playful", "bold"] as const;
export const LENGTHS = ["short", "medium", "long"] as const;

export const repurposeSchema = z.object({
  platforms: z.array(platformIdSchema).min(1).max(7),
  tone: z.enum(TONES).optional(),
  length: z.enum(LENGTHS).optional(),
});
export type RepurposeInput = z.input<typeof repurposeSchema>;

export const bulkRepurposeSchema = repurposeSchema.extend({
  contentIds: z.array(z.string().min(1).max(64)).min(1).max(50),
});

/** Idempotency-Key header: any client-made unique string (a UUID is ideal). */
export const idempotencyKeySchema = z.string().trim().min(8).max(128);
export const IDEMPOTENCY_HEADER = "Idempotency-Key";
