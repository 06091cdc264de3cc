/** The workspace's audit log, read a page at a time (the entries are written by `db/audit`). */
import { desc, eq } from "drizzle-orm";
import { auditLog, users } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { decodeCursor, encodeCursor, pastCursor } from "../lib/cursor";

/**
 * One page of who did what in the workspace, newest first: up to `limit` entries after
 * `cursor` (the previous page's `nextCursor`; none for the first page). Answers
 * `{ items: { id, action, targetType, targetId, metadata, actorId, actorEmail, createdAt }[],
 * nextCursor }`, `nextCursor` null on the last page. Keyset paging on (createdAt, id), so
 * entries written in the same instant are neither repeated nor skipped.
 * Throws 400 VALIDATION_ERROR (issue path `cursor`) for a cursor this API did not hand out.
 */
export async function auditLogPage(
  ctx: WorkspaceContext,
  page: { limit: number; cursor?: string | undefined },
) {
  const cursor = decodeCursor(page.cursor);
  const rows = await ctx.db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      metadata: auditLog.metadata,
      actorId: auditLog.actorId,
      actorEmail: users.email,
      createdAt: auditLog.createdAt,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(
      ctx.scope.where(
        auditLog,
        cursor ? pastCursor(auditLog.createdAt, auditLog.id, cursor, "desc") : undefined,
      ),
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > page.limit && last
        ? encodeCursor({ at: last.createdAt.getTime(), id: last.id })
        : null,
  };
}
