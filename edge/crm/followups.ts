/**
 * Follow-ups of deals: listing them by due time, editing (snooze = a later `dueAt`, mark sent,
 * cancel, take back), and cancelling a deal's pending ones when it enters a `paid` or `lost`
 * stage. Drafting one is followup-draft.ts. Follow-ups of deleted deals are hidden with them.
 *
 * Activities: marking sent records `followup_sent` (and counts as contact: the deal's
 * `lastActivityAt` moves), a later `dueAt` `followup_snoozed`, cancelling `followup_cancelled`.
 */
import { and, asc, eq, gte, inArray, isNull, lt, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { z } from "zod";
import {
  CLOSED_STAGE_KINDS,
  type Followup,
  type listFollowupsQuerySchema,
  type updateFollowupSchema,
} from "../../shared/crm";
import { deals, followups, workspaceMembers } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { ApiError, notFound } from "../errors";
import { decodeCursor, encodeCursor, pastCursor } from "../lib/cursor";
import { type ActivityEntry, activityInsert } from "./activities";
import { requireDeal } from "./deal-lookup";

export type FollowupRow = typeof followups.$inferSelect;
export type ListFollowupsQuery = z.output<typeof listFollowupsQuerySchema>;
export type FollowupChanges = z.output<typeof updateFollowupSchema>;

export function followupView(row: FollowupRow): Followup {
  return {
    id: row.id,
    dealId: row.dealId,
    to: row.to ?? null,
    subject: row.subject,
    body: row.body,
    dueAt: row.dueAt.toISOString(),
    status: row.status,
    assigneeId: row.assigneeId,
    threadId: row.threadId,
    threadUrl: row.threadUrl,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The follow-ups of live deals, joined through the deal's primary key. */
function liveFollowups(ctx: WorkspaceContext, ...conditions: (SQL | undefined)[]) {
  return ctx.db
    .select({ followup: followups })
    .from(followups)
    .innerJoin(deals, and(eq(deals.id, followups.dealId), isNull(deals.deletedAt)))
    .where(ctx.scope.where(followups, ...conditions));
}

/**
 * One page of follow-ups, soonest due first, by `(dueAt, id)` keyset cursors over the
 * `followups_list` index.
 * @throws ApiError 400 VALIDATION_ERROR (a bad cursor)
 */
export async function listFollowups(ctx: WorkspaceContext, query: ListFollowupsQuery) {
  const cursor = decodeCursor(query.cursor);
  const rows = (
    await liveFollowups(
      ctx,
      query.status ? inArray(followups.status, query.status) : undefined,
      query.dueAfter ? gte(followups.dueAt, new Date(query.dueAfter)) : undefined,
      query.dueBefore ? lt(followups.dueAt, new Date(query.dueBefore)) : undefined,
      query.dealId ? eq(followups.dealId, query.dealId) : undefined,
      query.assigneeId ? eq(followups.assigneeId, query.assigneeId) : undefined,
      cursor ? pastCursor(followups.dueAt, followups.id, cursor, "asc") : undefined,
    )
      .orderBy(asc(followups.dueAt), asc(followups.id))
      .limit(query.limit + 1)
  ).map((row) => row.followup as FollowupRow);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? encodeCursor({ at: last.dueAt.getTime(), id: last.id })
      : null;
  return { items: page.map(followupView), nextCursor };
}

/** A follow-up of a live deal in this workspace. @throws ApiError 404 NOT_FOUND */
export async function requireFollowup(ctx: WorkspaceContext, id: string): Promise<FollowupRow> {
  const [row] = await liveFollowups(ctx, eq(followups.id, id)).limit(1);
  if (!row) throw notFound("Follow-up not found");
  return row.followup as FollowupRow;
}

/** 400 unless `userId` is a member of this workspace. */
export async function requireMember(ctx: WorkspaceContext, userId: string, path: string) {
  const [member] = await ctx.db
    .select({ id: workspaceMembers.userId })
    .from(workspaceMembers)
    .where(ctx.scope.where(workspaceMembers, eq(workspaceMembers.userId, userId)))
    .limit(1);
  if (!member) {
    throw new ApiError(400, "VALIDATION_ERROR", `Invalid input — ${path}: not a member`, [
      { path, message: "Not a member of this workspace" },
    ]);
  }
}

const when = (date: Date) => date.toISOString().replace(/:\d\d\.\d{3}Z$/, "Z");

/**
 * Applies `changes`. Moving `dueAt` clears the reminder, so a snoozed follow-up is reminded
 * again when it falls due. `status: "sent"` stamps `sentAt`; `"pending"` clears it.
 * @throws ApiError 404 NOT_FOUND, 400 VALIDATION_ERROR (an assignee who is not a member),
 *   409 CONFLICT (taking one back to pending on a deal that is paid or lost)
 */
export async function updateFollowup(
  ctx: WorkspaceContext,
  id: string,
  changes: FollowupChanges,
): Promise<Followup> {
  // Optimistic: each attempt writes only if the row is still the one it read, so three "mark
  // sent" at once record one `followup_sent`; the others see it sent and change nothing.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const row = await requireFollowup(ctx, id);
    const now = new Date();
    const change = await plannedChange(ctx, row, changes, now);
    if (!change) return followupView(row);
    const [updated] = await ctx.scope
      .update(
        followups,
        { ...change.set, updatedAt: now },
        eq(followups.id, row.id),
        eq(followups.updatedAt, row.updatedAt),
        eq(followups.status, row.status),
      )
      .returning();
    if (!updated) continue;
    const sent = change.set.status === "sent";
    const log = [
      ...change.entries.map((entry) => activityInsert(ctx, row.dealId, entry, now)),
      ...(sent ? [ctx.scope.update(deals, { lastActivityAt: now }, eq(deals.id, row.dealId))] : []),
    ] as BatchItem<"sqlite">[];
    if (log.length > 0) await ctx.db.batch(log as [BatchItem<"sqlite">]);
    return followupView(updated as FollowupRow);
  }
  throw new ApiError(409, "CONFLICT", "This follow-up keeps changing: reload it and try again");
}

/** The columns `changes` sets on `row` and the activities they record; null when nothing changes. */
async function plannedChange(
  ctx: WorkspaceContext,
  row: FollowupRow,
  changes: FollowupChanges,
  now: Date,
) {
  if (changes.status === "pending" && row.status !== "pending") {
    const { stageKind } = await requireDeal(ctx, row.dealId);
    if (stageKind && CLOSED_STAGE_KINDS.has(stageKind)) {
      throw new ApiError(409, "CONFLICT", `This deal is ${stageKind}: it needs no follow-up`);
    }
  }
  if (changes.assigneeId && changes.assigneeId !== row.assigneeId) {
    await requireMember(ctx, changes.assigneeId, "assigneeId");
  }
  const set: Partial<FollowupRow> = {};
  if (changes.subject !== undefined) set.subject = changes.subject;
  if (changes.body !== undefined) set.body = changes.body;
  if (changes.to !== undefined) set.to = changes.to;
  if (changes.assigneeId !== undefined) set.assigneeId = changes.assigneeId;

  const entries: ActivityEntry[] = [];
  const about = { followupId: row.id, subject: changes.subject ?? row.subject };
  if (changes.dueAt !== undefined) {
    const dueAt = new Date(changes.dueAt);
    if (dueAt.getTime() !== row.dueAt.getTime()) {
      set.dueAt = dueAt;
      set.reminderSentAt = null;
      if (dueAt > row.dueAt) {
        entries.push({
          kind: "followup_snoozed",
          body: `Follow-up snoozed until ${when(dueAt)}`,
          metadata: { ...about, from: row.dueAt.toISOString(), to: dueAt.toISOString() },
        });
      }
    }
  }
  if (changes.status !== undefined && changes.status !== row.status) {
    set.status = changes.status;
    set.sentAt = changes.status === "sent" ? now : null;
    if (changes.status === "sent") {
      entries.push({
        kind: "followup_sent",
        body: `Follow-up sent: ${about.subject}`,
        metadata: about,
      });
    } else if (changes.status === "cancelled") {
      entries.push({
        kind: "followup_cancelled",
        body: `Follow-up cancelled: ${about.subject}`,
        metadata: about,
      });
    }
  }
  return Object.keys(set).length === 0 ? null : { set, entries };
}

/**
 * The statements that cancel deal `dealId`'s pending follow-ups because it entered a closed
 * stage (`paid` or `lost`), with one `followup_cancelled` activity when it had any.
 */
export async function cancelPendingFollowups(
  ctx: WorkspaceContext,
  dealId: string,
  stageName: string,
  now: Date,
): Promise<BatchItem<"sqlite">[]> {
  const pending = await ctx.db
    .select({ id: followups.id })
    .from(followups)
    .where(
      ctx.scope.where(followups, eq(followups.dealId, dealId), eq(followups.status, "pending")),
    );
  // Every pending one when the batch runs, also one drafted since this read (the activity names
  // those read here).
  const cancel = ctx.scope.update(
    followups,
    { status: "cancelled", updatedAt: now },
    eq(followups.dealId, dealId),
    eq(followups.status, "pending"),
  );
  if (pending.length === 0) return [cancel];
  const ids = pending.map((row) => row.id);
  return [
    cancel,
    activityInsert(
      ctx,
      dealId,
      {
        kind: "followup_cancelled",
        body: `${ids.length} pending follow-up${ids.length === 1 ? "" : "s"} cancelled: the deal moved to ${stageName}`,
        metadata: { followupIds: ids, reason: "deal_closed" },
      },
      now,
    ),
  ];
}
