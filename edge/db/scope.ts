/**
 * The one door to workspace-scoped tables: every read and write made through a scope is
 * filtered by (or stamped with) its workspace id, so a handler cannot forget the tenant.
 */
import { and, eq, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./client";

type ScopedTable = SQLiteTable & { workspaceId: SQLiteColumn };

export class WorkspaceScope {
  constructor(
    readonly db: Db,
    readonly workspaceId: string,
  ) {}

  /** `workspace_id = ?` combined with the caller's conditions. */
  where(table: ScopedTable, ...conditions: (SQL | undefined)[]): SQL {
    return and(eq(table.workspaceId, this.workspaceId), ...conditions) as SQL;
  }

  select<T extends ScopedTable>(table: T, ...conditions: (SQL | undefined)[]) {
    return this.db
      .select()
      .from(table as SQLiteTable)
      .where(this.where(table, ...conditions));
  }

  /** One row or several, each stamped with this workspace (whatever workspace id it carried). */
  insert<T extends ScopedTable>(
    table: T,
    values: Omit<T["$inferInsert"], "workspaceId"> | Omit<T["$inferInsert"], "workspaceId">[],
  ) {
    const stamp = (row: Omit<T["$inferInsert"], "workspaceId">) =>
      ({ ...row, workspaceId: this.workspaceId }) as T["$inferInsert"];
    return this.db
      .insert(table)
      .values(Array.isArray(values) ? values.map(stamp) : [stamp(values)]);
  }

  update<T extends ScopedTable>(table: T, set: Partial<T["$inferInsert"]>, ...conditions: SQL[]) {
    return this.db
      .update(table)
      .set(set)
      .where(this.where(table, ...conditions));
  }

  delete<T extends ScopedTable>(table: T, ...conditions: SQL[]) {
    return this.db.delete(table).where(this.where(table, ...conditions));
  }
}
