import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, time } from "./columns";
import { workspaces } from "./workspaces";

export const emailOutbox = sqliteTable(
  "email_outbox",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").references(() => workspaces.id, { onDelete: "cascade" }),
    /** One email per key (e.g. `followup:<id>:<dueAt>`), however often a job runs. */
    dedupeKey: text("dedupe_key").notNull().unique(),
    toEmail: text("to_email").notNull(),
    template: text("template").notNull(),
    subject: text("subject").notNull(),
    bodyText: text("body_text"),
    bodyHtml: text("body_html"),
    status: text("status", { enum: ["queued", "sent", "failed"] })
      .notNull()
      .default("queued"),
    attempts: integer("attempts").notNull().default(0),
    providerMessageId: text("provider_message_id"),
    lastError: text("last_error"),
    sentAt: time("sent_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("email_outbox_status").on(t.status, t.createdAt),
    index("email_outbox_workspace").on(t.workspaceId, t.createdAt),
  ],
);
