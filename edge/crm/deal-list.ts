/**
 * Listing deals: filters, four sorts and keyset pages that never repeat or skip a deal, for
 * every sort. Each sort reads its own index (schema/crm.ts: deals_list, deals_created,
 * deals_value, deals_close), so a page reads about as many rows as it answers.
 *
 * Deals without a value or an expected close date come last in both directions. They are read
 * as a second segment (`… IS NULL ORDER BY id`) once the deals with one run out, so each segment
 * stays an index range seek; a page takes at most two queries.
 *
 * A message or a thread has a handful of deals: filtered by one, a page reads them through that
 * filter's own index (deals_source_message, deals_source_thread) and sorts them, instead of
 * walking the sort's index past every other deal of the workspace. Writing the sort key as
 * `+column` is SQLite's way to keep the planner from seeking or ordering by its index.
 */
import { asc, desc, eq, gt, gte, isNotNull, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { z } from "zod";
import type { listDealsQuerySchema } from "../../shared/crm";
import { dealStages, deals } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import type { FoundDeal } from "./deal-lookup";
import { dealView } from "./deal-view";

export type ListDealsQuery = z.output<typeof listDealsQuerySchema>;
type Sort = ListDealsQuery["sort"];

const SORT_COLUMN = {
  updated: deals.updatedAt,
  created: deals.createdAt,
  value: deals.valueMinor,
  expectedClose: deals.expectedCloseAt,
} as const;
const NULLABLE: ReadonlySet<Sort> = new Set(["value", "expectedClose"]);

/**
 * The shared cursor (lib/cursor.ts) carries a non-negative integer key: values (which may be
 * negative, down to minorUnitsSchema's −10^12) are shifted up by this much…
 */
const VALUE_SHIFT = 1_000_000_000_000;
/** …and "no value" / "no date" is the largest key it accepts, beyond every shifted value or time. */
const NULL_KEY = 8.64e15;

function sortKey(row: FoundDeal["deal"], sort: Sort): number | null {
  switch (sort) {
    case "updated":
      return row.updatedAt.getTime();
    case "created":
      return row.createdAt.getTime();
    case "value":
      return row.valueMinor;
    case "expectedClose":
      return row.expectedCloseAt?.getTime() ?? null;
  }
}

const toCursorKey = (key: number | null, sort: Sort) =>
  key === null ? NULL_KEY : sort === "value" ? key + VALUE_SHIFT : key;
const fromCursorKey = (at: number, sort: Sort) =>
  NULLABLE.has(sort) && at === NULL_KEY ? null : sort === "value" ? at - VALUE_SHIFT : at;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/**
 * One page of live deals: `{ items, nextCursor }`, each item with `stale`.
 * @throws ApiError 400 VALIDATION_ERROR (a bad cursor)
 */
export async function listDeals(ctx: WorkspaceContext, query: ListDealsQuery) {
  const { sort, order, limit } = query;
  const cursor = decodeCursor(query.cursor);
  const after = cursor && { key: fromCursorKey(cursor.at, sort), id: cursor.id };
  const narrow = Boolean(query.sourceMessageId || query.sourceThreadId);
  const column = narrow ? sql`+${SORT_COLUMN[sort]}` : sql`${SORT_COLUMN[sort]}`;
  const id = narrow ? sql`+${deals.id}` : sql`${deals.id}`;
  const direction = order === "desc" ? desc : asc;
  // The keyset condition as a row value, which SQLite turns into an index range seek.
  const past = (key: number, lastId: string) =>
    sql`(${column}, ${id}) ${sql.raw(order === "desc" ? "<" : ">")} (${key}, ${lastId})`;
  const filters: (SQL | undefined)[] = [
    isNull(deals.deletedAt),
    query.stageId ? eq(deals.stageId, query.stageId) : undefined,
    query.sponsorId ? eq(deals.sponsorId, query.sponsorId) : undefined,
    query.ownerId ? eq(deals.ownerId, query.ownerId) : undefined,
    query.currency ? eq(deals.currency, query.currency) : undefined,
    query.sourceMessageId ? eq(deals.sourceMessageId, query.sourceMessageId) : undefined,
    query.sourceThreadId ? eq(deals.sourceThreadId, query.sourceThreadId) : undefined,
    query.q ? sql`${deals.title} LIKE ${`%${escapeLike(query.q)}%`} ESCAPE '\\'` : undefined,
    query.closeFrom ? gte(deals.expectedCloseAt, new Date(query.closeFrom)) : undefined,
    query.closeTo ? lt(deals.expectedCloseAt, new Date(query.closeTo)) : undefined,
  ];
  const read = (conditions: (SQL | undefined)[], orderBy: SQL[], count: number) =>
    ctx.db
      .select({ deal: deals, stageKind: dealStages.kind })
      .from(deals)
      .leftJoin(dealStages, eq(dealStages.id, deals.stageId))
      .where(ctx.scope.where(deals, ...filters, ...conditions))
      .orderBy(...orderBy)
      .limit(count) as Promise<FoundDeal[]>;

  const rows: FoundDeal[] = [];
  if (!after || after.key !== null) {
    rows.push(
      ...(await read(
        [
          NULLABLE.has(sort) ? isNotNull(column) : undefined,
          after?.key != null ? past(after.key, after.id) : undefined,
        ],
        [direction(column), direction(id)],
        limit + 1,
      )),
    );
  }
  // A close-date range already excludes deals without a date.
  const nullsPossible =
    NULLABLE.has(sort) && !(sort === "expectedClose" && (query.closeFrom || query.closeTo));
  if (nullsPossible && rows.length <= limit) {
    const pastId = after?.key === null ? (order === "desc" ? lt : gt)(id, after.id) : undefined;
    rows.push(...(await read([isNull(column), pastId], [direction(id)], limit + 1 - rows.length)));
  }

  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ at: toCursorKey(sortKey(last.deal, sort), sort), id: last.deal.id })
      : null;
  const now = Date.now();
  return { items: page.map((row) => dealView(row.deal, row.stageKind, now)), nextCursor };
}
