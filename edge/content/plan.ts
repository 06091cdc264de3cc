/**
 * Planning a piece: reading it with its variants, changing its fields and moving it through
 * the life cycle (see schedule.ts), deleting it softly and restoring it within 30 days.
 */
import { eq, isNotNull } from "drizzle-orm";
import type { z } from "zod";
import type { updateContentSchema } from "../../shared/content";
import {
  type ContentRow,
  contentView,
  findContent,
  listVariants,
  variantView,
} from "../db/content";
import { contentItems } from "../db/schema";
import { isUniqueViolation } from "../db/unique";
import type { WorkspaceContext } from "../db/workspace-context";
import { ApiError, notFound } from "../errors";
import { checkSchedule } from "./schedule";

/** How long a deleted content item can still be restored; housekeeping purges it after. */
export const CONTENT_RESTORE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

export type ContentChanges = z.output<typeof updateContentSchema>;

/** A live item of this workspace. @throws ApiError 404 NOT_FOUND */
export async function requireContent(ctx: WorkspaceContext, id: string): Promise<ContentRow> {
  const item = await findContent(ctx.scope, id);
  if (!item) throw notFound("Content item not found");
  return item;
}

/** The item and its variants. @throws ApiError 404 NOT_FOUND */
export async function contentWithVariants(ctx: WorkspaceContext, id: string) {
  const item = await requireContent(ctx, id);
  const variants = await listVariants(ctx.scope, item.id);
  return { ...contentView(item), variants: variants.map(variantView) };
}

/**
 * Changes the fields given (null clears body, notes or scheduledAt).
 * @throws ApiError 404 NOT_FOUND, 400 INVALID_STATUS_TRANSITION / SCHEDULE_TIME_REQUIRED /
 *   SCHEDULE_TIME_PAST
 */
export async function updateContent(ctx: WorkspaceContext, id: string, changes: ContentChanges) {
  const item = await requireContent(ctx, id);
  const status = changes.status ?? item.status;
  const scheduledAt =
    changes.scheduledAt === undefined
      ? item.scheduledAt
      : changes.scheduledAt
        ? new Date(changes.scheduledAt)
        : null;
  checkSchedule({
    from: item.status,
    to: status,
    scheduledAt,
    timeChanged: changes.scheduledAt !== undefined,
  });
  const publishedAt =
    status === "published" && item.status !== "published" ? new Date() : item.publishedAt;
  const [updated] = (await ctx.scope
    .update(
      contentItems,
      {
        title: changes.title,
        body: changes.body,
        notes: changes.notes,
        platforms: changes.platforms ? [...new Set(changes.platforms)] : undefined,
        tags: changes.tags ? [...new Set(changes.tags)] : undefined,
        status,
        scheduledAt,
        publishedAt,
        updatedAt: new Date(),
      },
      eq(contentItems.id, item.id),
    )
    .returning()) as ContentRow[];
  if (!updated) throw notFound("Content item not found");
  return contentView(updated);
}

/** Soft delete: restorable for 30 days. @throws ApiError 404 NOT_FOUND */
export async function deleteContent(ctx: WorkspaceContext, id: string) {
  const item = await requireContent(ctx, id);
  const deletedAt = new Date();
  await ctx.scope.update(
    contentItems,
    { deletedAt, updatedAt: deletedAt },
    eq(contentItems.id, item.id),
  );
  return {
    id: item.id,
    deletedAt: deletedAt.toISOString(),
    restoreUntil: new Date(deletedAt.getTime() + CONTENT_RESTORE_WINDOW_MS).toISOString(),
  };
}

/**
 * Undoes a delete within 30 days.
 * @throws ApiError 404 NOT_FOUND, 400 RESTORE_WINDOW_PASSED, 409 CONFLICT (the same video was
 *   captured again since)
 */
export async function restoreContent(ctx: WorkspaceContext, id: string) {
  const { scope } = ctx;
  const [deleted] = (await scope
    .select(contentItems, eq(contentItems.id, id), isNotNull(contentItems.deletedAt))
    .limit(1)) as ContentRow[];
  if (!deleted?.deletedAt) throw notFound("No deleted content item with this id");
  if (Date.now() - deleted.deletedAt.getTime() > CONTENT_RESTORE_WINDOW_MS) {
    throw new ApiError(400, "RESTORE_WINDOW_PASSED", "Deleted items can be restored for 30 days");
  }
  try {
    const [restored] = (await scope
      .update(contentItems, { deletedAt: null, updatedAt: new Date() }, eq(contentItems.id, id))
      .returning()) as ContentRow[];
    if (!restored) throw notFound("No deleted content item with this id");
    return contentView(restored);
  } catch (error) {
    if (isUniqueViolation(error, "content_items")) {
      throw new ApiError(
        409,
        "CONFLICT",
        "This video was captured again since; the newer item is kept",
      );
    }
    throw error;
  }
}
