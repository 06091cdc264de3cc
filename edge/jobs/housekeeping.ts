import { and, isNotNull, lt, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { contentItems, idempotencyKeys, invitations, sessions } from "../db/schema";

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long a deleted content item can still be restored. */
export const CONTENT_RESTORE_WINDOW_MS = 30 * DAY_MS;

/** Deletes what has outlived its use. Safe to run twice: every condition is "older than". */
export async function runHousekeeping(db: Db, now = new Date()) {
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const monthAgo = new Date(now.getTime() - 30 * DAY_MS);
  const [expiredSessions, expiredKeys, oldInvitations, purgedContent] = await db.batch([
    db
      .delete(sessions)
      .where(
        or(
          lt(sessions.expiresAt, now),
          and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, dayAgo)),
        ),
      )
      .returning({ id: sessions.id }),
    db
      .delete(idempotencyKeys)
      .where(lt(idempotencyKeys.expiresAt, now))
      .returning({ key: idempotencyKeys.key }),
    db
      .delete(invitations)
      .where(lt(invitations.expiresAt, monthAgo))
      .returning({ id: invitations.id }),
    db
      .delete(contentItems)
      .where(lt(contentItems.deletedAt, new Date(now.getTime() - CONTENT_RESTORE_WINDOW_MS)))
      .returning({ id: contentItems.id }),
  ]);
  return {
    sessions: expiredSessions.length,
    idempotencyKeys: expiredKeys.length,
    invitations: oldInvitations.length,
    content: purgedContent.length,
  };
}
