/**
 * Seeds the local D1 database with the demo workspace: `npx tsx scripts/seed.ts`.
 * Safe to run again: the seed only inserts rows that are missing.
 * SEED_PERSIST_TO=<dir> seeds a D1 state kept in <dir> instead of .wrangler/state.
 *
 * Prints one line (what the demo holds and how to sign in); wrangler's own output is kept
 * for when it fails.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, demoSeedStatements, demoSeedSummary } from "../edge/db/seed";

const statements = await demoSeedStatements();
// A file of its own: two seeds running at once (tests, a dev server) never share one.
const dir = mkdtempSync(join(tmpdir(), "creatorops-seed-"));
const seedFile = join(dir, "seed.sql");
writeFileSync(seedFile, `${statements.join(";\n")};\n`);

const args = ["wrangler", "d1", "execute", "DB", "--local", "--json", "--file", seedFile];
const persistTo = process.env.SEED_PERSIST_TO;
if (persistTo) args.push("--persist-to", persistTo);

const result = spawnSync("npx", args, {
  encoding: "utf8",
  env: {
    ...process.env,
    CI: "true",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_SEND_METRICS: "false",
  },
});
rmSync(dir, { recursive: true, force: true });
if (result.status !== 0) {
  const reason = result.error?.message ?? `exit ${result.status ?? result.signal}`;
  console.error(`${result.stdout ?? ""}${result.stderr ?? ""}`);
  console.error(`Seeding failed: wrangler d1 execute (${reason})`);
  process.exit(1);
}

console.log(
  `✓ Demo workspace ready (${demoSeedSummary()}) — sign in as ${DEMO_EMAIL} / ${DEMO_PASSWORD}`,
);
