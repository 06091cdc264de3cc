/** Where the e2e harness finds the repo, the built extension and Chromium. */
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** `wxt build` output; E2E_EXTENSION_DIR points the harness at another unpacked build. */
export const EXTENSION_DIR = process.env.E2E_EXTENSION_DIR ?? `${ROOT}.output/chrome-mv3`;
/** `wxt build -b firefox` output (MV2), installed into Firefox ESR as a temporary add-on. */
export const FIREFOX_EXTENSION_DIR = `${ROOT}.output/firefox-mv2`;

/** Firefox ESR to drive (the Firefox build's test), or null when it is not installed. */
export function firefoxPath(): string | null {
  const candidate = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";
  return existsSync(candidate) ? candidate : null;
}

/** Screenshots for humans (gitignored). */
export const ARTIFACTS_DIR = `${ROOT}e2e/artifacts`;

export const CHROMIUM_INSTALL = "apt-get update && apt-get install -y chromium";

/** Chromium to drive, or null when it is not installed (the e2e tests then skip, loudly). */
export function chromiumPath(): string | null {
  const candidate = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  return existsSync(candidate) ? candidate : null;
}

export function missingChromiumBanner(): string {
  const line = "═".repeat(78);
  return [
    line,
    `  E2E TESTS SKIPPED: Chromium not found at ${process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"}`,
    `  Install it with:  ${CHROMIUM_INSTALL}`,
    "  (or set CHROMIUM_PATH to a Chromium binary)",
    line,
  ].join("\n");
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return `${ARTIFACTS_DIR}/${name}`;
}
