/**
 * A deal's timeline: notes, stage changes, captured emails, follow-ups and field corrections,
 * each with who (`actorId`, null for system work) and when. Recording one also moves the deal's
 * `lastActivityAt`, which is what makes a deal stale or not (stale.ts).
 */
import { desc, eq } from "drizzle-orm";
import type { ActivityKind } from "../../shared/crm";
import { dealActivities, deals } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { decodeCursor, encodeCursor, pastCursor } from "../lib/cursor";
import { newId } from "../lib/ids";
import { requireDeal } from "./deal-lookup";
import { type ActivityRow, activityView } from "./deal-view";

export interface ActivityEntry {
  kind: ActivityKind;
  body?: string | null;
  metadata?: Record<string, unknown> | null;
}

/** The insert of one activity of deal `dealId`, by the context's user, at `at`; for a batch. */
export function activityInsert(
  ctx: WorkspaceContext,
  dealId: string,
  entry: ActivityEntry,
  at: Date,
) {
  return ctx.scope.insert(dealActivities, {
    id: newId("act"),
    dealId,
    kind: entry.kind,
    body: entry.body ?? null,
    metadata: entry.metadata ?? null,
    actorId: ctx.user?.id ?? null,
    createdAt: at,
  });
}

/**
 * One page of a live deal's activities, newest first, by (createdAt, id) keyset cursors.
 * @throws ApiError 404 NOT_FOUND, 400 VALIDATION_ERROR (a bad cursor)
 */
export async function listActivities(
  ctx: WorkspaceContext,
  dealId: string,
  query: { limit: number; cursor?: string },
) {
  const cursor = decodeCursor(query.cursor);
  const { deal } = await requireDeal(ctx, dealId);
  const rows = (await ctx.scope
    .select(
      dealActivities,
      eq(dealActivities.dealId, deal.id),
      cursor ? pastCursor(dealActivities.createdAt, dealActivities.id, cursor, "desc") : undefined,
    )
    .orderBy(desc(dealActivities.createdAt), desc(dealActivities.id))
    .limit(query.limit + 1)) as ActivityRow[];
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? encodeCursor({ at: last.createdAt.getTime(), id: last.id })
      : null;
  return { items: page.map(activityView), nextCursor };
}

/** Adds a person's note to a live deal. @throws ApiError 404 NOT_FOUND */
export async function addNote(ctx: WorkspaceContext, dealId: string, note: { body: string }) {
  const { deal } = await requireDeal(ctx, dealId);
  const now = new Date();
  const [[activity]] = await ctx.db.batch([
    activityInsert(ctx, deal.id, { kind: "note", body: note.body }, now).returning(),
    ctx.scope.update(deals, { lastActivityAt: now }, eq(deals.id, deal.id)),
  ]);
  return activityView(activity as ActivityRow);
}
