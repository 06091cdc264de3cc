/**
 * The CRM's reminder emails, one use case each, called by the queue consumer with a workspace
 * context: a follow-up that came due, a deliverable due tomorrow, an invoice past its terms.
 * Each re-reads its deal first — the state may have moved since the cron enqueued it (sent,
 * snoozed, cancelled, paid, lost, deleted) — and then goes through `notify`, so a redelivered
 * message sends nothing twice. Each answers the delivery outcome, or `stale` when there was
 * nothing to remind of any more.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { dealStages, deals, followups, sponsors } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import type { DeliveryOutcome } from "../email/deliver";
import { notify, settled } from "../email/notify";
import {
  deliverableDueEmail,
  followupReminderEmail,
  invoiceOverdueEmail,
  webPaths,
} from "../email/templates";
import { reminderRecipient } from "../workspaces/recipients";
import { DEFAULT_PAYMENT_TERMS_DAYS } from "./pipeline";

export type ReminderOutcome = DeliveryOutcome | { status: "stale" };

const DAY = 24 * 60 * 60 * 1000;
const liveStage = sql`coalesce(${dealStages.kind}, 'open') NOT IN ('paid', 'lost')`;

/** `followup-reminder:<id>:<dueAt ms>` — a snoozed follow-up is a new reminder. */
export const followupReminderKey = (followupId: string, dueAt: number) =>
  `followup-reminder:${followupId}:${dueAt}`;
/** `deliverable-due:<dealId>:<deliverableId>:<draft|live>:<date ms>`. */
export const deliverableDueKey = (
  dealId: string,
  deliverableId: string,
  milestone: string,
  on: number,
) => `deliverable-due:${dealId}:${deliverableId}:${milestone}:${on}`;
/** `invoice-overdue:<dealId>:<invoiceSentAt ms>` (cross-workspace.ts builds the same key in SQL). */
export const invoiceOverdueKey = (dealId: string, invoiceSentAt: number) =>
  `invoice-overdue:${dealId}:${invoiceSentAt}`;

/**
 * Reminds whoever the follow-up is assigned to (else its author, else the workspace owner) that
 * it is due, with the drafted email and the deal's link — if it is still pending, still due at
 * `dueAt`, not reminded, and its deal is live and not paid or lost. Marks it reminded once the
 * email is settled (sent now or before, skipped by the recipient's settings, refused for good).
 */
export async function remindFollowup(
  ctx: WorkspaceContext,
  message: { followupId: string; dueAt: number; dedupeKey: string },
): Promise<ReminderOutcome> {
  const dueAt = new Date(message.dueAt);
  const [row] = await ctx.db
    .select({ followup: followups, dealTitle: deals.title })
    .from(followups)
    .innerJoin(deals, and(eq(deals.id, followups.dealId), isNull(deals.deletedAt)))
    .leftJoin(dealStages, eq(dealStages.id, deals.stageId))
    .where(
      ctx.scope.where(
        followups,
        eq(followups.id, message.followupId),
        eq(followups.status, "pending"),
        eq(followups.dueAt, dueAt),
        isNull(followups.reminderSentAt),
        liveStage,
      ),
    )
    .limit(1);
  if (!row) return { status: "stale" };
  const { followup } = row;
  const recipient = await reminderRecipient(
    ctx,
    [followup.assigneeId, followup.createdBy],
    "followup_reminder",
  );
  if (!recipient) return { status: "stale" };
  const outcome = await notify({
    db: ctx.db,
    env: ctx.env,
    recipient,
    kind: "followup_reminder",
    dedupeKey: message.dedupeKey,
    workspaceId: ctx.workspace.id,
    render: (links, timeZone) =>
      followupReminderEmail(
        {
          workspaceName: ctx.workspace.name,
          dealTitle: row.dealTitle,
          dealUrl: webPaths.deal(ctx.env.APP_ORIGIN, followup.dealId),
          dueAt,
          timeZone,
          followup: { to: followup.to, subject: followup.subject, body: followup.body },
        },
        links,
      ),
  });
  if (settled(outcome)) {
    await ctx.scope.update(
      followups,
      { reminderSentAt: new Date() },
      eq(followups.id, followup.id),
      eq(followups.dueAt, dueAt),
      isNull(followups.reminderSentAt),
    );
  }
  return outcome;
}

async function liveDeal(ctx: WorkspaceContext, dealId: string) {
  const [row] = await ctx.db
    .select({ deal: deals, sponsorName: sponsors.name })
    .from(deals)
    .leftJoin(dealStages, eq(dealStages.id, deals.stageId))
    .leftJoin(sponsors, eq(sponsors.id, deals.sponsorId))
    .where(ctx.scope.where(deals, eq(deals.id, dealId), isNull(deals.deletedAt), liveStage))
    .limit(1);
  return row;
}

/**
 * Reminds the deal's owner (else its creator, else the workspace owner) that a deliverable's
 * draft is due, or it goes live, tomorrow — if the deliverable still has that date, is not done,
 * and the deal is live and not paid or lost.
 */
export async function remindDeliverableDue(
  ctx: WorkspaceContext,
  message: {
    dealId: string;
    deliverableId: string;
    milestone: "draft" | "live";
    on: number;
    userId: string | null;
    dedupeKey: string;
  },
): Promise<ReminderOutcome> {
  const row = await liveDeal(ctx, message.dealId);
  const deliverable = row?.deal.deliverables.find((item) => item.id === message.deliverableId);
  const date = message.milestone === "draft" ? deliverable?.draftDueAt : deliverable?.liveAt;
  if (!row || !deliverable || deliverable.done || date !== message.on) return { status: "stale" };
  const recipient = await reminderRecipient(
    ctx,
    [message.userId, row.deal.ownerId, row.deal.createdBy],
    "deliverable_due",
  );
  if (!recipient) return { status: "stale" };
  return notify({
    db: ctx.db,
    env: ctx.env,
    recipient,
    kind: "deliverable_due",
    dedupeKey: message.dedupeKey,
    workspaceId: ctx.workspace.id,
    render: (links) =>
      deliverableDueEmail(
        {
          workspaceName: ctx.workspace.name,
          dealTitle: row.deal.title,
          dealUrl: webPaths.deal(ctx.env.APP_ORIGIN, row.deal.id),
          deliverable: { platform: deliverable.platform, kind: deliverable.kind },
          milestone: message.milestone,
          on: new Date(message.on),
        },
        links,
      ),
  });
}

/**
 * Reminds the deal's owner (else creator, else workspace owner) that its invoice passed its
 * payment terms (Net 30 when unset) unpaid — if it is still unpaid, still the invoice sent at
 * `invoiceSentAt`, and the deal is live and not paid or lost.
 */
export async function remindInvoiceOverdue(
  ctx: WorkspaceContext,
  message: { dealId: string; invoiceSentAt: number; userId: string | null; dedupeKey: string },
  now = new Date(),
): Promise<ReminderOutcome> {
  const row = await liveDeal(ctx, message.dealId);
  const deal = row?.deal;
  const termsDays = deal?.paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS;
  if (
    !row ||
    !deal ||
    deal.paidAt ||
    deal.invoiceSentAt?.getTime() !== message.invoiceSentAt ||
    message.invoiceSentAt + termsDays * DAY > now.getTime()
  )
    return { status: "stale" };
  const recipient = await reminderRecipient(
    ctx,
    [message.userId, deal.ownerId, deal.createdBy],
    "invoice_overdue",
  );
  if (!recipient) return { status: "stale" };
  return notify({
    db: ctx.db,
    env: ctx.env,
    recipient,
    kind: "invoice_overdue",
    dedupeKey: message.dedupeKey,
    workspaceId: ctx.workspace.id,
    render: (links) =>
      invoiceOverdueEmail(
        {
          workspaceName: ctx.workspace.name,
          dealTitle: deal.title,
          dealUrl: webPaths.deal(ctx.env.APP_ORIGIN, deal.id),
          sponsorName: row.sponsorName,
          amount:
            deal.valueMinor === null
              ? null
              : { valueMinor: deal.valueMinor, currency: deal.currency },
          invoiceSentAt: new Date(message.invoiceSentAt),
          termsDays,
          dueAt: new Date(message.invoiceSentAt + termsDays * DAY),
        },
        links,
      ),
  });
}
