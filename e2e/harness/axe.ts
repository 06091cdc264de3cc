/**
 * axe-core's WCAG 2.1 A and AA rules, run inside a page the test drives (an extension page,
 * the dashboard, or our UI in a host page). The source is evaluated through the DevTools
 * protocol, which a page's Content-Security-Policy does not block.
 */
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const axeSource: string = createRequire(import.meta.url)("axe-core").source;

/** The WCAG 2.1 AA rule set (axe tags), the standard every view is held to. */
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * The WCAG 2.1 AA violations on the page, as readable lines (empty when it passes).
 * @param include CSS selectors to check only our own UI inside a host page (open shadow roots
 *   are followed by axe).
 */
export async function accessibilityViolations(page: Page, include?: string[]): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(
    async ({ include, tags }) => {
      const inPage = globalThis as unknown as {
        axe: { run: (...args: unknown[]) => Promise<{ violations: AxeViolation[] }> };
        document: unknown;
      };
      const context = include
        ? { include: include.map((selector) => [selector]) }
        : inPage.document;
      const result = await inPage.axe.run(context, { runOnly: { type: "tag", values: tags } });
      return result.violations;
    },
    { include, tags: WCAG_21_AA },
  );
  return violations.map(
    (violation: AxeViolation) =>
      `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
        .map((node) => JSON.stringify(node.target))
        .join(", ")}`,
  );
}
