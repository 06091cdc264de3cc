/**
 * Deliverable and invoice reminders (every 15 minutes).
 * - A deliverable's draft or go-live date (a UTC calendar day, as the clients show it) that is
 *   tomorrow in its owner's time zone, from 08:00 local on the day before: one reminder per
 *   deliverable, milestone and date.
 * - An invoice past its payment terms (Net 30 when unset) and still unpaid: one reminder per
 *   invoice.
 * Deals in paid or lost stages and deleted deals are left out. Reminders already in the
 * delivery log are not enqueued again; the consumer re-checks the deal before it sends.
 */
import type { JobMessage } from "../../shared/jobs";
import { DEFAULT_PAYMENT_TERMS_DAYS } from "../crm/pipeline";
import {
  deliverableDueKey,
  invoiceOverdueKey,
  remindDeliverableDue,
  remindInvoiceOverdue,
} from "../crm/reminders";
import type { Db } from "../db/client";
import {
  dealsWithDeliverables,
  loggedEmailKeys,
  overdueInvoices,
  type ScanCursor,
} from "../db/cross-workspace";
import { loadWorkspaceContext } from "../db/workspace-context";
import { DIGEST_HOUR, localHour, localTomorrow } from "../email/preferences";
import {
  enqueueAll,
  type ItemResult,
  itemResult,
  MAX_BATCHES_PER_RUN,
  SEND_BATCH_MAX,
} from "./enqueue";

type DeliverableMessage = Extract<JobMessage, { kind: "deliverable_due" }>;
type InvoiceMessage = Extract<JobMessage, { kind: "invoice_overdue" }>;

/** Deals read per page of the deliverable scan. */
const DEAL_PAGE = 200;

/** Enqueues tomorrow's deliverable reminders. Answers how many were enqueued. */
export async function enqueueDeliverableReminders(
  db: Db,
  queue: Queue,
  now: Date,
): Promise<number> {
  let after: string | undefined;
  let total = 0;
  for (let page = 0; page < MAX_BATCHES_PER_RUN; page++) {
    const rows = await dealsWithDeliverables(db, { limit: DEAL_PAGE, after });
    if (rows.length === 0) break;
    const candidates: DeliverableMessage[] = [];
    for (const deal of rows) {
      const timeZone = deal.timeZone ?? "UTC";
      // Reminders go out from the recipient's morning, never in the middle of their night.
      if (localHour(timeZone, now) < DIGEST_HOUR) continue;
      const tomorrow = localTomorrow(timeZone, now);
      for (const deliverable of deal.deliverables) {
        if (deliverable.done) continue;
        for (const [milestone, on] of [
          ["draft", deliverable.draftDueAt],
          ["live", deliverable.liveAt],
        ] as const) {
          if (on === null || new Date(on).toISOString().slice(0, 10) !== tomorrow) continue;
          candidates.push({
            kind: "deliverable_due",
            dedupeKey: deliverableDueKey(deal.id, deliverable.id, milestone, on),
            workspaceId: deal.workspaceId,
            dealId: deal.id,
            deliverableId: deliverable.id,
            milestone,
            on,
            userId: deal.userId,
          });
        }
      }
    }
    const logged = await loggedEmailKeys(
      db,
      candidates.map((message) => message.dedupeKey),
    );
    total += await enqueueAll(
      queue,
      candidates.filter((message) => !logged.has(message.dedupeKey)),
    );
    if (rows.length < DEAL_PAGE) break;
    after = rows[rows.length - 1]?.id;
  }
  return total;
}

/** Enqueues a reminder for each invoice newly past its terms. Answers how many were enqueued. */
export async function enqueueInvoiceReminders(db: Db, queue: Queue, now: Date): Promise<number> {
  let after: ScanCursor | undefined;
  let total = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const rows = await overdueInvoices(db, {
      now,
      limit: SEND_BATCH_MAX,
      after,
      defaultTermsDays: DEFAULT_PAYMENT_TERMS_DAYS,
    });
    if (rows.length === 0) break;
    total += await enqueueAll(
      queue,
      rows.flatMap((row) =>
        row.invoiceSentAt
          ? [
              {
                kind: "invoice_overdue" as const,
                dedupeKey: invoiceOverdueKey(row.id, row.invoiceSentAt.getTime()),
                workspaceId: row.workspaceId,
                dealId: row.id,
                invoiceSentAt: row.invoiceSentAt.getTime(),
                userId: row.userId,
              },
            ]
          : [],
      ),
    );
    const last = rows[rows.length - 1];
    if (rows.length < SEND_BATCH_MAX || !last?.invoiceSentAt) break;
    after = { at: last.invoiceSentAt.getTime(), id: last.id };
  }
  return total;
}

export async function runDeliverableDue(
  db: Db,
  env: Env,
  message: DeliverableMessage,
): Promise<ItemResult> {
  const ctx = await loadWorkspaceContext(db, env, message.workspaceId, null);
  if (!ctx) return { outcome: "done" };
  return itemResult(await remindDeliverableDue(ctx, message));
}

export async function runInvoiceOverdue(
  db: Db,
  env: Env,
  message: InvoiceMessage,
): Promise<ItemResult> {
  const ctx = await loadWorkspaceContext(db, env, message.workspaceId, null);
  if (!ctx) return { outcome: "done" };
  return itemResult(await remindInvoiceOverdue(ctx, message));
}
