import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const root = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Edge tests run in workerd with real D1 (migrations applied), Durable Objects and Queues. */
export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      main: root("./index.ts"),
      wrangler: { configPath: root("../wrangler.toml") },
      miniflare: {
        bindings: { TEST_MIGRATIONS: await readD1Migrations(root("../migrations")) },
      },
    })),
  ],
  test: {
    name: "edge",
    include: ["edge/test/**/*.test.ts"],
    setupFiles: ["edge/test/setup.ts"],
    root: root(".."),
  },
});
