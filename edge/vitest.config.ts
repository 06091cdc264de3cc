import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const root = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * workerd reports the pool's closed test-runner WebSocket as an "exception" line when a test
 * file ends. The pool writes workerd's output straight to this process's stdout or stderr (by
 * log level; not through a test's console, so `onConsoleLog` never sees it): drop exactly that
 * line, nothing else.
 */
const WEBSOCKET_NOISE =
  /^exception = workerd\/api\/web-socket\.c\+\+:\d+: disconnected: WebSocket peer disconnected\n?$/;
const filtered = Symbol.for("creatorops.withoutWebSocketNoise");
for (const stream of [process.stdout, process.stderr] as (NodeJS.WriteStream & {
  [filtered]?: true;
})[]) {
  if (stream[filtered]) continue;
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (!(typeof chunk === "string" && WEBSOCKET_NOISE.test(chunk))) return write(chunk, ...rest);
    const done = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    if (done) queueMicrotask(done);
    return true;
  }) as typeof stream.write;
  stream[filtered] = true;
}

/** Edge tests run in workerd with real D1 (migrations applied), Durable Objects and Queues. */
export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      main: root("./index.ts"),
      wrangler: { configPath: root("../wrangler.toml") },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(root("../migrations")),
          // Unsubscribe links are signed with it; a fresh one per run, never committed.
          EMAIL_TOKEN_SECRET: crypto.randomUUID(),
        },
        // Left unmigrated by setup.ts: a migration's data conversion is tested on it.
        d1Databases: ["MIGRATION_DB"],
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
