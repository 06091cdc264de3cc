import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** Checks of the source itself (tenancy's one door, import direction), run in Node. */
export default defineConfig({
  test: {
    name: "architecture",
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/architecture/**/*.test.ts"],
    environment: "node",
  },
});
