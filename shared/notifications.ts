import { z } from "zod";

/**
 * The emails the product sends, one template each. Every kind but `invitation` goes to a
 * member; each can be turned off by its recipient (preferences or the one-click unsubscribe
 * link of RFC 8058).
 */
export const EMAIL_KINDS = [
  "followup_reminder",
  "deliverable_due",
  "invoice_overdue",
  "content_published",
  "invitation",
  "digest",
] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];
export const emailKindSchema = z.enum(EMAIL_KINDS);

/** True when `zone` is an IANA time zone this runtime knows (`Europe/London`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine(isTimeZone, "Use an IANA time zone such as Europe/London or America/New_York");

/**
 * A member's email settings: which emails they get (`digest` is the daily summary at 08:00
 * in `timeZone`, daylight saving included).
 */
export interface NotificationSettings {
  timeZone: string;
  digest: boolean;
  emails: Record<Exclude<EmailKind, "digest">, boolean>;
}

/**
 * `PATCH /api/auth/me/notifications`: any subset; omitted fields keep their value. Unknown keys
 * are ignored, as on every route.
 */
export const notificationSettingsPatchSchema = z.object({
  timeZone: timeZoneSchema.optional(),
  digest: z.boolean().optional(),
  emails: z
    .object({
      followup_reminder: z.boolean(),
      deliverable_due: z.boolean(),
      invoice_overdue: z.boolean(),
      content_published: z.boolean(),
      invitation: z.boolean(),
    })
    .partial()
    .optional(),
});
export type NotificationSettingsPatch = z.infer<typeof notificationSettingsPatchSchema>;

/** One email of the local outbox (`GET /api/dev/outbox`), newest first. */
export interface OutboxEmail {
  id: string;
  to: string;
  subject: string;
  template: EmailKind;
  text: string | null;
  html: string | null;
  status: string;
  dedupeKey: string;
  createdAt: string;
}

/** `?token=` of the unsubscribe link (a signed token; read by the API, never by clients). */
export const unsubscribeQuerySchema = z.object({ token: z.string().min(20).max(2000) });

/** `GET /api/dev/outbox` paging. */
export const outboxQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
