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
  /** A follow-up came due (the 15-minute cron): remind its assignee once per due time. */
  z.object({
    kind: z.literal("followup_reminder"),
    dedupeKey: z.string(),
    workspaceId: z.string(),
    followupId: z.string(),
    /** The due time it was enqueued for (UTC ms): a snoozed follow-up is reminded again. */
    dueAt: z.number().int(),
  }),
  /** A deliverable's draft or go-live day is tomorrow for its owner. */
  z.object({
    kind: z.literal("deliverable_due"),
    dedupeKey: z.string(),
    workspaceId: z.string(),
    dealId: z.string(),
    deliverableId: z.string(),
    milestone: z.enum(["draft", "live"]),
    /** The deliverable's date as enqueued (UTC ms); a moved date is reminded again. */
    on: z.number().int(),
    /** Who is reminded (the deal's owner, else its creator; null: the workspace owner). */
    userId: z.string().nullable(),
  }),
  /** An invoice passed its payment terms unpaid. */
  z.object({
    kind: z.literal("invoice_overdue"),
    dedupeKey: z.string(),
    workspaceId: z.string(),
    dealId: z.string(),
    invoiceSentAt: z.number().int(),
    userId: z.string().nullable(),
  }),
  /** A scheduled content item whose time has come: publish it, then tell its creator. */
  z.object({
    kind: z.literal("content_publish"),
    dedupeKey: z.string(),
    workspaceId: z.string(),
    contentId: z.string(),
    scheduledAt: z.number().int(),
  }),
  /** One member's daily digest for their local day. */
  z.object({
    kind: z.literal("digest"),
    dedupeKey: z.string(),
    email: z.string(),
    userId: z.string(),
    /** The digest's 08:00 (UTC ms) it was enqueued for. */
    dueAt: z.number().int(),
  }),
  /** One workspace's usage for one UTC day (`YYYY-MM-DD`). */
  z.object({
    kind: z.literal("usage_rollup"),
    dedupeKey: z.string(),
    workspaceId: z.string(),
    day: z.iso.date(),
  }),
  /** An email recorded in the delivery log by a request (an invitation): send it. */
  z.object({
    kind: z.literal("send_email"),
    dedupeKey: z.string(),
  }),
]);
export type JobMessage = z.infer<typeof jobMessageSchema>;
