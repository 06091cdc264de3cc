import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { WxtVitest } from "wxt/testing/vitest-plugin";

/**
 * Extension unit tests: a fake DOM (happy-dom) and WXT's fake browser (in-memory storage,
 * alarms, runtime) in place of the real extension APIs; no real browser.
 */
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    name: "extension",
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["extension/test/**/*.test.ts"],
    environment: "happy-dom",
    // Content-script code reads location: the fake DOM lives at YouTube's address.
    environmentOptions: { happyDOM: { url: "https://www.youtube.com/" } },
  },
});
