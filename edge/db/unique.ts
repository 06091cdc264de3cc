/**
 * True when a D1 write failed on a UNIQUE constraint of `target` (a table or index name).
 * Drizzle wraps single-statement errors ("Failed query: …"), so the D1 message may be the cause.
 */
export function isUniqueViolation(error: unknown, target: string): boolean {
  return [error, (error as { cause?: unknown } | undefined)?.cause].some(
    (e) => String(e).includes("UNIQUE constraint failed") && String(e).includes(target),
  );
}
