/**
 * Follow-up reminders (every 15 minutes): every pending follow-up that is due and not yet
 * reminded, in every workspace, one queue message each — found in batches of 100 by the CRM's
 * cross-workspace query (one D1 query per batch) and sent with one `sendBatch` per batch.
 * The consumer re-reads each follow-up and emails its assignee once (crm/reminders.ts).
 * A follow-up that fell due while no run happened is found by the next run; one enqueued twice
 * (overlapping runs, a consumer not done yet) is sent once (the delivery log's dedupe key).
 */
import type { JobMessage } from "../../shared/jobs";
import { followupReminderKey, remindFollowup } from "../crm/reminders";
import type { Db } from "../db/client";
import { type DueFollowupCursor, dueFollowups } from "../db/cross-workspace";
import { enqueuePages, type ItemResult, inWorkspace, SEND_BATCH_MAX } from "./enqueue";

type FollowupReminderMessage = Extract<JobMessage, { kind: "followup_reminder" }>;

/** Enqueues a reminder for each follow-up due by `now`. Answers how many were enqueued. */
export function enqueueFollowupReminders(db: Db, queue: Queue, now: Date): Promise<number> {
  return enqueuePages(queue, {
    pageSize: SEND_BATCH_MAX,
    page: (after: DueFollowupCursor | undefined) =>
      dueFollowups(db, { now, limit: SEND_BATCH_MAX, after }),
    messages: (rows) =>
      rows.map((row) => ({
        kind: "followup_reminder",
        dedupeKey: followupReminderKey(row.id, row.dueAt.getTime()),
        workspaceId: row.workspaceId,
        followupId: row.id,
        dueAt: row.dueAt.getTime(),
      })),
    cursor: (last) => ({ dueAt: last.dueAt, id: last.id }),
  });
}

export function runFollowupReminder(
  db: Db,
  env: Env,
  message: FollowupReminderMessage,
): Promise<ItemResult> {
  return inWorkspace(db, env, message.workspaceId, (ctx) => remindFollowup(ctx, message));
}
