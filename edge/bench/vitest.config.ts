import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const root = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Query-count benchmarks: the real app on real D1 in workerd, with 10,000 items seeded. */
export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      main: root("../index.ts"),
      wrangler: { configPath: root("../../wrangler.toml") },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(root("../../migrations")),
          EMAIL_TOKEN_SECRET: crypto.randomUUID(),
        },
      },
    })),
  ],
  test: {
    name: "bench",
    root: root("../.."),
    include: ["edge/bench/**/*.bench-test.ts"],
    setupFiles: ["edge/test/setup.ts"],
    testTimeout: 120_000,
  },
});
