/** Content items and their variants: row ↔ API shape, and the scoped queries the routes use. */
import {
  and,
  asc,
  desc,
  eq,
  gte,
  inArray,
  isNull,
  lt,
  notExists,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { ContentStatus, ListContentFilters, Variant } from "../../shared/content";
import type { PlatformId } from "../../shared/platforms";
import { decodeCursor, encodeCursor, pastCursor } from "../lib/cursor";
import { contentItems, contentVariants } from "./schema";
import type { WorkspaceScope } from "./scope";

export type ContentRow = typeof contentItems.$inferSelect;
export type VariantRow = typeof contentVariants.$inferSelect;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function contentView(row: ContentRow) {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    notes: row.notes,
    status: row.status,
    platforms: row.platforms as PlatformId[],
    tags: row.tags,
    scheduledAt: iso(row.scheduledAt),
    publishedAt: iso(row.publishedAt),
    source: {
      kind: row.sourceKind,
      url: row.sourceUrl,
      videoId: row.sourceVideoId,
      ...row.sourceMetadata,
    },
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type ContentView = ReturnType<typeof contentView>;

export function variantView(row: VariantRow): Variant {
  return {
    id: row.id,
    contentId: row.contentId,
    platform: row.platform as PlatformId,
    body: row.body,
    parts: row.parts,
    generatedBy: row.generatedBy,
    provider: row.provider,
    model: row.model,
    offline: row.provider === "offline",
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A live (not deleted) item of this workspace, or undefined. */
export async function findContent(
  scope: WorkspaceScope,
  id: string,
): Promise<ContentRow | undefined> {
  const [row] = await scope
    .select(contentItems, eq(contentItems.id, id), isNull(contentItems.deletedAt))
    .limit(1);
  return row as ContentRow | undefined;
}

export async function findContentByVideo(scope: WorkspaceScope, videoId: string) {
  const [row] = await scope
    .select(contentItems, eq(contentItems.sourceVideoId, videoId), isNull(contentItems.deletedAt))
    .limit(1);
  return row as ContentRow | undefined;
}

export async function listVariants(
  scope: WorkspaceScope,
  contentId: string,
): Promise<VariantRow[]> {
  return (await scope
    .select(contentVariants, eq(contentVariants.contentId, contentId))
    .orderBy(asc(contentVariants.platform), asc(contentVariants.createdAt))) as VariantRow[];
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);
const jsonArrayHas = (column: SQLiteColumn, value: string) =>
  sql`EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value = ${value})`;

/**
 * One page of items. Default order is newest first by (created_at, id); with a calendar range
 * it is by (scheduled_at, id). Keyset cursors on those pairs mean items added while a client
 * pages appear on page one, never as repeats or gaps further on. Archived items only show when
 * asked for by status.
 */
export async function listContent(scope: WorkspaceScope, query: ListContentFilters) {
  const calendar = query.from !== undefined || query.to !== undefined;
  const cursor = decodeCursor(query.cursor);
  const term = query.q ? `%${escapeLike(query.q)}%` : undefined;

  const conditions: (SQL | undefined)[] = [
    isNull(contentItems.deletedAt),
    // A literal, not a bound parameter, so SQLite can use the partial list index.
    query.status?.length === 1
      ? eq(contentItems.status, query.status[0] as ContentStatus)
      : query.status
        ? inArray(contentItems.status, [...query.status])
        : sql`${contentItems.status} <> 'archived'`,
    query.sourceKind ? eq(contentItems.sourceKind, query.sourceKind) : undefined,
    query.videoId ? eq(contentItems.sourceVideoId, query.videoId) : undefined,
    query.platform ? jsonArrayHas(contentItems.platforms, query.platform) : undefined,
    query.tag ? jsonArrayHas(contentItems.tags, query.tag) : undefined,
    term
      ? or(
          sql`${contentItems.title} LIKE ${term} ESCAPE '\\'`,
          sql`${contentItems.body} LIKE ${term} ESCAPE '\\'`,
          sql`${contentItems.notes} LIKE ${term} ESCAPE '\\'`,
        )
      : undefined,
    query.from ? gte(contentItems.scheduledAt, new Date(query.from)) : undefined,
    query.to ? lt(contentItems.scheduledAt, new Date(query.to)) : undefined,
  ];
  if (calendar) {
    conditions.push(sql`${contentItems.scheduledAt} IS NOT NULL`);
    if (cursor)
      conditions.push(pastCursor(contentItems.scheduledAt, contentItems.id, cursor, "asc"));
  } else if (cursor) {
    conditions.push(pastCursor(contentItems.createdAt, contentItems.id, cursor, "desc"));
  }

  const rows = (await scope
    .select(contentItems, ...conditions)
    .orderBy(
      ...(calendar
        ? [asc(contentItems.scheduledAt), asc(contentItems.id)]
        : [desc(contentItems.createdAt), desc(contentItems.id)]),
    )
    .limit(query.limit + 1)) as ContentRow[];

  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? encodeCursor({
          at: (calendar ? last.scheduledAt : last.createdAt)?.getTime() ?? 0,
          id: last.id,
        })
      : null;
  return { items: page.map(contentView), nextCursor };
}

/**
 * An AI variant's insert, to run in a batch, that writes nothing when a person's variant of
 * the same platform exists by then: an edit saved while a repurposing run was writing wins.
 * (INSERT … SELECT from the item's own row, so the condition is checked inside the batch.)
 */
export function insertVariantUnlessEdited(
  scope: WorkspaceScope,
  row: Omit<VariantRow, "workspaceId">,
) {
  const db = scope.db;
  const value = <T>(v: T, name: string) => sql<T>`${v}`.as(name);
  const edited = db
    .select({ one: sql`1` })
    .from(contentVariants)
    .where(
      and(
        eq(contentVariants.contentId, row.contentId),
        eq(contentVariants.platform, row.platform),
        eq(contentVariants.generatedBy, "person"),
      ),
    );
  return db.insert(contentVariants).select(
    db
      .select({
        id: value(row.id, "id"),
        workspaceId: contentItems.workspaceId,
        contentId: contentItems.id,
        platform: value(row.platform, "platform"),
        body: value(row.body, "body"),
        parts: value(row.parts ? JSON.stringify(row.parts) : null, "parts"),
        generatedBy: value(row.generatedBy, "generated_by"),
        provider: value(row.provider, "provider"),
        model: value(row.model, "model"),
        aiRequestId: value(row.aiRequestId, "ai_request_id"),
        createdBy: value(row.createdBy, "created_by"),
        createdAt: value(row.createdAt.getTime(), "created_at"),
        updatedAt: value(row.updatedAt.getTime(), "updated_at"),
      })
      .from(contentItems)
      .where(scope.where(contentItems, eq(contentItems.id, row.contentId), notExists(edited))),
  );
}
