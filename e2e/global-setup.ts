/**
 * Once per e2e run: build the extension (`wxt build` → .output/chrome-mv3) and, when missing,
 * the dashboard (`wrangler dev` refuses to start without its assets directory). Without
 * Chromium there is nothing to drive: say so loudly and let the tests skip.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import {
  ARTIFACTS_DIR,
  chromiumPath,
  EXTENSION_DIR,
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

export default function setup() {
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
  if (!existsSync(`${ROOT}dashboard/dist/index.html`)) {
    run("built the dashboard", "npm", ["run", "build:dashboard"]);
  }
  // E2E_SKIP_BUILD=1 reuses the last build (or E2E_EXTENSION_DIR's) while iterating on tests.
  if (process.env.E2E_SKIP_BUILD === "1" || process.env.E2E_EXTENSION_DIR) {
    if (!existsSync(`${EXTENSION_DIR}/manifest.json`)) {
      throw new Error(`No extension build at ${EXTENSION_DIR} (unset E2E_SKIP_BUILD to build)`);
    }
    return;
  }
  run("built the extension", "npx", ["wxt", "build"]);
}
