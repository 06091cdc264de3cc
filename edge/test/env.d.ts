import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** An empty database for migrating data step by step (migrations-seed.test.ts). */
      MIGRATION_DB: D1Database;
    }
  }
}
