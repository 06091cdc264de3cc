/**
 * A D1 binding that records every statement the app executes (through prepare/bind and
 * batch), so the benchmark can count queries per request and re-run each one to read D1's
 * own `meta.rows_read`.
 */
export interface RecordedStatement {
  sql: string;
  params: unknown[];
  /** Set on the statements of a `batch` call: the same number for every statement of one call. */
  batch?: number;
}

const INNER = Symbol("inner");
type Wrapped = D1PreparedStatement & { [INNER]: D1PreparedStatement; recorded: RecordedStatement };

function wrapStatement(
  inner: D1PreparedStatement,
  recorded: RecordedStatement,
  log: RecordedStatement[],
): Wrapped {
  const run = <T>(call: () => Promise<T>) => {
    log.push(recorded);
    return call();
  };
  return {
    [INNER]: inner,
    recorded,
    bind: (...params: unknown[]) =>
      wrapStatement(inner.bind(...params), { sql: recorded.sql, params }, log),
    first: (column?: string) => run(() => (column ? inner.first(column) : inner.first())),
    all: () => run(() => inner.all()),
    run: () => run(() => inner.run()),
    raw: (options?: { columnNames?: boolean }) =>
      run(() => inner.raw(options as { columnNames: true })),
  } as unknown as Wrapped;
}

/** Numbers `batch` calls across every counting binding, so logs can be shared. */
let batchCalls = 0;

export function countingD1(db: D1Database, log: RecordedStatement[]): D1Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === "prepare") {
        return (sql: string) => wrapStatement(target.prepare(sql), { sql, params: [] }, log);
      }
      if (property === "batch") {
        return (statements: Wrapped[]) => {
          const batch = ++batchCalls;
          for (const statement of statements) log.push({ ...statement.recorded, batch });
          return target.batch(statements.map((statement) => statement[INNER]));
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Round trips to D1: each statement run alone is one, each `batch` call one however many it holds. */
export function roundTrips(statements: RecordedStatement[]): number {
  const batches = new Set<number>();
  let alone = 0;
  for (const statement of statements) {
    if (statement.batch === undefined) alone++;
    else batches.add(statement.batch);
  }
  return alone + batches.size;
}

/** Rows D1 reports reading for each recorded statement (re-executed on the real database). */
export async function rowsRead(db: D1Database, statements: RecordedStatement[]): Promise<number[]> {
  const counts: number[] = [];
  for (const statement of statements) {
    const result = await db
      .prepare(statement.sql)
      .bind(...statement.params)
      .all();
    counts.push(result.meta.rows_read ?? Number.NaN);
  }
  return counts;
}
