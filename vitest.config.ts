import { defineConfig } from "vitest/config";

/** One project per runtime, plus the end-to-end tests in real Chromium. */
export default defineConfig({
  test: {
    projects: [
      "edge/vitest.config.ts",
      "extension/vitest.config.ts",
      "e2e/vitest.config.ts",
      "test/architecture/vitest.config.ts",
    ],
    // Request logs are one JSON line per request; keep the info ones out of the test report.
    onConsoleLog: (log) => !(log.startsWith('{"timestamp"') && log.includes('"level":"info"')),
  },
});
