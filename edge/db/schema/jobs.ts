import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { createdAt, json, updatedAt } from "./columns";
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
