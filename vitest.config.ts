import { defineConfig } from "vitest/config";

/** One project per runtime; the extension and dashboard add theirs in later issues. */
export default defineConfig({
  test: {
    projects: ["edge/vitest.config.ts"],
  },
});
