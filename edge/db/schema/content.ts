/** Content planning: items and their platform variants. */
import { sql } from "drizzle-orm";
import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { CONTENT_STATUSES, SOURCE_KINDS, VARIANT_AUTHORS } from "../../../shared/content";
import { users } from "./accounts";
import { createdAt, json, time, updatedAt } from "./columns";
import { workspaces } from "./workspaces";

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
    /** The piece itself (script, transcript, article, description): what repurposing reads. */
    body: text("body"),
    /** Private production notes: never sent to an AI provider. */
    notes: text("notes"),
    sourceKind: text("source_kind", { enum: SOURCE_KINDS }).notNull().default("manual"),
    sourceUrl: text("source_url"),
    /** YouTube video id, so capturing the same video twice finds the first item. */
    sourceVideoId: text("source_video_id"),
    sourceMetadata: json<SourceMetadata>("source_metadata"),
    platforms: json<string[]>("platforms").notNull().default(sql`'[]'`),
    tags: json<string[]>("tags").notNull().default(sql`'[]'`),
    status: text("status", { enum: CONTENT_STATUSES }).notNull().default("idea"),
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
    generatedBy: text("generated_by", { enum: VARIANT_AUTHORS }).notNull(),
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
