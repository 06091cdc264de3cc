import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** Extension unit tests: a fake DOM (happy-dom) and fake browser APIs; no real browser. */
export default defineConfig({
  test: {
    name: "extension",
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["extension/test/**/*.test.ts"],
    environment: "happy-dom",
  },
});
