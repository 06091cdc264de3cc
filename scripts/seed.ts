/**
 * Seeds the local D1 database with the demo workspace: `npx tsx scripts/seed.ts`.
 * Safe to run again: the seed only inserts rows that are missing.
 * SEED_PERSIST_TO=<dir> seeds a D1 state kept in <dir> instead of .wrangler/state.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { DEMO_EMAIL, DEMO_PASSWORD, demoSeedStatements } from "../edge/db/seed";

const SEED_FILE = ".wrangler/seed.sql";

const statements = await demoSeedStatements();
mkdirSync(".wrangler", { recursive: true });
writeFileSync(SEED_FILE, `${statements.join(";\n")};\n`);

const args = ["wrangler", "d1", "execute", "DB", "--local", "--file", SEED_FILE];
const persistTo = process.env.SEED_PERSIST_TO;
if (persistTo) args.push("--persist-to", persistTo);

const result = spawnSync("npx", args, {
  stdio: "inherit",
  env: {
    ...process.env,
    CI: "true",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_SEND_METRICS: "false",
  },
});
if (result.status !== 0) {
  const reason = result.error?.message ?? `exit ${result.status ?? result.signal}`;
  console.error(`Seeding failed: wrangler d1 execute (${reason})`);
  process.exit(1);
}

const origin = `http://localhost:${process.env.PORT ?? "8787"}`;
const signin = JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD, client: "api" });
console.log(`
Demo account (local only)
  email:    ${DEMO_EMAIL}
  password: ${DEMO_PASSWORD}
Sign in from the command line:
  curl -s -X POST ${origin}/api/auth/signin -H 'content-type: application/json' -d '${signin}'`);
