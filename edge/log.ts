/** One JSON object per line, for Workers Logs. Callers pass ids and figures, never secrets or bodies. */
export type LogLevel = "info" | "warn" | "error";

export function logLine(level: LogLevel, fields: Record<string, unknown>): void {
  const line = JSON.stringify({ timestamp: new Date().toISOString(), level, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
