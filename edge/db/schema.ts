/**
 * The whole product's data model. Times are UTC milliseconds; money is integer minor units;
 * ids are opaque random strings (see ids.ts). Every workspace-scoped table carries
 * `workspace_id` and leads its indexes with it, so scoped lists never scan other tenants.
 */
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import type { PlanId } from "../../shared/plans";
import type { Role } from "../../shared/roles";
import type { BrandVoice, WorkspaceSettings } from "../../shared/workspaces";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);
const updatedAt = () =>
  integer("updated_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);
const time = (name: string) => integer(name, { mode: "timestamp_ms" });
const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

// ─── Accounts ────────────────────────────────────────────────────────────────

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name"),
  /** `pbkdf2-sha256$<iterations>$<salt>$<hash>`; null for accounts that only use Google. */
  passwordHash: text("password_hash"),
  emailVerifiedAt: time("email_verified_at"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const oauthAccounts = sqliteTable(
  "oauth_accounts",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider", { enum: ["google"] }).notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    email: text("email"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("oauth_accounts_provider_account").on(t.provider, t.providerAccountId),
    index("oauth_accounts_user").on(t.userId),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** SHA-256 of the token; the token itself is never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    client: text("client", { enum: ["web", "extension", "api"] }).notNull(),
    expiresAt: time("expires_at").notNull(),
    lastUsedAt: time("last_used_at").notNull(),
    revokedAt: time("revoked_at"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
  },
  (t) => [
    index("sessions_user").on(t.userId),
    index("sessions_expires").on(t.expiresAt),
    // Housekeeping removes revoked sessions; few are revoked, so the index stays small.
    index("sessions_revoked").on(t.revokedAt).where(sql`revoked_at IS NOT NULL`),
  ],
);

// ─── Workspaces and membership ───────────────────────────────────────────────

export const workspaces = sqliteTable(
  "workspaces",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    plan: text("plan").$type<PlanId>().notNull().default("free"),
    brandVoice: json<BrandVoice>("brand_voice"),
    settings: json<WorkspaceSettings>("settings"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("workspaces_created_by").on(t.createdBy)],
);

export const workspaceMembers = sqliteTable(
  "workspace_members",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").$type<Role>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    index("workspace_members_user").on(t.userId),
  ],
);

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role").$type<Role>().notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: time("expires_at").notNull(),
    acceptedAt: time("accepted_at"),
    acceptedBy: text("accepted_by").references(() => users.id, { onDelete: "set null" }),
    revokedAt: time("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("invitations_workspace").on(t.workspaceId, t.createdAt),
    index("invitations_email").on(t.email),
    index("invitations_invited_by").on(t.invitedBy),
    index("invitations_accepted_by").on(t.acceptedBy),
    index("invitations_expires").on(t.expiresAt),
  ],
);

// ─── Content planning ────────────────────────────────────────────────────────

export interface SourceMetadata {
  channel?: string;
  description?: string;
  durationSeconds?: number;
  thumbnailUrl?: string;
  selection?: string;
}

export const contentItems = sqliteTable(
  "content_items",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    notes: text("notes"),
    sourceKind: text("source_kind", { enum: ["youtube", "web", "manual", "email"] })
      .notNull()
      .default("manual"),
    sourceUrl: text("source_url"),
    /** YouTube video id, so capturing the same video twice finds the first item. */
    sourceVideoId: text("source_video_id"),
    sourceMetadata: json<SourceMetadata>("source_metadata"),
    platforms: json<string[]>("platforms").notNull().default(sql`'[]'`),
    tags: json<string[]>("tags").notNull().default(sql`'[]'`),
    status: text("status", {
      enum: ["idea", "drafting", "scheduled", "published", "archived"],
    })
      .notNull()
      .default("idea"),
    scheduledAt: time("scheduled_at"),
    publishedAt: time("published_at"),
    /** Soft delete: a mistaken delete can be undone until housekeeping purges it. */
    deletedAt: time("deleted_at"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The default list (live, not archived) walks only the rows it returns.
    index("content_items_list")
      .on(t.workspaceId, t.createdAt, t.id)
      .where(sql`deleted_at IS NULL AND status <> 'archived'`),
    index("content_items_status").on(t.workspaceId, t.status, t.createdAt, t.id),
    index("content_items_calendar").on(t.workspaceId, t.scheduledAt, t.id),
    index("content_items_source_kind").on(t.workspaceId, t.sourceKind, t.createdAt),
    uniqueIndex("content_items_video")
      .on(t.workspaceId, t.sourceVideoId)
      .where(sql`source_video_id IS NOT NULL AND deleted_at IS NULL`),
    // The publishing cron looks for due scheduled items across workspaces.
    index("content_items_due").on(t.status, t.scheduledAt),
    index("content_items_created_by").on(t.createdBy),
    // Housekeeping purges items deleted more than 30 days ago, across workspaces.
    index("content_items_deleted").on(t.deletedAt).where(sql`deleted_at IS NOT NULL`),
  ],
);

export const contentVariants = sqliteTable(
  "content_variants",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    contentId: text("content_id")
      .notNull()
      .references(() => contentItems.id, { onDelete: "cascade" }),
    platform: text("platform").notNull(),
    body: text("body").notNull(),
    /** The posts of a thread, in order (X); null for single-body platforms. */
    parts: json<string[]>("parts"),
    generatedBy: text("generated_by", { enum: ["ai", "person"] }).notNull(),
    provider: text("provider"),
    model: text("model"),
    aiRequestId: text("ai_request_id"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("content_variants_content").on(t.workspaceId, t.contentId, t.platform),
    index("content_variants_item").on(t.contentId),
    index("content_variants_created_by").on(t.createdBy),
    index("content_variants_ai_request").on(t.aiRequestId),
  ],
);

// ─── Sponsorship CRM ─────────────────────────────────────────────────────────

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

// ─── Billing, AI usage ───────────────────────────────────────────────────────

export const subscriptions = sqliteTable(
  "subscriptions",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .unique()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    stripeCustomerId: text("stripe_customer_id").unique(),
    stripeSubscriptionId: text("stripe_subscription_id").unique(),
    plan: text("plan").$type<PlanId>().notNull(),
    status: text("status").notNull(),
    currentPeriodEnd: time("current_period_end"),
    cancelAtPeriodEnd: integer("cancel_at_period_end", { mode: "boolean" })
      .notNull()
      .default(false),
    trialEndsAt: time("trial_ends_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("subscriptions_trial").on(t.status, t.trialEndsAt)],
);

/** Each Stripe event id is processed once, whatever Stripe redelivers. */
export const stripeEvents = sqliteTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  processedAt: createdAt(),
});

export const aiRequests = sqliteTable(
  "ai_requests",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    feature: text("feature").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    /** Estimated cost in millionths of a US dollar. */
    costMicros: integer("cost_micros").notNull().default(0),
    latencyMs: integer("latency_ms").notNull().default(0),
    status: text("status", { enum: ["ok", "error", "cached"] }).notNull(),
    credits: integer("credits").notNull().default(0),
    cacheKey: text("cache_key"),
    errorCode: text("error_code"),
    createdAt: createdAt(),
  },
  (t) => [
    index("ai_requests_workspace").on(t.workspaceId, t.createdAt),
    index("ai_requests_cache").on(t.workspaceId, t.cacheKey),
    index("ai_requests_user").on(t.userId),
  ],
);

/** Credits spent per workspace per UTC month (`2026-11`); charged with one atomic UPDATE. */
export const usageCounters = sqliteTable(
  "usage_counters",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    period: text("period").notNull(),
    creditsUsed: integer("credits_used").notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.period] })],
);

/** Daily roll-up of ai_requests per feature, for the usage page. */
export const usageDaily = sqliteTable(
  "usage_daily",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    day: text("day").notNull(),
    feature: text("feature").notNull(),
    requests: integer("requests").notNull().default(0),
    credits: integer("credits").notNull().default(0),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    costMicros: integer("cost_micros").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.feature] })],
);

// ─── Jobs, email, audit, idempotency ─────────────────────────────────────────

/** Long-running work a client can poll (bulk repurposing, imports). */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    status: text("status", { enum: ["queued", "running", "succeeded", "failed"] })
      .notNull()
      .default("queued"),
    total: integer("total").notNull().default(0),
    done: integer("done").notNull().default(0),
    result: json<unknown>("result"),
    error: text("error"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("jobs_workspace").on(t.workspaceId, t.createdAt),
    index("jobs_created_by").on(t.createdBy),
  ],
);

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

export const deadJobs = sqliteTable(
  "dead_jobs",
  {
    id: text("id").primaryKey(),
    queue: text("queue").notNull(),
    messageId: text("message_id").notNull().unique(),
    body: json<unknown>("body"),
    attempts: integer("attempts").notNull(),
    error: text("error"),
    createdAt: createdAt(),
  },
  (t) => [index("dead_jobs_created").on(t.createdAt)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").references(() => workspaces.id, { onDelete: "cascade" }),
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    metadata: json<Record<string, unknown>>("metadata"),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_log_workspace").on(t.workspaceId, t.createdAt, t.id),
    index("audit_log_actor").on(t.actorId),
  ],
);

/** A repeated request with the same `Idempotency-Key` answers the stored first response. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    requestHash: text("request_hash").notNull(),
    statusCode: integer("status_code"),
    responseBody: text("response_body"),
    createdAt: createdAt(),
    expiresAt: time("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.key] }),
    index("idempotency_keys_expires").on(t.expiresAt),
  ],
);
