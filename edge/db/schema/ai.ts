import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { createdAt, updatedAt } from "./columns";
import { workspaces } from "./workspaces";

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

/**
 * The daily usage roll-up (03:00 UTC, for the UTC day before): per workspace and day, AI
 * calls, credits, tokens and cost from `ai_requests`, content items and deals created, emails
 * sent. Recomputed from those tables each time, so rolling a day up again changes nothing.
 * (`usage_daily` stays the live per-feature counter the usage page reads during the day.)
 */
export const usageRollups = sqliteTable(
  "usage_rollups",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** UTC day, `YYYY-MM-DD`. */
    day: text("day").notNull(),
    aiCalls: integer("ai_calls").notNull().default(0),
    credits: integer("credits").notNull().default(0),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    /** Millionths of a US dollar. */
    costMicros: integer("cost_micros").notNull().default(0),
    contentCreated: integer("content_created").notNull().default(0),
    dealsCreated: integer("deals_created").notNull().default(0),
    emailsSent: integer("emails_sent").notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day] })],
);
