/**
 * Extension benchmarks (`npx tsx scripts/bench-extension.ts`):
 *  - gzipped size of the YouTube content script (budget 15 KB) and of the side panel's
 *    initial JS — the scripts sidepanel.html loads, followed through static imports, lazy
 *    chunks excluded (budget 120 KB) — and that neither carries twitter-text or zod;
 *  - in headless Chromium against a local edge, signed in: the time from YouTube's
 *    `yt-navigate-finish` to our buttons rendered in the page, over 20 SPA navigations.
 * Exits 1 when a size budget is exceeded, a lazy-only library loads up front, or the buttons
 * never came.
 * `--sizes-only` skips the browser run (no edge needed): build and sizes alone.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { launchWithExtension, YOUTUBE_ACTIONS_HOST } from "../e2e/harness/browser";
import { signUp, startEdge } from "../e2e/harness/edge";
import { signInThroughPanel } from "../e2e/harness/panel";
import { chromiumPath, EXTENSION_DIR, missingChromiumBanner, ROOT } from "../e2e/harness/paths";
import { startFakeYouTube } from "../e2e/harness/youtube";

const KB = 1024;
const CONTENT_SCRIPT_BUDGET = 15 * KB;
const SIDEPANEL_INITIAL_JS_BUDGET = 120 * KB;
const NAVIGATIONS = 20;
const NAVIGATION_TIMEOUT_MS = 10_000;

const gzipSize = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

/**
 * Libraries that must never load up front: X's counter (twitter-text, ~35 KB gzipped) and zod
 * belong in the side panel's lazy item chunk and the background, not in the YouTube content
 * script or the panel's first screen. Each is recognised by names that survive minification.
 */
const LAZY_ONLY: Record<string, RegExp> = {
  "twitter-text": /\b(?:parseTweet|weightedLength)\b/,
  zod: /\._zod\b/,
};
function lazyOnlyIn(files: string[]): string[] {
  return Object.entries(LAZY_ONLY).flatMap(([library, marker]) =>
    files.some((file) => marker.test(readFileSync(file, "utf8"))) ? [library] : [],
  );
}
const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

function build() {
  const started = Date.now();
  const result = spawnSync("npx", ["wxt", "build"], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) {
    console.error(`✖ wxt build failed:\n${result.stdout}\n${result.stderr}`);
    process.exit(1);
  }
  console.log(`Built the extension in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Static imports and re-exports of an ES module chunk (not `import("…")`: lazy). */
function staticImports(source: string): string[] {
  const specifiers = new Set<string>();
  for (const match of source.matchAll(/\bfrom\s*["']([^"']+)["']/g)) specifiers.add(match[1] ?? "");
  for (const match of source.matchAll(/\bimport\s*["']([^"']+)["']/g))
    specifiers.add(match[1] ?? "");
  return [...specifiers].filter(
    (specifier) => specifier.startsWith(".") || specifier.startsWith("/"),
  );
}

/** Every JS file the side panel runs before its first render: entry scripts + static graph. */
function sidePanelInitialJs(outDir: string): string[] {
  const html = readFileSync(join(outDir, "sidepanel.html"), "utf8");
  const entries = [
    ...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g),
    ...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g),
    ...html.matchAll(/<link\b[^>]*\bhref="([^"]+)"[^>]*\brel="modulepreload"/g),
  ].map((match) => match[1] ?? "");
  const resolveFrom = (fromFile: string, specifier: string) =>
    specifier.startsWith("/")
      ? join(outDir, specifier)
      : resolve(dirname(fromFile), specifier.split("?")[0] ?? specifier);
  const seen = new Set<string>();
  const queue = entries.map((src) => resolveFrom(join(outDir, "sidepanel.html"), src));
  while (queue.length > 0) {
    const file = queue.shift() ?? "";
    if (seen.has(file) || !file.endsWith(".js")) continue;
    if (!existsSync(file)) throw new Error(`sidepanel.html references a missing file: ${file}`);
    seen.add(file);
    for (const specifier of staticImports(readFileSync(file, "utf8"))) {
      queue.push(resolveFrom(file, specifier));
    }
  }
  return [...seen];
}

interface Row {
  metric: string;
  value: string;
  budget: string;
  verdict: string;
}

function printTable(rows: Row[]) {
  const headers: Row = { metric: "Metric", value: "Value", budget: "Budget", verdict: "" };
  const all = [headers, ...rows];
  const width = (key: keyof Row) => Math.max(...all.map((row) => row[key].length));
  const line = (row: Row) =>
    `${row.metric.padEnd(width("metric"))}  ${row.value.padStart(width("value"))}  ${row.budget.padStart(width("budget"))}  ${row.verdict}`;
  console.log(`\n${line(headers)}\n${"─".repeat(line(headers).length + 4)}`);
  for (const row of rows) console.log(line(row));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Runs in the page: starts an SPA navigation and resolves with the milliseconds from
 * `yt-navigate-finish` to our host, in the new actions row, having its buttons rendered.
 * A MutationObserver catches the host's insertion; a short poll catches rendering inside its
 * shadow root, which the document's observer cannot see.
 */
const MEASURE_NAVIGATION = `async ({ href, host, timeoutMs }) => {
  const before = window.__navigations;
  let finishAt = null;
  const onFinish = () => { finishAt = window.__lastNavigateFinishAt ?? performance.now(); };
  document.addEventListener("yt-navigate-finish", onFinish, { once: true });
  const ready = () => {
    if (finishAt === null || window.__navigations === before) return false;
    const el = document.querySelector("ytd-watch-metadata #top-level-buttons-computed " + host);
    return !!el && !!el.shadowRoot && !!el.shadowRoot.querySelector("button");
  };
  const result = new Promise((resolve) => {
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      observer.disconnect();
      clearInterval(poll);
      clearTimeout(timer);
      resolve(value);
    };
    const check = () => { if (ready()) finish(Math.max(0, performance.now() - finishAt)); };
    const observer = new MutationObserver(check);
    observer.observe(document, { subtree: true, childList: true });
    const poll = setInterval(check, 2);
    const timer = setTimeout(() => finish(null), timeoutMs);
  });
  window.__navigate(href);
  return result;
}`;

async function measureNavigation(): Promise<{ samples: number[]; timedOut: number }> {
  const edge = await startEdge();
  const youtube = await startFakeYouTube();
  const browser = await launchWithExtension({
    hostResolverRules: youtube.hostResolverRules,
    apiOrigin: edge.origin,
  });
  try {
    const user = await signUp(edge.origin);
    const panel = await signInThroughPanel(browser, user);
    await panel.close();

    const page = await browser.newPage();
    await page.goto(youtube.watchUrl("benchStart00"));
    await page
      .locator(YOUTUBE_ACTIONS_HOST)
      .getByRole("button")
      .first()
      .waitFor({ state: "visible", timeout: 20_000 });

    const samples: number[] = [];
    let timedOut = 0;
    for (let i = 0; i < NAVIGATIONS; i++) {
      const href = `/watch?v=benchVideo${String(i).padStart(2, "0")}`;
      const ms = await page.evaluate(
        `(${MEASURE_NAVIGATION})(${JSON.stringify({ href, host: YOUTUBE_ACTIONS_HOST, timeoutMs: NAVIGATION_TIMEOUT_MS })})`,
      );
      if (typeof ms === "number") samples.push(ms);
      else timedOut += 1;
    }
    return { samples, timedOut };
  } finally {
    await browser.close();
    await youtube.close();
    await edge.dispose();
  }
}

async function main() {
  build();
  const rows: Row[] = [];
  let failed = false;

  const contentScript = join(EXTENSION_DIR, "content-scripts/youtube.js");
  const contentSize = gzipSize(contentScript);
  const contentOk = contentSize <= CONTENT_SCRIPT_BUDGET;
  failed ||= !contentOk;
  rows.push({
    metric: "YouTube content script (gzip)",
    value: kb(contentSize),
    budget: kb(CONTENT_SCRIPT_BUDGET),
    verdict: contentOk ? "ok" : "OVER BUDGET",
  });
  const inContentScript = lazyOnlyIn([contentScript]);
  failed ||= inContentScript.length > 0;
  rows.push({
    metric: "  libraries that must stay out of it",
    value: inContentScript.join(", ") || "none",
    budget: "none",
    verdict: inContentScript.length ? "FAILED" : "ok",
  });
  const contentCss = join(EXTENSION_DIR, "content-scripts/youtube.css");
  if (existsSync(contentCss)) {
    rows.push({
      metric: "  its CSS (gzip)",
      value: kb(gzipSize(contentCss)),
      budget: "",
      verdict: "",
    });
  }

  const panelFiles = sidePanelInitialJs(EXTENSION_DIR);
  const panelSize = panelFiles.reduce((total, file) => total + gzipSize(file), 0);
  const panelOk = panelSize <= SIDEPANEL_INITIAL_JS_BUDGET;
  failed ||= !panelOk;
  rows.push({
    metric: "Side panel initial JS (gzip)",
    value: kb(panelSize),
    budget: kb(SIDEPANEL_INITIAL_JS_BUDGET),
    verdict: panelOk ? "ok" : "OVER BUDGET",
  });
  const inPanelStart = lazyOnlyIn(panelFiles);
  failed ||= inPanelStart.length > 0;
  rows.push({
    metric: "  libraries that must load lazily",
    value: inPanelStart.join(", ") || "none",
    budget: "none",
    verdict: inPanelStart.length ? "FAILED" : "ok",
  });
  for (const file of panelFiles) {
    rows.push({
      metric: `  ${relative(EXTENSION_DIR, file)}`,
      value: kb(gzipSize(file)),
      budget: "",
      verdict: "",
    });
  }

  if (process.argv.includes("--sizes-only")) {
    console.log("(--sizes-only: navigation timing skipped)");
  } else if (chromiumPath()) {
    const { samples, timedOut } = await measureNavigation();
    const label = `yt-navigate-finish → buttons (n=${NAVIGATIONS})`;
    if (samples.length > 0) {
      rows.push({
        metric: `${label}, median`,
        value: `${median(samples).toFixed(1)} ms`,
        budget: "",
        verdict: "",
      });
      rows.push({
        metric: `${label}, worst`,
        value: `${Math.max(...samples).toFixed(1)} ms`,
        budget: "",
        verdict: "",
      });
    }
    if (timedOut > 0) {
      failed = true;
      rows.push({
        metric: `${label}, no buttons within ${NAVIGATION_TIMEOUT_MS / 1000} s`,
        value: String(timedOut),
        budget: "0",
        verdict: "FAILED",
      });
    }
  } else {
    console.warn(`${missingChromiumBanner()}\n(navigation timing skipped; sizes still checked)`);
  }

  printTable(rows);
  if (failed) {
    console.error("\n✖ Extension benchmark: a budget was exceeded or a measurement failed.");
    process.exit(1);
  }
}

await main();
