/**
 * `GET /api/deals/export.csv`: every live deal with its sponsor's and stage's names, through the
 * one CSV writer (lib/csv.ts), so hostile text is neutralised and numbers stay numbers.
 *
 * Money is exported twice, on purpose: `value_minor` is the stored integer in the currency's
 * minor units (exact, what the API speaks), and `amount` the same value in major units as a plain
 * decimal number (2500.5 for 250050 USD cents, 1500 for 1500 JPY) for people working in a
 * spreadsheet. Neither carries a currency symbol or thousands separator: the `currency` column
 * (ISO 4217) says what they are in. A negative value stays a negative number (−250 → `-250`).
 */
import { desc, eq, isNull } from "drizzle-orm";
import { majorUnits } from "../../shared/currency";
import { dealStages, deals, sponsors, users } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { type CsvCell, toCsv } from "../lib/csv";
import type { DealRow } from "./deal-view";
import { isStale } from "./stale";

export const DEAL_CSV_HEADER = [
  "id",
  "title",
  "sponsor",
  "stage",
  "stage_kind",
  "amount",
  "currency",
  "value_minor",
  "probability",
  "payment_terms_days",
  "po_number",
  "expected_close_at",
  "invoice_sent_at",
  "paid_at",
  "owner",
  "source",
  "deliverables",
  "stale",
  "last_activity_at",
  "created_at",
  "updated_at",
] as const;

/** Minor units as a decimal number of major units (ISO 4217 digits, shared/currency.ts). */
const amountOf = (valueMinor: number | null, currency: string) =>
  valueMinor === null ? null : majorUnits(valueMinor, currency);

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export async function exportDealsCsv(ctx: WorkspaceContext, now = Date.now()): Promise<string> {
  const rows = await ctx.db
    .select({
      deal: deals,
      sponsor: sponsors.name,
      stage: dealStages.name,
      stageKind: dealStages.kind,
      owner: users.email,
    })
    .from(deals)
    .leftJoin(sponsors, eq(sponsors.id, deals.sponsorId))
    .leftJoin(dealStages, eq(dealStages.id, deals.stageId))
    .leftJoin(users, eq(users.id, deals.ownerId))
    .where(ctx.scope.where(deals, isNull(deals.deletedAt)))
    .orderBy(desc(deals.updatedAt), desc(deals.id));
  const lines = rows.map(({ deal, sponsor, stage, stageKind, owner }): CsvCell[] => {
    const row = deal as DealRow;
    const lastActivityAt = row.lastActivityAt ?? row.createdAt;
    return [
      row.id,
      row.title,
      sponsor,
      stage,
      stageKind,
      amountOf(row.valueMinor, row.currency),
      row.currency,
      row.valueMinor,
      row.probability,
      row.paymentTermsDays,
      row.poNumber,
      iso(row.expectedCloseAt),
      iso(row.invoiceSentAt),
      iso(row.paidAt),
      owner,
      row.source,
      row.deliverables.map((d) => `${d.platform}: ${d.kind}${d.done ? " (done)" : ""}`).join("; "),
      isStale(stageKind, lastActivityAt, now),
      lastActivityAt.toISOString(),
      row.createdAt.toISOString(),
      row.updatedAt.toISOString(),
    ];
  });
  return toCsv(DEAL_CSV_HEADER, lines);
}
