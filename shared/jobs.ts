import { z } from "zod";
import { LENGTHS, TONES } from "./content";
import { platformIdSchema } from "./platform-ids";

/**
 * Every message on the jobs queue. Each carries a dedupe key so a redelivered message is a
 * no-op; the consumer dispatches on `kind`.
 */
export const jobMessageSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("housekeeping"),
    dedupeKey: z.string(),
  }),
  /** One item of a bulk repurposing job. */
  z.object({
    kind: z.literal("repurpose"),
    dedupeKey: z.string(),
    jobId: z.string(),
    workspaceId: z.string(),
    userId: z.string(),
    contentId: z.string(),
    platforms: z.array(platformIdSchema).min(1),
    tone: z.enum(TONES).optional(),
    length: z.enum(LENGTHS).optional(),
    replaceEdited: z.boolean().optional(),
  }),
]);
export type JobMessage = z.infer<typeof jobMessageSchema>;
