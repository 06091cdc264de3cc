import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { ApiError } from "../errors";
import { base64url, fromBase64url } from "./encoding";

/** Keyset cursors: `(time, id)` of the last row, so pages never skip or repeat rows. */
export interface Cursor {
  at: number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return base64url(new TextEncoder().encode(`${cursor.at}|${cursor.id}`));
}

export function decodeCursor(text: string | undefined): Cursor | undefined {
  if (!text) return undefined;
  try {
    const [at, id] = new TextDecoder().decode(fromBase64url(text)).split("|");
    const time = Number(at);
    // Beyond ±8.64e15 ms a Date is invalid and would silently match nothing.
    if (id && at && /^\d+$/.test(at) && Number.isSafeInteger(time) && time <= 8.64e15) {
      return { at: time, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new ApiError(400, "VALIDATION_ERROR", "The page cursor is not valid", [
    { path: "cursor", message: "Use the nextCursor value from the previous page" },
  ]);
}

/**
 * The keyset condition `(time, id) < (at, id)` (or `>` ascending) as a row value, which SQLite
 * turns into an index range seek; the equivalent OR of two comparisons would scan from the start.
 */
export function pastCursor(
  timeColumn: SQLiteColumn,
  idColumn: SQLiteColumn,
  cursor: Cursor,
  direction: "asc" | "desc",
): SQL {
  const operator = sql.raw(direction === "desc" ? "<" : ">");
  return sql`(${timeColumn}, ${idColumn}) ${operator} (${cursor.at}, ${cursor.id})`;
}
