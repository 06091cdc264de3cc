/**
 * Imports point inward (ARCHITECTURE.md): routes/ and jobs/ → domain folders → db/, ai/ →
 * shared/. Domain code never imports from routes/ or middleware/, the data layer never imports
 * a domain, and shared/ imports nothing runtime-specific.
 */
import { describe, expect, it } from "vitest";
import { importsOf, sourceFiles } from "./source";

type Rule = { from: RegExp; forbid: RegExp; why: string };

const HTTP = /(^|\/)(routes|middleware)\//;
const RULES: Rule[] = [
  {
    from: /^edge\/(?!routes\/|middleware\/|app\.ts|index\.ts)/,
    forbid: HTTP,
    why: "domain code is called by routes, queue consumers and cron alike: it never imports HTTP layers",
  },
  {
    from: /^edge\/db\//,
    forbid: /(^|\/)(content|workspaces|accounts|ai|jobs|routes|middleware)\//,
    why: "the data layer sits under the domains",
  },
  {
    from: /^shared\//,
    forbid:
      /^(\.\.\/)+(edge|extension|dashboard)\/|^(cloudflare:|wxt|hono|drizzle-orm|node:|react|preact)/,
    why: "shared/ is imported by every runtime and imports none of them",
  },
];

function violations(files: { path: string; text: string }[]) {
  return files.flatMap((file) =>
    RULES.filter((rule) => rule.from.test(file.path)).flatMap((rule) =>
      importsOf(file.text)
        .filter((specifier) => rule.forbid.test(specifier))
        .map((specifier) => `${file.path} imports ${specifier}: ${rule.why}`),
    ),
  );
}

describe("import direction", () => {
  it("catches a domain file importing the HTTP layer (the check is not vacuous)", () => {
    const bad = [
      { path: "edge/content/x.ts", text: 'import type { X } from "../middleware/workspace";' },
      { path: "edge/db/x.ts", text: 'import { y } from "../content/capture";' },
      { path: "shared/x.ts", text: 'import { z } from "../edge/db/scope";' },
    ];
    expect(violations(bad)).toHaveLength(3);
    expect(
      violations([{ path: "edge/routes/x.ts", text: 'import { a } from "../middleware/auth";' }]),
    ).toEqual([]);
  });

  it("holds for every source file of edge/ and shared/", () => {
    expect(violations([...sourceFiles("edge"), ...sourceFiles("shared")])).toEqual([]);
  });
});
