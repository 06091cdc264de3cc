import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { createdAt, json, time, updatedAt } from "./columns";
import { workspaces } from "./workspaces";

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

/**
 * One row per cron run (`cron`, its scheduled minute): a trigger delivered twice for the same
 * minute finds the row and does nothing. Work items carry their own dedupe keys as well, so
 * overlapping runs for different minutes never send an email twice either.
 */
export const cronRuns = sqliteTable(
  "cron_runs",
  {
    cron: text("cron").notNull(),
    scheduledAt: time("scheduled_at").notNull(),
    finishedAt: time("finished_at"),
    /** What the run enqueued, per job (`{ followupReminders: 12, … }`). */
    summary: json<Record<string, number>>("summary"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.cron, t.scheduledAt] }),
    index("cron_runs_created").on(t.createdAt),
  ],
);
