/** One JSON object per line, for Workers Logs. Callers pass ids and figures, never secrets or bodies. */
export type LogLevel = "info" | "warn" | "error";

export function logLine(level: LogLevel, fields: Record<string, unknown>): void {
  const line = JSON.stringify({ timestamp: new Date().toISOString(), level, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/**
 * An error as a log line may carry it: its class and message, cut at 300 characters. A failed
 * query's message (drizzle: `Failed query: <sql>\nparams: <values>`) keeps its SQL and loses
 * the values — they hold addresses, subjects and email bodies.
 */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return "non-error thrown";
  const message = error.message.split(/\nparams:/)[0] ?? "";
  const cause =
    error.cause instanceof Error ? ` (cause: ${error.cause.message.split(/\nparams:/)[0]})` : "";
  return `${error.name}: ${message}${cause}`.slice(0, 300);
}
