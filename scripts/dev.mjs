// `npm run dev`: build the dashboard and the extension, prepare the local D1 database, then
// serve the whole product (API, dashboard, cron) with `wrangler dev` on workerd. No Cloudflare
// account needed.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";

const port = process.env.PORT ?? "8787";
const quietEnv = {
  ...process.env,
  CI: "true", // wrangler must not prompt
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
};

function step(title, commandLine, env = {}) {
  console.log(`\n▶ ${title}`);
  const [command, ...args] = commandLine.split(" ");
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...quietEnv, ...env } });
  if (result.status !== 0) {
    const reason = result.error?.message ?? `exit ${result.status ?? result.signal}`;
    console.error(`\n✖ ${title} failed (${reason}): ${commandLine}`);
    process.exit(1);
  }
}

// Unsubscribe links in emails are signed with EMAIL_TOKEN_SECRET. Local secrets live in
// .dev.vars (git-ignored); the first run writes a random one, later runs keep it, so links in
// the local outbox keep working across restarts.
const devVars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
if (!/^EMAIL_TOKEN_SECRET=/m.test(devVars)) {
  const separator = devVars && !devVars.endsWith("\n") ? "\n" : "";
  appendFileSync(
    ".dev.vars",
    `${separator}EMAIL_TOKEN_SECRET=${randomBytes(32).toString("hex")}\n`,
  );
  console.log("✓ Wrote a random EMAIL_TOKEN_SECRET to .dev.vars (local only, git-ignored)");
}

step("Building the dashboard", "npx vite build dashboard");
// The extension's default API address is this server.
step("Building the extension", "npx wxt build", {
  WXT_API_ORIGIN: `http://localhost:${port}`,
});
step("Applying D1 migrations locally", "npx wrangler d1 migrations apply DB --local");
step("Seeding the demo workspace", "npx tsx scripts/seed.ts");

console.log(`
──────────────────────────────────────────────
  CreatorOps AI → http://localhost:${port}
  Sign in with the demo account above. Ctrl-C stops.
  Extension: chrome://extensions → Developer mode →
    Load unpacked → ${process.cwd()}/.output/chrome-mv3
──────────────────────────────────────────────
`);

// The binary itself, not an npx wrapper, so signals reach wrangler and it stops workerd.
const { CI: _ci, ...serverEnv } = quietEnv;
const wrangler = spawn(
  "node_modules/.bin/wrangler",
  [
    ...["dev", "--local", "--test-scheduled", "--port", port, "--ip", "127.0.0.1"],
    // CORS, the CSRF check and invitation links follow the port actually served.
    ...["--var", `APP_ORIGIN:http://localhost:${port}`],
  ],
  { stdio: "inherit", env: serverEnv },
);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => wrangler.kill(signal));
}
wrangler.on("error", (error) => {
  console.error(`✖ Could not start wrangler dev: ${error.message}`);
  process.exit(1);
});
wrangler.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
