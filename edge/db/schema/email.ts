/** Email: the delivery log (and local outbox) and each recipient's email settings. */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { EMAIL_KINDS } from "../../../shared/notifications";
import { users } from "./accounts";
import { createdAt, time, updatedAt } from "./columns";
import { workspaces } from "./workspaces";

export const EMAIL_STATUSES = ["queued", "sending", "sent", "failed", "skipped"] as const;

/**
 * The delivery log: one row per logical email, whatever sender is configured. `dedupe_key`
 * (`followup-reminder:<id>:<dueAt>`, `digest:<userId>:<local day>`…) is unique, so however
 * often a job or a queue message runs, an email is recorded — and sent — once. The bodies are
 * kept only until the email is handed to the provider; the local outbox sender keeps them,
 * since they are its output (`GET /api/dev/outbox`).
 */
export const emailOutbox = sqliteTable(
  "email_outbox",
  {
    id: text("id").primaryKey(),
    /** The workspace the email is about; null for emails about no workspace. */
    workspaceId: text("workspace_id").references(() => workspaces.id, { onDelete: "cascade" }),
    dedupeKey: text("dedupe_key").notNull().unique(),
    toEmail: text("to_email").notNull(),
    template: text("template", { enum: EMAIL_KINDS }).notNull(),
    subject: text("subject").notNull(),
    bodyText: text("body_text"),
    bodyHtml: text("body_html"),
    /**
     * queued → sending (claimed by one consumer) → sent | failed (permanent) | skipped (the
     * recipient turned this email off). A retryable failure puts it back to queued.
     */
    status: text("status", { enum: EMAIL_STATUSES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    /** When a consumer claimed it; a claim older than the lease may be taken over. */
    claimedAt: time("claimed_at"),
    providerMessageId: text("provider_message_id"),
    lastError: text("last_error"),
    sentAt: time("sent_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("email_outbox_status").on(t.status, t.createdAt),
    index("email_outbox_workspace").on(t.workspaceId, t.createdAt),
    // GET /api/dev/outbox: the emails addressed to the signed-in user, newest first.
    index("email_outbox_to").on(t.toEmail, t.createdAt),
    // The daily usage roll-up counts a workspace's emails sent on a day.
    index("email_outbox_sent").on(t.workspaceId, t.sentAt).where(sql`status = 'sent'`),
  ],
);

const enabled = (name: string) => integer(name, { mode: "boolean" }).notNull().default(true);

/**
 * What each recipient wants to receive, keyed by email address (lower-case): an invitee
 * without an account can unsubscribe too. A user's row is created with their account; an
 * address without a row gets every email, in UTC.
 */
export const emailPreferences = sqliteTable(
  "email_preferences",
  {
    email: text("email").primaryKey(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    /** IANA time zone: the digest's 08:00 and the "tomorrow" of deliverable reminders. */
    timeZone: text("time_zone").notNull().default("UTC"),
    followupReminder: enabled("followup_reminder"),
    deliverableDue: enabled("deliverable_due"),
    invoiceOverdue: enabled("invoice_overdue"),
    contentPublished: enabled("content_published"),
    invitation: enabled("invitation"),
    digest: enabled("digest"),
    /** The next 08:00 in `time_zone` (UTC instant) a digest is due; null when digest is off. */
    digestNextAt: time("digest_next_at"),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("email_preferences_user").on(t.userId),
    // The digest job: the recipients whose 08:00 has come, soonest first.
    index("email_preferences_digest_due")
      .on(t.digestNextAt, t.email)
      .where(sql`digest_next_at IS NOT NULL`),
  ],
);
