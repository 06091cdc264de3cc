/**
 * One workspace's part of a member's daily digest: their pending follow-ups that are overdue
 * or due today (assigned to them, or unassigned and written by them), and their stale deals
 * (owned by them, or unowned and created by them; stale.ts says when a deal is stale).
 */
import { and, asc, eq, gte, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { dealStages, deals, followups } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { webPaths } from "../email/templates";
import type { DigestWorkspace } from "../email/templates/digest";
import { STALE_AFTER_DAYS } from "./stale";

/** Each section lists at most this many items; the dashboard has the rest. */
export const DIGEST_SECTION_LIMIT = 10;

const DAY = 24 * 60 * 60 * 1000;

/**
 * The digest section of workspace `ctx` for `userId`, for the local day [`dayStart`, `dayEnd`)
 * (UTC instants): overdue = due before `dayStart`, due today = within the day; stale as of
 * `now`. One batch of three queries.
 */
export async function digestSection(
  ctx: WorkspaceContext,
  userId: string,
  window: { dayStart: Date; dayEnd: Date; now: Date },
): Promise<DigestWorkspace> {
  const dealUrl = (id: string) => webPaths.deal(ctx.env.APP_ORIGIN, id);
  const pendingFollowups = (...conditions: SQL[]) =>
    ctx.db
      .select({
        dealId: followups.dealId,
        subject: followups.subject,
        dueAt: followups.dueAt,
        title: deals.title,
      })
      .from(followups)
      .innerJoin(deals, and(eq(deals.id, followups.dealId), isNull(deals.deletedAt)))
      .where(
        ctx.scope.where(
          followups,
          eq(followups.status, "pending"),
          or(
            eq(followups.assigneeId, userId),
            and(isNull(followups.assigneeId), eq(followups.createdBy, userId)),
          ),
          ...conditions,
        ),
      )
      .orderBy(asc(followups.dueAt), asc(followups.id))
      .limit(DIGEST_SECTION_LIMIT);
  const [overdue, dueToday, stale] = await ctx.db.batch([
    pendingFollowups(lt(followups.dueAt, window.dayStart)),
    pendingFollowups(gte(followups.dueAt, window.dayStart), lt(followups.dueAt, window.dayEnd)),
    ctx.db
      .select({
        id: deals.id,
        title: deals.title,
        lastActivityAt: deals.lastActivityAt,
        createdAt: deals.createdAt,
      })
      .from(deals)
      .leftJoin(dealStages, eq(dealStages.id, deals.stageId))
      .where(
        ctx.scope.where(
          deals,
          isNull(deals.deletedAt),
          or(eq(deals.ownerId, userId), and(isNull(deals.ownerId), eq(deals.createdBy, userId))),
          sql`(CASE coalesce(${dealStages.kind}, 'open')
                 WHEN 'open' THEN ${window.now.getTime() - (STALE_AFTER_DAYS.open ?? 14) * DAY}
                 WHEN 'won' THEN ${window.now.getTime() - (STALE_AFTER_DAYS.won ?? 7) * DAY}
               END) > coalesce(${deals.lastActivityAt}, ${deals.createdAt})`,
        ),
      )
      .orderBy(asc(sql`coalesce(${deals.lastActivityAt}, ${deals.createdAt})`), asc(deals.id))
      .limit(DIGEST_SECTION_LIMIT),
  ]);
  const item = (row: (typeof overdue)[number]) => ({
    title: `${row.title}: ${row.subject}`,
    url: dealUrl(row.dealId),
    at: row.dueAt,
  });
  return {
    name: ctx.workspace.name,
    overdue: overdue.map(item),
    dueToday: dueToday.map(item),
    stale: stale.map((row) => ({
      title: row.title,
      url: dealUrl(row.id),
      at: row.lastActivityAt ?? row.createdAt,
    })),
  };
}
