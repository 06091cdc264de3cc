/**
 * Tenancy has one door: a workspace-id comparison may appear only in the scope layer
 * (edge/db/scope.ts) and in the named module of queries that cross workspaces by design
 * (edge/db/cross-workspace.ts). Anywhere else, a hand-written filter could forget the tenant.
 */
import { describe, expect, it } from "vitest";
import { sourceFiles } from "./source";

const ALLOWED = new Set(["edge/db/scope.ts", "edge/db/cross-workspace.ts"]);

/** The shapes a workspace-id comparison takes in drizzle or in SQL text. */
const COMPARISONS: RegExp[] = [
  /\b(?:eq|ne|inArray|notInArray)\(\s*[\w.]+\.workspaceId\b/, // eq(table.workspaceId, …)
  /\b(?:eq|ne|inArray)\([^()]*,\s*[\w.]+\.workspaceId\s*\)/, // eq(x, table.workspaceId)
  /\beq\(\s*workspaces\.id\b/, // eq(workspaces.id, …): the tenant row itself
  /\bworkspace_id\s*(?:=|<>|!=|\s[Ii][Nn]\b)/, // raw SQL (the column name is lower-case)
];

function comparisonsIn(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => !line.trim().startsWith("*") && !line.trim().startsWith("//"))
    .filter((line) => COMPARISONS.some((pattern) => pattern.test(line)));
}

describe("tenancy source scan", () => {
  const files = sourceFiles("edge");

  it("finds the comparisons it looks for (the scan is not vacuous)", () => {
    expect(
      comparisonsIn("db.select().from(x).where(eq(contentItems.workspaceId, id))"),
    ).toHaveLength(1);
    expect(comparisonsIn("and(eq(a.id, b), eq(workspaceMembers.workspaceId, ws))")).toHaveLength(1);
    expect(comparisonsIn("db.update(workspaces).where(eq(workspaces.id, id))")).toHaveLength(1);
    expect(comparisonsIn("sql`SELECT 1 FROM deals WHERE workspace_id = ?`")).toHaveLength(1);
    expect(comparisonsIn("eq(contentItems.id, id)")).toHaveLength(0);
    // The two allowed modules do compare workspace ids: the scan sees them.
    for (const path of ALLOWED) {
      const file = files.find((f) => f.path === path);
      expect(file, path).toBeDefined();
      expect(comparisonsIn(file?.text ?? "").length, path).toBeGreaterThan(0);
    }
  });

  it("allows workspace-id comparisons only in the scope layer and cross-workspace.ts", () => {
    const offenders = files
      .filter((file) => !ALLOWED.has(file.path) && !file.path.startsWith("edge/db/schema/"))
      .flatMap((file) => comparisonsIn(file.text).map((line) => `${file.path}: ${line.trim()}`));
    expect(offenders).toEqual([]);
  });
});
