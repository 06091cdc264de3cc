/**
 * Extension benchmarks (`npx tsx scripts/bench-extension.ts`):
 *  - gzipped size of the YouTube and Gmail content scripts (budget 15 KB each) and of the side
 *    panel's initial JS — the scripts sidepanel.html loads, followed through static imports,
 *    lazy chunks excluded (budget 120 KB) — and that none carries twitter-text or zod;
 *  - in headless Chromium against a local edge, signed in: the time from YouTube's
 *    `yt-navigate-finish` to our buttons rendered in the page, and from Gmail's `hashchange`
 *    (the fake Gmail's, dispatched once the new conversation is on screen) to the Capture
 *    sponsor button rendered in the open message's header, over 20 SPA navigations each.
 * Exits 1 when a size budget is exceeded, a lazy-only library loads up front, or the buttons
 * never came.
 * `--sizes-only` skips the browser run (no edge needed): build and sizes alone.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import {
  GMAIL_CAPTURE_HOST,
  launchWithExtension,
  YOUTUBE_ACTIONS_HOST,
} from "../e2e/harness/browser";
import { signUp, startEdge } from "../e2e/harness/edge";
import { benchToken, generatedEmail, startFakeGmail } from "../e2e/harness/gmail";
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
 * belong in the side panel's lazy item chunk and the background, not in a content script or the
 * panel's first screen. Each is recognised by names that survive minification.
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
 * Page-side source shared by both measurements: resolves with the milliseconds from
 * `since()` until `ready()` holds (checked on every DOM change and every 2 ms), or null after
 * `timeoutMs`.
 */
const UNTIL_READY = `(ready, since, timeoutMs) => new Promise((resolve) => {
  let done = false;
  const finish = (value) => {
    if (done) return;
    done = true;
    observer.disconnect();
    clearInterval(poll);
    clearTimeout(timer);
    resolve(value);
  };
  const check = () => { if (ready()) finish(Math.max(0, performance.now() - since())); };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true });
  const poll = setInterval(check, 2);
  const timer = setTimeout(() => finish(null), timeoutMs);
})`;

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
  const result = (${UNTIL_READY})(ready, () => finishAt, timeoutMs);
  window.__navigate(href);
  return result;
}`;

/**
 * Runs in the fake Gmail: navigates to another conversation and resolves with the milliseconds
 * from its `hashchange` (dispatched once the conversation is on screen, as `__navigate` does)
 * to our host, in the open message's header, having its button rendered.
 */
const MEASURE_GMAIL_NAVIGATION = `async ({ hash, messageId, host, timeoutMs }) => {
  const before = window.__navigations;
  let changedAt = null;
  const onChange = () => { changedAt = window.__lastNavigateAt ?? performance.now(); };
  window.addEventListener("hashchange", onChange, { once: true });
  // The ids sit on div.adn itself or on an element inside it.
  const id = '[data-legacy-message-id="' + messageId + '"]';
  const inMessage = "div.adn:has(" + id + ") " + host + ", div.adn" + id + " " + host;
  const ready = () => {
    if (changedAt === null || window.__navigations === before) return false;
    const el = document.querySelector(inMessage);
    return !!el && !!el.shadowRoot && !!el.shadowRoot.querySelector("button");
  };
  const result = (${UNTIL_READY})(ready, () => changedAt, timeoutMs);
  window.__navigate(hash);
  return result;
}`;

interface Timings {
  samples: number[];
  timedOut: number;
}

async function measureNavigation(): Promise<{ youtube: Timings; gmail: Timings }> {
  const edge = await startEdge();
  const youtube = await startFakeYouTube();
  const gmail = await startFakeGmail();
  const browser = await launchWithExtension({
    hostResolverRules: `${youtube.hostResolverRules}, ${gmail.hostResolverRules}`,
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
    await page.close();

    // Gmail: from one conversation to the next, each a message not captured yet.
    const mail = await browser.newPage();
    await mail.goto(gmail.conversationUrl(benchToken(9999)));
    await mail
      .locator(GMAIL_CAPTURE_HOST)
      .getByRole("button")
      .first()
      .waitFor({ state: "visible", timeout: 20_000 });
    const gmailSamples: number[] = [];
    let gmailTimedOut = 0;
    for (let i = 0; i < NAVIGATIONS; i++) {
      const token = benchToken(i);
      const ms = await mail.evaluate(
        `(${MEASURE_GMAIL_NAVIGATION})(${JSON.stringify({
          hash: `#inbox/${token}`,
          messageId: generatedEmail(token).messageId,
          host: GMAIL_CAPTURE_HOST,
          timeoutMs: NAVIGATION_TIMEOUT_MS,
        })})`,
      );
      if (typeof ms === "number") gmailSamples.push(ms);
      else gmailTimedOut += 1;
    }
    return {
      youtube: { samples, timedOut },
      gmail: { samples: gmailSamples, timedOut: gmailTimedOut },
    };
  } finally {
    await browser.close();
    await youtube.close();
    await gmail.close();
    await edge.dispose();
  }
}

/** The median and worst of a navigation timing, or its failure. */
function timingRows(label: string, { samples, timedOut }: Timings): { rows: Row[]; ok: boolean } {
  const rows: Row[] = [];
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
    rows.push({
      metric: `${label}, none within ${NAVIGATION_TIMEOUT_MS / 1000} s`,
      value: String(timedOut),
      budget: "0",
      verdict: "FAILED",
    });
  }
  return { rows, ok: timedOut === 0 };
}

/** A content script's gzipped size against its budget, and the libraries it must not carry. */
function contentScriptRows(site: string, name: string): { rows: Row[]; ok: boolean } {
  const rows: Row[] = [];
  const script = join(EXTENSION_DIR, `content-scripts/${name}.js`);
  const size = gzipSize(script);
  const sizeOk = size <= CONTENT_SCRIPT_BUDGET;
  rows.push({
    metric: `${site} content script (gzip)`,
    value: kb(size),
    budget: kb(CONTENT_SCRIPT_BUDGET),
    verdict: sizeOk ? "ok" : "OVER BUDGET",
  });
  const carried = lazyOnlyIn([script]);
  rows.push({
    metric: "  libraries that must stay out of it",
    value: carried.join(", ") || "none",
    budget: "none",
    verdict: carried.length ? "FAILED" : "ok",
  });
  const css = join(EXTENSION_DIR, `content-scripts/${name}.css`);
  if (existsSync(css)) {
    rows.push({ metric: "  its CSS (gzip)", value: kb(gzipSize(css)), budget: "", verdict: "" });
  }
  return { rows, ok: sizeOk && carried.length === 0 };
}

async function main() {
  build();
  const rows: Row[] = [];
  let failed = false;

  for (const [site, name] of [
    ["YouTube", "youtube"],
    ["Gmail", "gmail"],
  ] as const) {
    const contentScript = contentScriptRows(site, name);
    failed ||= !contentScript.ok;
    rows.push(...contentScript.rows);
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
    const timings = await measureNavigation();
    for (const [label, measured] of [
      [`yt-navigate-finish → buttons (n=${NAVIGATIONS})`, timings.youtube],
      [`Gmail hashchange → Capture sponsor (n=${NAVIGATIONS})`, timings.gmail],
    ] as const) {
      const timing = timingRows(label, measured);
      failed ||= !timing.ok;
      rows.push(...timing.rows);
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
