import { z } from "zod";
import { idSchema } from "./ids";
import { BODY_MAX, NOTES_MAX, PAGE_LIMIT_MAX, TITLE_MAX } from "./limits";
import { type PlatformId, platformIdSchema } from "./platform-ids";
import { cleanText } from "./text";

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

/** Statuses a new item may start in: a piece is published or archived only after it exists. */
export const FIRST_STATUSES = [
  "idea",
  "drafting",
  "scheduled",
] as const satisfies readonly ContentStatus[];

export function canTransition(from: ContentStatus, to: ContentStatus): boolean {
  return from === to || STATUS_TRANSITIONS[from].includes(to);
}

/** ISO 8601 with an offset (`Z` or `+02:00`); stored and answered in UTC. */
export const isoTimeSchema = z.iso.datetime({ offset: true }).refine(
  (value) => {
    const at = Date.parse(value);
    // Years a calendar, a database and every ISO parser agree on (no "+010000-…" once in UTC).
    return at >= Date.UTC(1970, 0, 1) && at < Date.UTC(10000, 0, 1);
  },
  { message: "Use a time between 1970 and 9999" },
);

/**
 * A calendar bound: a datetime with an offset, or a plain date (`2026-12-01`), read as that
 * day's first instant in UTC. Answers the ISO instant.
 */
export const calendarBoundSchema = z
  .union([isoTimeSchema, z.iso.date()])
  .transform((value) => (value.length === 10 ? `${value}T00:00:00.000Z` : value));

/**
 * Text a creator writes, cleaned first (bidirectional controls removed, lone surrogates
 * replaced: shared/text.ts), then trimmed and measured, so the limits hold for what is stored.
 */
const clean = (schema: z.ZodString) => z.string().transform(cleanText).pipe(schema);

export { BODY_MAX, NOTES_MAX, PAGE_LIMIT_MAX, TITLE_MAX } from "./limits";

const tagSchema = clean(z.string().trim().min(1).max(40));
const videoIdSchema = z.string().regex(/^[A-Za-z0-9_-]{6,20}$/, "Not a YouTube video id");

export const contentSourceSchema = z.object({
  kind: sourceKindSchema,
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  videoId: videoIdSchema.optional(),
  channel: clean(z.string().trim().max(200)).optional(),
  description: clean(z.string().max(10_000)).optional(),
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
  selection: clean(z.string().max(20_000)).optional(),
});
export type ContentSource = z.infer<typeof contentSourceSchema>;

/** Unknown keys are dropped (zod's default), so newer clients do not break older servers. */
export const createContentSchema = z.object({
  title: clean(z.string().trim().min(1).max(TITLE_MAX)),
  /** The piece itself: script, transcript, article or description. Repurposing reads it. */
  body: clean(z.string().max(BODY_MAX)).optional(),
  /** Private production notes. Never sent to the AI, never copied into a post. */
  notes: clean(z.string().max(NOTES_MAX)).optional(),
  status: z.enum(FIRST_STATUSES).optional(),
  platforms: z.array(platformIdSchema).max(7).optional(),
  tags: z.array(tagSchema).max(20).optional(),
  scheduledAt: isoTimeSchema.optional(),
  source: contentSourceSchema.optional(),
});
export type CreateContentInput = z.input<typeof createContentSchema>;

export const updateContentSchema = z
  .object({
    title: clean(z.string().trim().min(1).max(TITLE_MAX)),
    body: clean(z.string().max(BODY_MAX)).nullable(),
    notes: clean(z.string().max(NOTES_MAX)).nullable(),
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

/** `status=idea,drafting`: one status or several, comma-separated. */
const statusListSchema = z.string().transform((value, ctx) => {
  const statuses = value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const unknown = statuses.filter((status) => !contentStatusSchema.safeParse(status).success);
  if (statuses.length === 0 || unknown.length > 0) {
    ctx.addIssue({
      code: "custom",
      message: `Unknown status ${unknown.join(", ") || "(empty)"}: use ${CONTENT_STATUSES.join(", ")}`,
    });
    return z.NEVER;
  }
  return [...new Set(statuses)] as ContentStatus[];
});

export const listContentQuerySchema = z
  .object({
    status: statusListSchema.optional(),
    platform: platformIdSchema.optional(),
    tag: tagSchema.optional(),
    q: z.string().trim().min(1).max(200).optional(),
    sourceKind: sourceKindSchema.optional(),
    /** The live item saved from this YouTube video, if any (the extension's "Saved ✓"). */
    videoId: videoIdSchema.optional(),
    /**
     * Calendar range on scheduledAt (inclusive from, exclusive to); orders by scheduled time.
     * Plain dates are UTC days: `from=2026-12-01&to=2026-12-02` is that one day.
     */
    from: calendarBoundSchema.optional(),
    to: calendarBoundSchema.optional(),
    limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(50),
    cursor: z.string().max(200).optional(),
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) <= Date.parse(query.to), {
    message: "from must not be after to",
    path: ["from"],
  });
export type ListContentQuery = z.input<typeof listContentQuerySchema>;
/** The list filters after validation (statuses split, dates as instants, limit defaulted). */
export type ListContentFilters = z.output<typeof listContentQuerySchema>;

export const contentParamSchema = z.object({ id: idSchema });
export const variantParamSchema = z.object({ id: idSchema, variantId: idSchema });

export const updateVariantSchema = z
  .object({
    body: clean(z.string().min(1).max(20_000)),
    parts: z
      .array(clean(z.string().min(1).max(1000)))
      .min(1)
      .max(25),
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
  /**
   * A platform whose variant a person edited is skipped (and listed in `skipped`) unless this
   * is true; then the edit is replaced by a new variant.
   */
  replaceEdited: z.boolean().optional(),
});
export type RepurposeInput = z.input<typeof repurposeSchema>;

export const bulkRepurposeSchema = repurposeSchema.extend({
  contentIds: z.array(idSchema).min(1).max(50),
});

/** Idempotency-Key header: any client-made unique string (a UUID is ideal). */
export const idempotencyKeySchema = z.string().trim().min(8).max(128);
export const IDEMPOTENCY_HEADER = "Idempotency-Key";

/** Who wrote a variant's current text. */
export const VARIANT_AUTHORS = ["ai", "person"] as const;
export type VariantAuthor = (typeof VARIANT_AUTHORS)[number];

/** A platform variant as the API answers it (instants are ISO 8601 UTC). */
export interface Variant {
  id: string;
  contentId: string;
  platform: PlatformId;
  body: string;
  /** The posts of a thread (X), in order; null for single-post platforms. */
  parts: string[] | null;
  generatedBy: VariantAuthor;
  provider: string | null;
  model: string | null;
  /** Written by the offline extractive repurposer rather than a language model. */
  offline: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A platform left as it was by a repurposing run, and why. */
export interface SkippedPlatform {
  platform: PlatformId;
  /** `edited`: a person edited its variant; send `replaceEdited: true` to replace it. */
  reason: "edited";
  variantId: string;
}

/** The answer of a repurposing run (the JSON `data`, and the stream's `done` event). */
export interface RepurposeOutcome {
  /** The variants written by this run (or found in the cache), one per platform not skipped. */
  variants: Variant[];
  skipped: SkippedPlatform[];
  /** Answered from an identical earlier run: no provider call, no credits. */
  cached: boolean;
  provider: string;
  model: string;
  /** Credits this run spent (0 for cached and offline runs). */
  credits: number;
}
