/**
 * The one CSV writer (csv-stringify): RFC 4180 quoting, a header row, CRLF line ends, and cells
 * safe to open in a spreadsheet — text beginning with `=`, `+`, `-`, `@`, tab or carriage return
 * is prefixed with `'` (OWASP "CSV Injection"), while numbers stay numbers (−250 is `-250`).
 */
import { stringify } from "csv-stringify/sync";

export type CsvCell = string | number | boolean | null | undefined;

/** A CSV document of `rows` under `header`; booleans are `true` / `false`, empty cells blank. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return stringify([header as CsvCell[], ...(rows as CsvCell[][])], {
    escape_formulas: true,
    record_delimiter: "windows",
    // A lone CR or LF inside a cell is quoted too (the library quotes only the record delimiter).
    quoted_match: /[\r\n]/,
    cast: { boolean: (value) => (value ? "true" : "false") },
  });
}

/** The answer headers of a CSV download named `filename` (UTF-8, never cached by proxies). */
export function csvHeaders(filename: string): Record<string, string> {
  return {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
    "Cache-Control": "private, no-store",
  };
}
