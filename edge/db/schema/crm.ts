/** The sponsorship CRM (reshaped by the CRM issue: stages become per-workspace data). */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { createdAt, json, time, updatedAt } from "./columns";
import { workspaces } from "./workspaces";

export interface SponsorContact {
  name?: string;
  email: string;
  title?: string;
}

export const sponsors = sqliteTable(
  "sponsors",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    brand: text("brand").notNull(),
    /** Email domain, lower-case: captured emails are matched to sponsors by it. */
    domain: text("domain"),
    contacts: json<SponsorContact[]>("contacts").notNull().default(sql`'[]'`),
    notes: text("notes"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("sponsors_brand").on(t.workspaceId, t.brand),
    uniqueIndex("sponsors_domain").on(t.workspaceId, t.domain).where(sql`domain IS NOT NULL`),
  ],
);

export const DEAL_STAGES = [
  "lead",
  "negotiating",
  "contracted",
  "delivering",
  "invoiced",
  "paid",
  "lost",
] as const;

export const deals = sqliteTable(
  "deals",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    sponsorId: text("sponsor_id").references(() => sponsors.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    stage: text("stage", { enum: DEAL_STAGES }).notNull().default("lead"),
    /** Integer minor units (cents) in `currency`. */
    valueMinor: integer("value_minor"),
    currency: text("currency").notNull().default("USD"),
    /** 0–100. */
    probability: integer("probability"),
    deliverables: json<string[]>("deliverables").notNull().default(sql`'[]'`),
    dueAt: time("due_at"),
    closeAt: time("close_at"),
    paidAt: time("paid_at"),
    source: text("source", { enum: ["manual", "email", "extension"] })
      .notNull()
      .default("manual"),
    /** Gmail message id: capturing the same email twice finds the first deal. */
    sourceMessageId: text("source_message_id"),
    ownerId: text("owner_id").references(() => users.id, { onDelete: "set null" }),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("deals_list").on(t.workspaceId, t.updatedAt, t.id),
    index("deals_pipeline").on(t.workspaceId, t.stage, t.updatedAt, t.id),
    index("deals_due").on(t.workspaceId, t.dueAt),
    index("deals_sponsor").on(t.sponsorId),
    index("deals_owner").on(t.ownerId),
    index("deals_created_by").on(t.createdBy),
    uniqueIndex("deals_source_message")
      .on(t.workspaceId, t.sourceMessageId)
      .where(sql`source_message_id IS NOT NULL`),
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
    kind: text("kind", {
      enum: ["note", "stage_change", "email_captured", "followup_sent", "ai_extracted"],
    }).notNull(),
    body: text("body"),
    metadata: json<Record<string, unknown>>("metadata"),
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("deal_activities_deal").on(t.workspaceId, t.dealId, t.createdAt, t.id),
    index("deal_activities_deal_fk").on(t.dealId),
    index("deal_activities_actor").on(t.actorId),
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
    dueAt: time("due_at").notNull(),
    status: text("status", { enum: ["pending", "sent", "done", "cancelled"] })
      .notNull()
      .default("pending"),
    draftSubject: text("draft_subject"),
    draftBody: text("draft_body"),
    reminderSentAt: time("reminder_sent_at"),
    assigneeId: text("assignee_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The reminder cron: pending follow-ups due before now, across workspaces.
    index("followups_due").on(t.status, t.dueAt),
    index("followups_workspace").on(t.workspaceId, t.dueAt),
    index("followups_deal").on(t.dealId),
    index("followups_assignee").on(t.assigneeId),
  ],
);
