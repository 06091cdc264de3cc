import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Every .ts/.tsx file under `dir` (relative to the repo), tests and generated types excluded. */
export function sourceFiles(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const child = join(abs, entry.name);
      if (entry.isDirectory()) {
        if (!["node_modules", "test", "bench", ".output", "dist"].includes(entry.name)) walk(child);
      } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
        out.push({ path: relative(ROOT, child), text: readFileSync(child, "utf8") });
      }
    }
  };
  walk(join(ROOT, dir));
  return out;
}

/** The module specifiers a file imports (static imports and re-exports). */
export function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:import|export)\s[^"';]*?from\s+["']([^"']+)["']/g)].map(
    (match) => match[1] as string,
  );
}
