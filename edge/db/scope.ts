/**
 * The one door to workspace-scoped tables: every read and write made through a scope is
 * filtered by (or stamped with) its workspace id, so a use case cannot forget the tenant.
 * The only other place that compares workspace ids is `cross-workspace.ts`, for the queries
 * that cross workspaces by design; `edge/test/tenancy-scan.test.ts` enforces both.
 */
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./client";
import { workspaces } from "./schema";

type ScopedTable = SQLiteTable & { workspaceId: SQLiteColumn };
type WorkspaceRow = typeof workspaces.$inferSelect;

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

  /** A `(SELECT count(*) …)` sub-query over this workspace's rows, for conditional writes. */
  count(table: ScopedTable, ...conditions: (SQL | undefined)[]): SQL<number> {
    return sql<number>`(SELECT count(*) FROM ${table} WHERE ${this.where(table, ...conditions)})`;
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

  /** Columns may be set to values or to SQL over the row (`credits_used - 1`). */
  update<T extends ScopedTable>(
    table: T,
    set: { [K in keyof T["$inferInsert"]]?: T["$inferInsert"][K] | SQL },
    ...conditions: (SQL | undefined)[]
  ) {
    return this.db
      .update(table)
      .set(set)
      .where(this.where(table, ...conditions));
  }

  delete<T extends ScopedTable>(table: T, ...conditions: (SQL | undefined)[]) {
    return this.db.delete(table).where(this.where(table, ...conditions));
  }

  /** The workspace's own row (name, plan, brand voice, settings). */
  async workspace(): Promise<WorkspaceRow | undefined> {
    const [row] = await this.db
      .select()
      .from(workspaces)
      .where(eq(workspaces.id, this.workspaceId))
      .limit(1);
    return row;
  }

  updateWorkspace(set: Partial<typeof workspaces.$inferInsert>) {
    return this.db.update(workspaces).set(set).where(eq(workspaces.id, this.workspaceId));
  }

  /** Deletes the workspace; every scoped table cascades from it. */
  deleteWorkspace() {
    return this.db.delete(workspaces).where(eq(workspaces.id, this.workspaceId));
  }
}
