/**
 * The queries that cross workspaces by design, in one place: finding a request's session and
 * membership by its secret token, listing a user's workspaces, loading a workspace named by a
 * queue message, redeeming an invitation token, a calendar feed by its token, the work the cron
 * jobs find in every workspace (follow-ups due for reminders, deliverables and unpaid invoices,
 * scheduled content, digests, workspaces to roll up), a user's local outbox, and housekeeping.
 * Everything else reaches workspace-scoped tables through `WorkspaceScope` (scope.ts);
 * `edge/test/tenancy-scan.test.ts` fails when a workspace-id comparison appears elsewhere.
 */
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import { pastCursor } from "../lib/cursor";
import type { Db } from "./client";
import {
  calendarTokens,
  contentItems,
  cronRuns,
  dealStages,
  deals,
  emailOutbox,
  emailPreferences,
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
 * days for each), cron run records older than a month. One batch; safe to run twice (every
 * condition is "older than"). The delivery log is kept: its dedupe keys are what stop an
 * overdue invoice from being reminded again.
 */
export async function purgeExpired(db: Db, now: Date, restoreWindowMs: number) {
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const monthAgo = new Date(now.getTime() - 30 * DAY_MS);
  const [
    expiredSessions,
    expiredKeys,
    oldInvitations,
    purgedContent,
    purgedSponsors,
    purgedDeals,
    oldCronRuns,
  ] = await db.batch([
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
    db.delete(cronRuns).where(lt(cronRuns.createdAt, monthAgo)).returning({ cron: cronRuns.cron }),
  ]);
  return {
    sessions: expiredSessions.length,
    idempotencyKeys: expiredKeys.length,
    invitations: oldInvitations.length,
    content: purgedContent.length,
    sponsors: purgedSponsors.length,
    deals: purgedDeals.length,
    cronRuns: oldCronRuns.length,
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

/** A keyset position in a cross-workspace scan: the last row's sort value and id. */
export interface ScanCursor {
  at: number;
  id: string;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * The scheduled content items whose time has come (`scheduled_at <= now`), across every
 * workspace, oldest first, over the `content_items_due` index (status, scheduled_at), `limit`
 * at a time. Ties are broken by `rowid`, the index's own last column, so a page needs no sort
 * (an `id` column in that index would make it the cheapest path for a workspace's calendar
 * too, reading every workspace's scheduled items).
 */
export function dueScheduledContent(
  db: Db,
  options: { now: Date; limit: number; after?: { at: number; rowid: number } },
) {
  const { now, limit, after } = options;
  return db
    .select({
      id: contentItems.id,
      rowid: sql<number>`${contentItems}.rowid`,
      workspaceId: contentItems.workspaceId,
      scheduledAt: contentItems.scheduledAt,
    })
    .from(contentItems)
    .where(
      and(
        sql`${contentItems.status} = 'scheduled'`,
        lt(contentItems.scheduledAt, new Date(now.getTime() + 1)),
        isNull(contentItems.deletedAt),
        after
          ? sql`(${contentItems.scheduledAt}, ${contentItems}.rowid) > (${after.at}, ${after.rowid})`
          : undefined,
      ),
    )
    .orderBy(asc(contentItems.scheduledAt), sql`${contentItems}.rowid`)
    .limit(limit);
}

/**
 * Who a deal's reminders go to: its owner, else whoever created it — with their address and
 * email settings (time zone; null when they have no settings row).
 */
const dealRecipient = sql`coalesce(${deals.ownerId}, ${deals.createdBy})`;

/**
 * Unpaid invoices past their payment terms (`invoice_sent_at` + terms days, Net 30 when the
 * deal has none) whose reminder is not yet in the delivery log, across every workspace, over
 * the `deals_unpaid_invoices` index, `limit` at a time by `(invoice_sent_at, id)`. Deals in a
 * paid or lost stage and deleted deals are left out. `userId`: the owner, else the creator
 * (null when neither is left: the workspace owner is reminded).
 */
export function overdueInvoices(
  db: Db,
  options: { now: Date; limit: number; after?: ScanCursor; defaultTermsDays: number },
) {
  const { now, limit, after, defaultTermsDays } = options;
  return db
    .select({
      id: deals.id,
      workspaceId: deals.workspaceId,
      invoiceSentAt: deals.invoiceSentAt,
      userId: sql<string | null>`${dealRecipient}`,
    })
    .from(deals)
    .leftJoin(dealStages, eq(dealStages.id, deals.stageId))
    .leftJoin(
      emailOutbox,
      and(
        eq(
          emailOutbox.dedupeKey,
          sql`'invoice-overdue:' || ${deals.id} || ':' || ${deals.invoiceSentAt}`,
        ),
        // A reminder still queued (its message failing or dead-lettered) is enqueued again.
        sql`${emailOutbox.status} <> 'queued'`,
      ),
    )
    .where(
      and(
        sql`${deals.invoiceSentAt} IS NOT NULL AND ${deals.paidAt} IS NULL AND ${deals.deletedAt} IS NULL`,
        sql`${deals.invoiceSentAt} + coalesce(${deals.paymentTermsDays}, ${defaultTermsDays}) * ${DAY} <= ${now.getTime()}`,
        sql`coalesce(${dealStages.kind}, 'open') NOT IN ('paid', 'lost')`,
        isNull(emailOutbox.id),
        after ? sql`(${deals.invoiceSentAt}, ${deals.id}) > (${after.at}, ${after.id})` : undefined,
      ),
    )
    .orderBy(asc(deals.invoiceSentAt), asc(deals.id))
    .limit(limit);
}

/**
 * Live deals with deliverables, in a stage that is not paid or lost, with the reminder's
 * recipient (owner, else creator) and their time zone — across every workspace, by id over
 * the `deals_with_deliverables` index. The deliverable job picks the dates that are tomorrow.
 */
export function dealsWithDeliverables(db: Db, options: { limit: number; after?: string }) {
  return db
    .select({
      id: deals.id,
      workspaceId: deals.workspaceId,
      deliverables: deals.deliverables,
      userId: sql<string | null>`${dealRecipient}`,
      timeZone: emailPreferences.timeZone,
    })
    .from(deals)
    .leftJoin(dealStages, eq(dealStages.id, deals.stageId))
    .leftJoin(users, eq(users.id, dealRecipient))
    .leftJoin(emailPreferences, eq(emailPreferences.email, users.email))
    .where(
      and(
        sql`${deals.deletedAt} IS NULL AND ${deals.deliverables} <> '[]'`,
        sql`coalesce(${dealStages.kind}, 'open') NOT IN ('paid', 'lost')`,
        options.after ? gt(deals.id, options.after) : undefined,
      ),
    )
    .orderBy(asc(deals.id))
    .limit(options.limit);
}

/**
 * The dedupe keys among `keys` whose email is settled or being sent (sent, sending, skipped,
 * failed). One still queued — its message failing, or dead-lettered — is left out, so the next
 * run enqueues it again rather than dropping it.
 */
export async function loggedEmailKeys(db: Db, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  // D1 binds at most 100 parameters per query.
  for (let start = 0; start < keys.length; start += 90) {
    const rows = await db
      .select({ key: emailOutbox.dedupeKey })
      .from(emailOutbox)
      .where(
        and(
          inArray(emailOutbox.dedupeKey, keys.slice(start, start + 90)),
          sql`${emailOutbox.status} <> 'queued'`,
        ),
      );
    for (const row of rows) found.add(row.key);
  }
  return found;
}

/**
 * Members whose digest is due (`digest_next_at <= now`), soonest first, over the partial index
 * `email_preferences_digest_due`; only addresses that belong to an account.
 */
export function dueDigests(
  db: Db,
  options: { now: Date; limit: number; after?: { at: number; email: string } },
) {
  const { now, limit, after } = options;
  return db
    .select({
      email: emailPreferences.email,
      userId: emailPreferences.userId,
      timeZone: emailPreferences.timeZone,
      digestNextAt: emailPreferences.digestNextAt,
    })
    .from(emailPreferences)
    .where(
      and(
        sql`${emailPreferences.digestNextAt} IS NOT NULL`,
        lt(emailPreferences.digestNextAt, new Date(now.getTime() + 1)),
        isNotNull(emailPreferences.userId),
        after
          ? sql`(${emailPreferences.digestNextAt}, ${emailPreferences.email}) > (${after.at}, ${after.email})`
          : undefined,
      ),
    )
    .orderBy(asc(emailPreferences.digestNextAt), asc(emailPreferences.email))
    .limit(limit);
}

/** Moves `email`'s next digest to `next` — only if it is still `was` (a second run moves nothing). */
export function rescheduleDigest(db: Db, email: string, was: Date, next: Date | null) {
  return db
    .update(emailPreferences)
    .set({ digestNextAt: next })
    .where(and(eq(emailPreferences.email, email), eq(emailPreferences.digestNextAt, was)));
}

/** Every workspace id, `limit` at a time by id (the daily roll-up enqueues one message each). */
export function workspaceIds(db: Db, options: { limit: number; after?: string }) {
  return db
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(options.after ? gt(workspaces.id, options.after) : undefined)
    .orderBy(asc(workspaces.id))
    .limit(options.limit);
}

/**
 * The local outbox as `user` may see it: emails addressed to them, or about a workspace they
 * belong to — newest first, `limit` at a time by `(created_at, id)`.
 */
export function outboxForUser(
  db: Db,
  user: { id: string; email: string },
  options: { limit: number; before?: ScanCursor },
) {
  const theirWorkspaces = db
    .select({ id: workspaceMembers.workspaceId })
    .from(workspaceMembers)
    .where(eq(workspaceMembers.userId, user.id));
  return db
    .select()
    .from(emailOutbox)
    .where(
      and(
        or(eq(emailOutbox.toEmail, user.email), inArray(emailOutbox.workspaceId, theirWorkspaces)),
        options.before
          ? pastCursor(emailOutbox.createdAt, emailOutbox.id, options.before, "desc")
          : undefined,
      ),
    )
    .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
    .limit(options.limit);
}

/**
 * Claims the cron run (`cron`, `scheduledAt`): true for the first claim, false when a run for
 * that minute was claimed before (a trigger delivered twice).
 */
export async function claimCronRun(db: Db, cron: string, scheduledAt: Date): Promise<boolean> {
  const rows = await db
    .insert(cronRuns)
    .values({ cron, scheduledAt })
    .onConflictDoNothing()
    .returning({ cron: cronRuns.cron });
  return rows.length > 0;
}

/** Records what a claimed run did; `summary: null` releases a failed run's claim instead. */
export function finishCronRun(
  db: Db,
  cron: string,
  scheduledAt: Date,
  summary: Record<string, number> | null,
) {
  const run = and(eq(cronRuns.cron, cron), eq(cronRuns.scheduledAt, scheduledAt));
  return summary
    ? db.update(cronRuns).set({ finishedAt: new Date(), summary }).where(run)
    : db.delete(cronRuns).where(run);
}
