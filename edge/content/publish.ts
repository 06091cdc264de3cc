/**
 * Scheduled publishing: an item in status `scheduled` whose time has come becomes `published`
 * (its `publishedAt` is the time it was scheduled for), with a `content.published` audit entry
 * written in the same batch, and its creator is told by email if they want it.
 */
import { eq, isNull, sql } from "drizzle-orm";
import { auditLog, contentItems } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import type { DeliveryOutcome } from "../email/deliver";
import { notify } from "../email/notify";
import { contentPublishedEmail, webPaths } from "../email/templates";
import { reminderRecipient } from "../workspaces/recipients";

/** `content-published:<id>:<scheduledAt ms>` — rescheduled and published again is a new email. */
export const contentPublishedKey = (contentId: string, scheduledAt: number) =>
  `content-published:${contentId}:${scheduledAt}`;

/**
 * Publishes item `contentId` if it is still scheduled for `scheduledAt` (UTC ms), then emails
 * its creator (else the workspace owner). Safe to run twice: the audit entry's id is derived
 * from the item and its time, and the email goes through the delivery log. Answers the email's
 * outcome, or `stale` when the item was moved, unscheduled, deleted or never published by us.
 */
export async function publishScheduledContent(
  ctx: WorkspaceContext,
  message: { contentId: string; scheduledAt: number; dedupeKey: string },
): Promise<DeliveryOutcome | { status: "stale" }> {
  const scheduledAt = new Date(message.scheduledAt);
  const publishedByUs = ctx.scope.where(
    contentItems,
    eq(contentItems.id, message.contentId),
    eq(contentItems.status, "published"),
    eq(contentItems.publishedAt, scheduledAt),
    isNull(contentItems.deletedAt),
  );
  const [, , [item]] = await ctx.db.batch([
    ctx.scope.update(
      contentItems,
      { status: "published", publishedAt: scheduledAt, updatedAt: new Date() },
      eq(contentItems.id, message.contentId),
      eq(contentItems.status, "scheduled"),
      eq(contentItems.scheduledAt, scheduledAt),
      isNull(contentItems.deletedAt),
    ),
    // One entry per item and time, whether this run or an earlier one published it.
    ctx.db
      .insert(auditLog)
      .select(
        ctx.db
          .select({
            id: sql<string>`${`aud_pub_${message.contentId}_${message.scheduledAt}`}`.as("id"),
            workspaceId: contentItems.workspaceId,
            actorId: sql<null>`NULL`.as("actor_id"),
            action: sql<string>`'content.published'`.as("action"),
            targetType: sql<string>`'content'`.as("target_type"),
            targetId: contentItems.id,
            metadata:
              sql<string>`${JSON.stringify({ scheduledAt: scheduledAt.toISOString(), by: "schedule" })}`.as(
                "metadata",
              ),
            createdAt: sql<number>`${Date.now()}`.as("created_at"),
          })
          .from(contentItems)
          .where(publishedByUs),
      )
      .onConflictDoNothing(),
    ctx.db
      .select({ id: contentItems.id, title: contentItems.title, createdBy: contentItems.createdBy })
      .from(contentItems)
      .where(publishedByUs)
      .limit(1),
  ]);
  if (!item) return { status: "stale" };
  const recipient = await reminderRecipient(ctx, [item.createdBy], "content_published");
  if (!recipient) return { status: "stale" };
  return notify({
    db: ctx.db,
    env: ctx.env,
    recipient,
    kind: "content_published",
    dedupeKey: message.dedupeKey,
    workspaceId: ctx.workspace.id,
    render: (links, timeZone) =>
      contentPublishedEmail(
        {
          workspaceName: ctx.workspace.name,
          title: item.title,
          contentUrl: webPaths.content(ctx.env.APP_ORIGIN, item.id),
          publishedAt: scheduledAt,
          timeZone,
        },
        links,
      ),
  });
}
