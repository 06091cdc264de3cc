/** The sponsorship CRM: pipeline stages, sponsors, deals, their activities and follow-ups. */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import {
  ACTIVITY_KINDS,
  DEAL_SOURCES,
  type FieldOrigin,
  FOLLOWUP_STATUSES,
  type FollowupRecipient,
  type SponsorContact,
  STAGE_KINDS,
} from "../../../shared/crm";
import { users } from "./accounts";
import { createdAt, json, time, updatedAt } from "./columns";
import { workspaces } from "./workspaces";

/**
 * A stage of a workspace's deal pipeline. Its `kind` (shared/crm.ts STAGE_KINDS) is what totals
 * and follow-ups read; the name is the workspace's own.
 */
export const dealStages = sqliteTable(
  "deal_stages",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: text("kind", { enum: STAGE_KINDS }).notNull(),
    position: integer("position").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("deal_stages_pipeline").on(t.workspaceId, t.position)],
);

export const sponsors = sqliteTable(
  "sponsors",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Company email domain, lower-case (never a free-mail domain): how emails find the sponsor. */
    domain: text("domain"),
    contacts: json<SponsorContact[]>("contacts").notNull().default(sql`'[]'`),
    notes: text("notes"),
    /** Soft delete: restorable for 30 days, then housekeeping removes it. */
    deletedAt: time("deleted_at"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("sponsors_name").on(t.workspaceId, t.name, t.id),
    uniqueIndex("sponsors_domain")
      .on(t.workspaceId, t.domain)
      .where(sql`domain IS NOT NULL AND deleted_at IS NULL`),
    index("sponsors_created_by").on(t.createdBy),
    index("sponsors_deleted").on(t.deletedAt).where(sql`deleted_at IS NOT NULL`),
  ],
);

export interface StoredDeliverable {
  id: string;
  platform: string;
  kind: string;
  draftDueAt: number | null;
  approvedAt: number | null;
  liveAt: number | null;
  done: boolean;
  contentId: string | null;
}

export const deals = sqliteTable(
  "deals",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    sponsorId: text("sponsor_id").references(() => sponsors.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    /**
     * Every write sets it; the column stays nullable because D1 cannot rebuild `deals` (foreign
     * keys cannot be switched off there, and dropping the old table would cascade into its
     * activities and follow-ups), and SQLite adds a NOT NULL column only with a default.
     */
    stageId: text("stage_id").references(() => dealStages.id, { onDelete: "restrict" }),
    /** Integer minor units (ISO 4217) in `currency`. */
    valueMinor: integer("value_minor"),
    currency: text("currency").notNull().default("USD"),
    /** 0–100. */
    probability: integer("probability"),
    paymentTermsDays: integer("payment_terms_days"),
    poNumber: text("po_number"),
    usageRights: json<{ term: string | null; channels: string[]; paidUsage: boolean }>(
      "usage_rights",
    ),
    exclusivity: json<{ category: string | null; until: number | null }>("exclusivity"),
    deliverables: json<StoredDeliverable[]>("deliverables").notNull().default(sql`'[]'`),
    revisionRounds: integer("revision_rounds"),
    expectedCloseAt: time("expected_close_at"),
    invoiceSentAt: time("invoice_sent_at"),
    paidAt: time("paid_at"),
    ownerId: text("owner_id").references(() => users.id, { onDelete: "set null" }),
    source: text("source", { enum: DEAL_SOURCES }).notNull().default("manual"),
    /** Gmail message id: capturing the same email twice finds the first deal. */
    sourceMessageId: text("source_message_id"),
    sourceThreadId: text("source_thread_id"),
    /** The captured conversation's address in the mailbox it was captured from (`/mail/u/1/…`). */
    sourceThreadUrl: text("source_thread_url"),
    /** SHA-256 of sender, subject and date: the same email captured from two mailboxes. */
    sourceFingerprint: text("source_fingerprint"),
    fieldSources: json<Partial<Record<string, FieldOrigin>>>("field_sources")
      .notNull()
      .default(sql`'{}'`),
    /** The last activity's time: stale deals are found by it. */
    lastActivityAt: time("last_activity_at"),
    deletedAt: time("deleted_at"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("deals_list").on(t.workspaceId, t.updatedAt, t.id).where(sql`deleted_at IS NULL`),
    index("deals_stage").on(t.workspaceId, t.stageId, t.updatedAt, t.id),
    // The other sorts of GET /api/deals (edge/crm/deal-list.ts), ties broken by id.
    index("deals_created").on(t.workspaceId, t.createdAt, t.id).where(sql`deleted_at IS NULL`),
    index("deals_value").on(t.workspaceId, t.valueMinor, t.id).where(sql`deleted_at IS NULL`),
    index("deals_close").on(t.workspaceId, t.expectedCloseAt, t.id).where(sql`deleted_at IS NULL`),
    // GET /api/deals/pipeline (edge/crm/pipeline.ts): one GROUP BY (stage, currency) answered
    // from this index alone, without reading a deal row. `deleted_at` (always null here) is
    // listed so that SQLite sees the index as covering the query's `deleted_at IS NULL`.
    index("deals_pipeline")
      .on(
        t.workspaceId,
        t.stageId,
        t.currency,
        t.valueMinor,
        t.probability,
        t.lastActivityAt,
        t.createdAt,
        t.invoiceSentAt,
        t.paidAt,
        t.paymentTermsDays,
        t.deletedAt,
      )
      .where(sql`deleted_at IS NULL`),
    index("deals_stage_fk").on(t.stageId),
    index("deals_sponsor").on(t.sponsorId),
    index("deals_owner").on(t.ownerId),
    index("deals_created_by").on(t.createdBy),
    uniqueIndex("deals_source_message")
      .on(t.workspaceId, t.sourceMessageId)
      .where(sql`source_message_id IS NOT NULL AND deleted_at IS NULL`),
    index("deals_source_thread")
      .on(t.workspaceId, t.sourceThreadId)
      .where(sql`source_thread_id IS NOT NULL`),
    // One live deal per email, however many members' mailboxes it was captured from.
    uniqueIndex("deals_source_fingerprint")
      .on(t.workspaceId, t.sourceFingerprint)
      .where(sql`source_fingerprint IS NOT NULL AND deleted_at IS NULL`),
    index("deals_deleted").on(t.deletedAt).where(sql`deleted_at IS NOT NULL`),
    // The invoice reminder job: every workspace's unpaid invoices, oldest first.
    index("deals_unpaid_invoices")
      .on(t.invoiceSentAt, t.id)
      .where(sql`invoice_sent_at IS NOT NULL AND paid_at IS NULL AND deleted_at IS NULL`),
    // The deliverable reminder job: every workspace's live deals that have deliverables.
    index("deals_with_deliverables")
      .on(t.id)
      .where(sql`deleted_at IS NULL AND deliverables <> '[]'`),
  ],
);

export const dealActivities = sqliteTable(
  "deal_activities",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    dealId: text("deal_id")
      .notNull()
      .references(() => deals.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ACTIVITY_KINDS }).notNull(),
    body: text("body"),
    metadata: json<Record<string, unknown>>("metadata"),
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("deal_activities_deal").on(t.workspaceId, t.dealId, t.createdAt, t.id),
    index("deal_activities_deal_fk").on(t.dealId),
    index("deal_activities_actor").on(t.actorId),
    // A message is added to its thread's deal once, even when two captures race.
    uniqueIndex("deal_activities_email_message")
      .on(t.dealId, sql`json_extract(metadata, '$.messageId')`)
      .where(sql`kind = 'email_captured'`),
  ],
);

export const followups = sqliteTable(
  "followups",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    dealId: text("deal_id")
      .notNull()
      .references(() => deals.id, { onDelete: "cascade" }),
    /** The sponsor contact the email goes to; null until someone sets it (no contact on file). */
    to: json<FollowupRecipient>("to_contact"),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    dueAt: time("due_at").notNull(),
    status: text("status", { enum: FOLLOWUP_STATUSES }).notNull().default("pending"),
    /** The captured Gmail thread to reply in, and its address in that mailbox. */
    threadId: text("thread_id"),
    threadUrl: text("thread_url"),
    assigneeId: text("assignee_id").references(() => users.id, { onDelete: "set null" }),
    sentAt: time("sent_at"),
    /** When the reminder email went out (the reminder job); cleared when `dueAt` moves. */
    reminderSentAt: time("reminder_sent_at"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // GET /api/followups: a workspace's follow-ups by due time, ties broken by id.
    index("followups_list").on(t.workspaceId, t.dueAt, t.id),
    // The reminder job (cross-workspace.ts dueFollowups): only the follow-ups still to remind,
    // in due order, so a batch reads about as many index entries as it answers.
    index("followups_due_reminders")
      .on(t.dueAt, t.id)
      .where(sql`status = 'pending' AND reminder_sent_at IS NULL`),
    index("followups_deal").on(t.dealId, t.status),
    index("followups_assignee").on(t.assigneeId),
    index("followups_created_by").on(t.createdBy),
  ],
);
