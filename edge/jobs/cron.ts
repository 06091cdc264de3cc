import type { JobMessage } from "../../shared/jobs";

export const CRON_DAILY = "0 3 * * *";

/**
 * Cron fans work out to the jobs queue, so a slow run never holds the trigger and each piece
 * retries on its own. The 15-minute schedule gains follow-up reminders and scheduled
 * publishing with the CRM and content issues; today it has nothing to enqueue.
 */
export async function runCron(cron: string, scheduledTime: number, env: Env): Promise<void> {
  if (cron === CRON_DAILY) {
    const day = new Date(scheduledTime).toISOString().slice(0, 10);
    const message: JobMessage = { kind: "housekeeping", dedupeKey: `housekeeping:${day}` };
    await env.JOBS.send(message);
  }
}
