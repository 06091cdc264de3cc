/**
 * Once per e2e run: build the dashboard when it is missing or older than its sources
 * (`wrangler dev` refuses to start without its assets directory, and the dashboard tests must
 * see the current pages), and the extension (`wxt build` → .output/chrome-mv3; with Firefox ESR
 * installed, the Firefox build too → .output/firefox-mv2). Without
 * Chromium the browser tests skip, loudly; the API walkthrough still runs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  ARTIFACTS_DIR,
  chromiumPath,
  EXTENSION_DIR,
  firefoxPath,
  missingChromiumBanner,
  ROOT,
} from "./harness/paths";

function run(title: string, command: string, args: string[]) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", env: process.env });
  if (result.status !== 0) {
    throw new Error(
      `${title} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}): ${command} ${args.join(" ")}\n${result.stdout}\n${result.stderr}`,
    );
  }
  console.log(`e2e setup: ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** The newest modification time of a file or of any file under a directory. */
function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

function dashboardIsStale(): boolean {
  const built = `${ROOT}dashboard/dist/index.html`;
  if (!existsSync(built)) return true;
  const sources = ["index.html", "src", "public", "vite.config.ts"].map((name) =>
    newestChange(`${ROOT}dashboard/${name}`),
  );
  return Math.max(...sources) > statSync(built).mtimeMs;
}

export default function setup() {
  if (dashboardIsStale()) run("built the dashboard", "npm", ["run", "build:dashboard"]);
  if (!chromiumPath()) {
    console.warn(missingChromiumBanner());
    return;
  }
  // Screenshots of failures are for this run only.
  if (existsSync(ARTIFACTS_DIR)) {
    for (const name of readdirSync(ARTIFACTS_DIR)) {
      if (name.startsWith("failed-")) rmSync(`${ARTIFACTS_DIR}/${name}`);
    }
  }
  // E2E_SKIP_BUILD=1 reuses the last build (or E2E_EXTENSION_DIR's) while iterating on tests.
  if (process.env.E2E_SKIP_BUILD === "1" || process.env.E2E_EXTENSION_DIR) {
    if (!existsSync(`${EXTENSION_DIR}/manifest.json`)) {
      throw new Error(`No extension build at ${EXTENSION_DIR} (unset E2E_SKIP_BUILD to build)`);
    }
    return;
  }
  run("built the extension", "npx", ["wxt", "build"]);
  if (firefoxPath()) run("built the Firefox extension", "npx", ["wxt", "build", "-b", "firefox"]);
}
