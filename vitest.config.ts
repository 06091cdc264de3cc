import { defineConfig } from "vitest/config";

/** One project per runtime; the extension and dashboard add theirs in later issues. */
export default defineConfig({
  test: {
    projects: ["edge/vitest.config.ts", "extension/vitest.config.ts"],
    // Request logs are one JSON line per request; keep the info ones out of the test report.
    onConsoleLog: (log) => !(log.startsWith('{"timestamp"') && log.includes('"level":"info"')),
  },
});
