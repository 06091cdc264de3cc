/**
 * The queries that cross workspaces by design, in one place: finding a request's session and
 * membership by its secret token, listing a user's workspaces, loading a workspace named by a
 * queue message, redeeming an invitation token, a calendar feed by its token, the follow-ups due
 * for reminders, and housekeeping across every workspace.
 * Everything else reaches workspace-scoped tables through `WorkspaceScope` (scope.ts);
 * `edge/test/tenancy-scan.test.ts` fails when a workspace-id comparison appears elsewhere.
 */
import { and, asc, eq, gt, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "./client";
import {
  calendarTokens,
  contentItems,
  dealStages,
  deals,
  followups,
  idempotencyKeys,
  invitations,
  sessions,
  sponsors,
  users,
  workspaceMembers,
  workspaces,
} from "./schema";

/** Which membership to read with the session: none, the user's only one, or a named one. */
export type MembershipWanted = { kind: "none" } | { kind: "only" } | { kind: "id"; id: string };

/**
 * A session by its token hash, with its user and (when asked) the membership the request acts
 * through — one D1 query. `only` answers up to two memberships so the caller can tell "one"
 * from "several".
 */
export function sessionWithMembership(db: Db, tokenHash: string, wanted: MembershipWanted) {
  const session = {
    sessionId: sessions.id,
    expiresAt: sessions.expiresAt,
    lastUsedAt: sessions.lastUsedAt,
    revokedAt: sessions.revokedAt,
    userId: users.id,
    email: users.email,
    name: users.name,
  };
  if (wanted.kind === "none") {
    return db
      .select(session)
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.tokenHash, tokenHash))
      .limit(1);
  }
  return db
    .select({
      ...session,
      workspaceId: workspaces.id,
      workspaceName: workspaces.name,
      plan: workspaces.plan,
      role: workspaceMembers.role,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(
      workspaceMembers,
      wanted.kind === "id"
        ? and(eq(workspaceMembers.userId, users.id), eq(workspaceMembers.workspaceId, wanted.id))
        : eq(workspaceMembers.userId, users.id),
    )
    .leftJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(eq(sessions.tokenHash, tokenHash))
    .limit(2);
}

/** The workspaces a user belongs to, with their role in each (oldest first). */
export function listMemberships(db: Db, userId: string) {
  return db
    .select({
      id: workspaces.id,
      name: workspaces.name,
      plan: workspaces.plan,
      role: workspaceMembers.role,
      createdAt: workspaces.createdAt,
    })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(eq(workspaceMembers.userId, userId))
    .orderBy(asc(workspaces.createdAt), asc(workspaces.id));
}

/**
 * A workspace named by a queue message or a cron batch, with the acting user's role in it
 * (null when the user is no longer a member, or no user acts).
 */
export async function workspaceForJob(db: Db, workspaceId: string, userId: string | null) {
  const [row] = await db
    .select({
      id: workspaces.id,
      name: workspaces.name,
      plan: workspaces.plan,
      role: workspaceMembers.role,
    })
    .from(workspaces)
    .leftJoin(
      workspaceMembers,
      and(
        eq(workspaceMembers.workspaceId, workspaces.id),
        eq(workspaceMembers.userId, userId ?? ""),
      ),
    )
    .where(eq(workspaces.id, workspaceId))
    .limit(1);
  return row;
}

/** An invitation by the hash of its secret token, whatever workspace it belongs to. */
export async function invitationByTokenHash(db: Db, tokenHash: string) {
  const [row] = await db
    .select()
    .from(invitations)
    .where(eq(invitations.tokenHash, tokenHash))
    .limit(1);
  return row;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Housekeeping across every workspace: expired sessions and idempotency keys, invitations
 * expired a month ago, content, sponsors and deals deleted more than `restoreWindowMs` ago (30
 * days for each). One batch; safe to run twice (every condition is "older than").
 */
export async function purgeExpired(db: Db, now: Date, restoreWindowMs: number) {
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const monthAgo = new Date(now.getTime() - 30 * DAY_MS);
  const [expiredSessions, expiredKeys, oldInvitations, purgedContent, purgedSponsors, purgedDeals] =
    await db.batch([
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
        .where(lt(contentItems.deletedAt, new Date(now.getTime() - restoreWindowMs)))
        .returning({ id: contentItems.id }),
      db
        .delete(sponsors)
        .where(lt(sponsors.deletedAt, new Date(now.getTime() - restoreWindowMs)))
        .returning({ id: sponsors.id }),
      db
        .delete(deals)
        .where(lt(deals.deletedAt, new Date(now.getTime() - restoreWindowMs)))
        .returning({ id: deals.id }),
    ]);
  return {
    sessions: expiredSessions.length,
    idempotencyKeys: expiredKeys.length,
    invitations: oldInvitations.length,
    content: purgedContent.length,
    sponsors: purgedSponsors.length,
    deals: purgedDeals.length,
  };
}

/**
 * Redeems invitation `invitationId` for `userId`: claims it (only while it is unused, unrevoked
 * and unexpired) and adds the user to its workspace with its role, in one transaction. The
 * membership is copied from the invitation row itself (INSERT…SELECT, conditional on the
 * invitation being this user's), so the token stays single-use when two accepts race, and a
 * second accept by the same user adds nothing. True when this call made the claim.
 */
export async function redeemInvitation(
  db: Db,
  invitationId: string,
  userId: string,
  now: Date,
): Promise<boolean> {
  const [claimed] = await db.batch([
    db
      .update(invitations)
      .set({ acceptedAt: now, acceptedBy: userId })
      .where(
        and(
          eq(invitations.id, invitationId),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          gt(invitations.expiresAt, now),
        ),
      )
      .returning({ id: invitations.id }),
    db
      .insert(workspaceMembers)
      .select(
        db
          .select({
            workspaceId: invitations.workspaceId,
            userId: sql<string>`${userId}`.as("user_id"),
            role: invitations.role,
            createdAt: sql<Date>`${now.getTime()}`.as("created_at"),
          })
          .from(invitations)
          // Only the claim made by this call (its own `now`) adds the member: an invitation
          // accepted before — by someone since removed — never lets them back in.
          .where(
            and(
              eq(invitations.id, invitationId),
              eq(invitations.acceptedBy, userId),
              eq(invitations.acceptedAt, now),
            ),
          ),
      )
      .onConflictDoNothing(),
  ]);
  return claimed.length > 0;
}

/**
 * A calendar feed by the SHA-256 (hex) of its secret token, whatever workspace it belongs to:
 * the feed's workspace (id, name, plan) and its member (`userId`, `role`), in one query. Answers
 * undefined when no feed has that hash (never issued, or rotated since) and when its user is no
 * longer a member of its workspace — a removed member's URL stops answering at once.
 */
export async function calendarFeedByTokenHash(db: Db, tokenHash: string) {
  const [row] = await db
    .select({
      id: workspaces.id,
      name: workspaces.name,
      plan: workspaces.plan,
      userId: calendarTokens.userId,
      role: workspaceMembers.role,
    })
    .from(calendarTokens)
    .innerJoin(
      workspaceMembers,
      and(
        eq(workspaceMembers.workspaceId, calendarTokens.workspaceId),
        eq(workspaceMembers.userId, calendarTokens.userId),
      ),
    )
    .innerJoin(workspaces, eq(workspaces.id, calendarTokens.workspaceId))
    .where(eq(calendarTokens.tokenHash, tokenHash))
    .limit(1);
  return row;
}

/** Where the previous batch of due follow-ups ended: its last `(dueAt, id)`. */
export interface DueFollowupCursor {
  dueAt: Date;
  id: string;
}

/**
 * The reminder job's read (issue 11): pending follow-ups due by `now` whose reminder was not
 * sent, across every workspace, soonest first, `limit` at a time after `after`. Follow-ups of
 * deleted deals and of deals in a `paid` or `lost` stage are left out. It walks the partial
 * index `followups_due_reminders` (only follow-ups still to remind, by `(due_at, id)`) and
 * joins each deal and stage by primary key, so a batch reads about as many rows as it answers
 * — however many follow-ups were sent, cancelled or reminded before. A follow-up that fell due
 * while no run happened is still here on the next run: nothing is keyed on the run's time.
 */
export function dueFollowups(
  db: Db,
  options: { now: Date; limit: number; after?: DueFollowupCursor },
) {
  const { now, limit, after } = options;
  return db
    .select({
      id: followups.id,
      workspaceId: followups.workspaceId,
      dealId: followups.dealId,
      dueAt: followups.dueAt,
      subject: followups.subject,
      to: followups.to,
      assigneeId: followups.assigneeId,
      createdBy: followups.createdBy,
      dealTitle: deals.title,
      stageKind: dealStages.kind,
    })
    .from(followups)
    .innerJoin(deals, and(eq(deals.id, followups.dealId), isNull(deals.deletedAt)))
    .leftJoin(dealStages, eq(dealStages.id, deals.stageId))
    .where(
      and(
        // Literal, not bound: SQLite picks a partial index only when the query's own terms
        // imply the index's WHERE.
        sql`${followups.status} = 'pending' AND ${followups.reminderSentAt} IS NULL`,
        // Told that few rows are due, SQLite reads a batch's rows one by one; otherwise it
        // ignores the LIMIT, expects every row up to now, and first builds Bloom filters by
        // reading all of deals and deal_stages (measured: 2,200 rows read for a batch of 100).
        sql`likelihood(${followups.dueAt} <= ${now.getTime()}, 0.001)`,
        after
          ? sql`(${followups.dueAt}, ${followups.id}) > (${after.dueAt.getTime()}, ${after.id})`
          : undefined,
        // A deal whose stage was never set counts as open.
        sql`coalesce(${dealStages.kind}, 'open') NOT IN ('paid', 'lost')`,
      ),
    )
    .orderBy(asc(followups.dueAt), asc(followups.id))
    .limit(limit);
}
