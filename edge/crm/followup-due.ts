/**
 * When a follow-up falls due by default, from the deal's stage kind (never its name):
 * - an invoice sent and not paid: the day after its payment terms end (Net 30 → 31 days after
 *   the invoice was sent; Net 30 when the deal has no terms);
 * - an open deal (lead, contacted, negotiating): 3 days after the last contact;
 * - won work (contracted … invoiced): 7 days after the last contact;
 * and never before now. The last contact is the deal's last activity, or its creation.
 */
import type { StageKind } from "../../shared/crm";
import type { DealRow } from "./deal-view";
import { DEFAULT_PAYMENT_TERMS_DAYS } from "./pipeline";

const DAY_MS = 24 * 60 * 60 * 1000;
const LATEST_DUE = Date.UTC(9999, 11, 31);

/** Days after the last contact, per stage kind that still gets follow-ups. */
export const FOLLOWUP_DELAY_DAYS = { open: 3, won: 7 } as const;

/**
 * When an invoice sent and not paid falls due: its payment terms after it was sent (Net 30
 * when the deal has none, as the pipeline reads it); null without an unpaid invoice.
 */
export function unpaidInvoiceDueAt(deal: DealRow): Date | null {
  if (!deal.invoiceSentAt || deal.paidAt) return null;
  const terms = deal.paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS;
  return new Date(deal.invoiceSentAt.getTime() + terms * DAY_MS);
}

/** @returns the default `dueAt` (UTC instant) of a new follow-up on `deal`. */
export function defaultFollowupDueAt(
  deal: DealRow,
  stageKind: Extract<StageKind, "open" | "won">,
  now: Date,
): Date {
  const invoiceDue = unpaidInvoiceDueAt(deal);
  const lastContact = (deal.lastActivityAt ?? deal.createdAt).getTime();
  const due = invoiceDue
    ? invoiceDue.getTime() + DAY_MS
    : lastContact + FOLLOWUP_DELAY_DAYS[stageKind] * DAY_MS;
  // Never past the last instant the API accepts back (shared/content.ts isoTimeSchema).
  return new Date(Math.min(LATEST_DUE, Math.max(due, now.getTime())));
}
