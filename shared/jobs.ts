import { z } from "zod";

/**
 * Every message on the jobs queue. Each carries a dedupe key so a redelivered message is a
 * no-op. Later issues add their kinds here; the consumer dispatches on `kind`.
 */
export const jobMessageSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("housekeeping"),
    dedupeKey: z.string(),
  }),
]);
export type JobMessage = z.infer<typeof jobMessageSchema>;
