/**
 * The daily digest (every 15 minutes): each member whose local 08:00 has come — in their own
 * IANA time zone, daylight saving included — gets one digest for that day: follow-ups overdue
 * and due today, and stale deals, across their workspaces. Each member's next digest time is
 * stored (`email_preferences.digest_next_at`), so a run finds exactly the members due, a
 * missed run is caught up by the next, and a digest more than `DIGEST_LATE_MS` late (the cron
 * stopped for hours) is skipped rather than arriving in the afternoon. An empty digest is not
 * sent.
 */
import type { JobMessage } from "../../shared/jobs";
import { digestSection } from "../crm/digest";
import type { Db } from "../db/client";
import { dueDigests, listMemberships, rescheduleDigest } from "../db/cross-workspace";
import { workspaceContext } from "../db/workspace-context";
import { notify, settled } from "../email/notify";
import { emailWanted, localDay, localDayBounds, nextDigestAt } from "../email/preferences";
import { digestEmail, digestIsEmpty } from "../email/templates";
import { logLine } from "../log";
import { enqueuePages, type ItemResult, itemResult, SEND_BATCH_MAX } from "./enqueue";

type DigestMessage = Extract<JobMessage, { kind: "digest" }>;

/** A digest this late is not sent: the next one comes tomorrow at 08:00. */
export const DIGEST_LATE_MS = 4 * 60 * 60 * 1000;

/** `digest:<userId>:<local day>`. */
export const digestKey = (userId: string, day: string) => `digest:${userId}:${day}`;

export function enqueueDigests(db: Db, queue: Queue, now: Date): Promise<number> {
  return enqueuePages(queue, {
    pageSize: SEND_BATCH_MAX,
    page: (after: { at: number; email: string } | undefined) =>
      dueDigests(db, { now, limit: SEND_BATCH_MAX, after }),
    messages: async (rows) => {
      const messages: DigestMessage[] = [];
      for (const row of rows) {
        if (!row.digestNextAt || !row.userId) continue;
        if (now.getTime() - row.digestNextAt.getTime() > DIGEST_LATE_MS) {
          await rescheduleDigest(db, row.email, row.digestNextAt, nextDigestAt(row.timeZone, now));
          logLine("info", { action: "digest.skipped_late", userId: row.userId });
          continue;
        }
        messages.push({
          kind: "digest",
          dedupeKey: digestKey(row.userId, localDay(row.timeZone, row.digestNextAt)),
          email: row.email,
          userId: row.userId,
          dueAt: row.digestNextAt.getTime(),
        });
      }
      return messages;
    },
    cursor: (last) =>
      last.digestNextAt ? { at: last.digestNextAt.getTime(), email: last.email } : undefined,
  });
}

/**
 * Builds and sends one member's digest, then moves their next digest to the following 08:00 —
 * only if it is still the one this message was for (a redelivery moves nothing and sends
 * nothing). A member who turned the digest off, or changed time zone, since is not sent this one.
 */
export async function runDigest(db: Db, env: Env, message: DigestMessage): Promise<ItemResult> {
  const dueAt = new Date(message.dueAt);
  const settings = await emailWanted(db, message.email, "digest");
  // Turned off, or moved (a new time zone) since it was enqueued: this digest is not theirs any
  // more. A retry of one not yet sent still finds its own time here.
  if (!settings.wanted || settings.digestNextAt?.getTime() !== message.dueAt)
    return { outcome: "done" };
  const { timeZone } = settings;
  const memberships = await listMemberships(db, message.userId);
  const window = { ...localDayBounds(timeZone, dueAt), now: dueAt };
  const workspaces = [];
  for (const membership of memberships) {
    const ctx = workspaceContext(db, env, membership, { id: message.userId });
    workspaces.push(await digestSection(ctx, message.userId, window));
  }
  const data = {
    day: localDay(timeZone, dueAt),
    timeZone,
    appOrigin: env.APP_ORIGIN,
    workspaces: workspaces.filter(
      (section) => section.overdue.length + section.dueToday.length + section.stale.length > 0,
    ),
  };
  const outcome = digestIsEmpty(data)
    ? ({ status: "skipped" } as const)
    : await notify({
        db,
        env,
        recipient: { email: message.email, timeZone, wants: true },
        kind: "digest",
        dedupeKey: message.dedupeKey,
        workspaceId: null,
        render: (links) => digestEmail(data, links),
      });
  if (settled(outcome))
    await rescheduleDigest(db, message.email, dueAt, nextDigestAt(timeZone, dueAt));
  return itemResult(outcome);
}
