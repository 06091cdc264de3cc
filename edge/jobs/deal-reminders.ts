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
import { DIGEST_HOUR, localHour, localTomorrow } from "../email/preferences";
import { enqueuePages, type ItemResult, inWorkspace, SEND_BATCH_MAX } from "./enqueue";

type DeliverableMessage = Extract<JobMessage, { kind: "deliverable_due" }>;
type InvoiceMessage = Extract<JobMessage, { kind: "invoice_overdue" }>;

/** Deals read per page of the deliverable scan. */
const DEAL_PAGE = 200;

/** The deliverable reminders a page of deals holds for `now` (dates tomorrow for their owner). */
function deliverableMessages(
  rows: Awaited<ReturnType<typeof dealsWithDeliverables>>,
  now: Date,
): DeliverableMessage[] {
  const messages: DeliverableMessage[] = [];
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
        messages.push({
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
  return messages;
}

/** Enqueues tomorrow's deliverable reminders not yet in the delivery log. */
export function enqueueDeliverableReminders(db: Db, queue: Queue, now: Date): Promise<number> {
  return enqueuePages(queue, {
    pageSize: DEAL_PAGE,
    page: (after: string | undefined) => dealsWithDeliverables(db, { limit: DEAL_PAGE, after }),
    messages: async (rows) => {
      const candidates = deliverableMessages(rows, now);
      const logged = await loggedEmailKeys(
        db,
        candidates.map((message) => message.dedupeKey),
      );
      return candidates.filter((message) => !logged.has(message.dedupeKey));
    },
    cursor: (last) => last.id,
  });
}

/** Enqueues a reminder for each invoice newly past its terms. */
export function enqueueInvoiceReminders(db: Db, queue: Queue, now: Date): Promise<number> {
  return enqueuePages(queue, {
    pageSize: SEND_BATCH_MAX,
    page: (after: ScanCursor | undefined) =>
      overdueInvoices(db, {
        now,
        limit: SEND_BATCH_MAX,
        after,
        defaultTermsDays: DEFAULT_PAYMENT_TERMS_DAYS,
      }),
    messages: (rows) =>
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
    cursor: (last) =>
      last.invoiceSentAt ? { at: last.invoiceSentAt.getTime(), id: last.id } : undefined,
  });
}

export function runDeliverableDue(
  db: Db,
  env: Env,
  message: DeliverableMessage,
): Promise<ItemResult> {
  return inWorkspace(db, env, message.workspaceId, (ctx) => remindDeliverableDue(ctx, message));
}

export function runInvoiceOverdue(db: Db, env: Env, message: InvoiceMessage): Promise<ItemResult> {
  return inWorkspace(db, env, message.workspaceId, (ctx) => remindInvoiceOverdue(ctx, message));
}
