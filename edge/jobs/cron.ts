/**
 * Cron Triggers fan work out to the jobs queue, so a slow run never holds the trigger and each
 * piece retries on its own. Each schedule runs its jobs in order; a job that fails does not stop
 * the others. A run is claimed by (cron, scheduled time) first: a trigger delivered twice for the
 * same minute does nothing the second time, and a run that failed gives its claim back so it can
 * be run again. Every item carries its own dedupe key as well, so overlapping runs for
 * different minutes never send anything twice.
 */
import type { Db } from "../db/client";
import { createDb } from "../db/client";
import { claimCronRun, finishCronRun } from "../db/cross-workspace";
import { errorText, logLine } from "../log";
import { enqueueDeliverableReminders, enqueueInvoiceReminders } from "./deal-reminders";
import { enqueueDigests } from "./digest";
import { enqueueFollowupReminders } from "./followup-reminders";
import { enqueueScheduledPublishing } from "./scheduled-publishing";
import { enqueueUsageRollups } from "./usage-rollup";

export const CRON_QUARTER_HOUR = "*/15 * * * *";
export const CRON_DAILY = "0 3 * * *";

type CronJob = (db: Db, env: Env, now: Date) => Promise<number>;

/** The jobs of each schedule in `wrangler.toml`, by the name their count is logged under. */
const SCHEDULES: Record<string, Record<string, CronJob>> = {
  [CRON_QUARTER_HOUR]: {
    followupReminders: (db, env, now) => enqueueFollowupReminders(db, env.JOBS, now),
    deliverableReminders: (db, env, now) => enqueueDeliverableReminders(db, env.JOBS, now),
    invoiceReminders: (db, env, now) => enqueueInvoiceReminders(db, env.JOBS, now),
    scheduledPublishing: (db, env, now) => enqueueScheduledPublishing(db, env.JOBS, now),
    digests: (db, env, now) => enqueueDigests(db, env.JOBS, now),
  },
  [CRON_DAILY]: {
    usageRollups: (db, env, now) => enqueueUsageRollups(db, env.JOBS, now),
    housekeeping: async (_db, env, now) => {
      const day = now.toISOString().slice(0, 10);
      await env.JOBS.send({ kind: "housekeeping", dedupeKey: `housekeeping:${day}` });
      return 1;
    },
  },
};

/**
 * Runs the jobs of `cron` as of `scheduledTime` (UTC ms). Answers what each job enqueued, or
 * null when the run was a repeat (or the cron is not ours). Throws when a job failed, after the
 * others ran, so the platform records the failed invocation.
 */
export async function runCron(
  cron: string,
  scheduledTime: number,
  env: Env,
): Promise<Record<string, number> | null> {
  const jobs = SCHEDULES[cron];
  if (!jobs) {
    logLine("warn", { action: "cron.unknown", cron });
    return null;
  }
  const db = createDb(env.DB);
  const now = new Date(scheduledTime);
  if (!(await claimCronRun(db, cron, now))) {
    logLine("info", { action: "cron.repeat", cron, scheduledTime: now.toISOString() });
    return null;
  }
  const summary: Record<string, number> = {};
  const failures: string[] = [];
  for (const [name, job] of Object.entries(jobs)) {
    try {
      summary[name] = await job(db, env, now);
    } catch (error) {
      failures.push(name);
      logLine("error", {
        action: `cron.${name}.failed`,
        error: errorText(error),
      });
    }
  }
  await finishCronRun(db, cron, now, failures.length ? null : summary);
  logLine("info", { action: "cron.ran", cron, scheduledTime: now.toISOString(), summary });
  if (failures.length) throw new Error(`Cron jobs failed: ${failures.join(", ")}`);
  return summary;
}
