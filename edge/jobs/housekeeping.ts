import { CONTENT_RESTORE_WINDOW_MS } from "../content/plan";
import type { Db } from "../db/client";
import { purgeExpired } from "../db/cross-workspace";

/** Deletes what has outlived its use, in every workspace. Safe to run twice. */
export function runHousekeeping(db: Db, now = new Date()) {
  return purgeExpired(db, now, CONTENT_RESTORE_WINDOW_MS);
}
