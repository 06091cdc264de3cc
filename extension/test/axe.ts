import axe from "axe-core";

/**
 * axe-core's WCAG 2.1 A and AA rules over what a test rendered, as readable lines (empty when
 * it passes). The fake DOM has no layout, so rules that need one (colour contrast) are left to
 * the end-to-end run in Chromium (e2e/harness/axe.ts); names, labels, roles and ARIA are here.
 */
export async function wcagViolations(context: Element): Promise<string[]> {
  const result = await axe.run(context, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
  });
  return result.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} — ${violation.nodes
        .map((node) => node.target.join(" "))
        .join(", ")}`,
  );
}
