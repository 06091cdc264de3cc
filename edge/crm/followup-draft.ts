/**
 * Drafting a follow-up email for a deal (`POST /api/deals/:id/followup`) through the metered AI
 * path (`followup_draft`): the configured provider writes it from the deal's own facts — stage,
 * last activity and days since, deliverables, an unpaid invoice, the workspace's brand voice —
 * and it is saved as a pending follow-up to the sponsor contact, in the captured thread, due by
 * the stage kind's default (followup-due.ts) unless the request says when.
 *
 * The offline provider fills a template, free of credits. An AI draft that names a link,
 * address, payment detail or amount the deal does not hold (followup-safety.ts) is not saved:
 * its credits are refunded and the template draft is saved instead, with a warning.
 */
import { desc, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { z } from "zod";
import {
  type draftFollowupSchema,
  type FollowupDraftResult,
  type FollowupRecipient,
  MAX_FOLLOWUP_BODY_CHARS,
  MAX_FOLLOWUP_SUBJECT_CHARS,
  type SponsorContact,
} from "../../shared/crm";
import { majorUnits, minorUnitDigits } from "../../shared/currency";
import { cleanText } from "../../shared/text";
import { providerFromEnv } from "../ai/configured-provider";
import { meteredAiCall } from "../ai/metered";
import { OfflineProvider } from "../ai/offline";
import type { AiProvider, FollowupContext } from "../ai/provider";
import { type KeyedRequest, type WriteOutcome, withIdempotency } from "../db/idempotency";
import { dealActivities, dealStages, deals, followups, sponsors, users } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { ApiError } from "../errors";
import { newId } from "../lib/ids";
import { activityInsert } from "./activities";
import { requireDeal } from "./deal-lookup";
import type { DealRow } from "./deal-view";
import { defaultFollowupDueAt, unpaidInvoiceDueAt } from "./followup-due";
import { unsupportedDetails, withoutDetails } from "./followup-safety";
import { type FollowupRow, followupView, requireMember } from "./followups";

export type DraftFollowupValues = z.output<typeof draftFollowupSchema>;

/** Credits a follow-up draft costs on a paid provider. */
export const FOLLOWUP_DRAFT_CREDITS = 1;

const DAY_MS = 24 * 60 * 60 * 1000;
const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);

/** "USD 2,500" — the ISO code, never a symbol several currencies share. */
function moneyText(valueMinor: number, currency: string): string {
  // ISO 4217 digits, not the runtime's display digits (which differ for a few currencies).
  const digits = minorUnitDigits(currency);
  const major = majorUnits(valueMinor, currency);
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    currencyDisplay: "code",
    minimumFractionDigits: Number.isInteger(major) ? 0 : digits,
    maximumFractionDigits: digits,
  }).format(major);
}

interface DealFacts {
  context: FollowupContext;
  /** Who the email goes to: the asked recipient, the sender of the last captured email, or the sponsor's first contact. */
  to: FollowupRecipient | null;
  /** Everything the draft may quote, as text: the safety check's allow-list. */
  allowed: string;
}

async function dealFacts(
  ctx: WorkspaceContext,
  deal: DealRow,
  stage: { name: string; kind: "open" | "won" },
  asked: FollowupRecipient | undefined,
  now: Date,
): Promise<DealFacts> {
  const { scope, db } = ctx;
  const [sponsorRows, lastRows, capturedRows, userRows] = await Promise.all([
    deal.sponsorId ? scope.select(sponsors, eq(sponsors.id, deal.sponsorId)).limit(1) : [],
    scope
      .select(dealActivities, eq(dealActivities.dealId, deal.id))
      .orderBy(desc(dealActivities.createdAt), desc(dealActivities.id))
      .limit(1),
    scope
      .select(
        dealActivities,
        eq(dealActivities.dealId, deal.id),
        eq(dealActivities.kind, "email_captured"),
      )
      .orderBy(desc(dealActivities.createdAt), desc(dealActivities.id))
      .limit(1),
    ctx.user
      ? db.select({ name: users.name }).from(users).where(eq(users.id, ctx.user.id)).limit(1)
      : [],
  ]);
  const sponsor = sponsorRows[0] as typeof sponsors.$inferSelect | undefined;
  const last = lastRows[0] as typeof dealActivities.$inferSelect | undefined;
  const captured = capturedRows[0] as typeof dealActivities.$inferSelect | undefined;
  const capturedFrom = captured?.metadata?.from as FollowupRecipient | undefined;
  const contact: SponsorContact | undefined =
    sponsor?.contacts.find((c) => !c.agency) ?? sponsor?.contacts[0];
  const to =
    asked ??
    (capturedFrom?.email ? capturedFrom : undefined) ??
    (contact ? { ...(contact.name ? { name: contact.name } : {}), email: contact.email } : null);

  // The sponsor's own domain and addresses (and the recipient's) may appear in a draft.
  const own = [
    ...(sponsor?.domain ? [sponsor.domain] : []),
    ...(sponsor?.contacts.map((c) => c.email) ?? []),
    ...(to ? [to.email] : []),
  ];
  const invoiceDue = unpaidInvoiceDueAt(deal);
  const lastContact = deal.lastActivityAt ?? deal.createdAt;
  // Names and titles can come from a sponsor's email: their links, addresses and payment
  // details are not the deal's own (followup-safety.ts).
  const context: FollowupContext = {
    dealTitle: withoutDetails(deal.title, own),
    sponsorName: sponsor ? withoutDetails(sponsor.name, own) : null,
    contactName: to?.name ? withoutDetails(to.name, own) : null,
    stageName: stage.name,
    stageKind: stage.kind,
    daysSinceContact: Math.max(0, Math.floor((now.getTime() - lastContact.getTime()) / DAY_MS)),
    lastActivity: last ? { kind: last.kind, summary: last.body } : null,
    value: deal.valueMinor !== null ? moneyText(deal.valueMinor, deal.currency) : null,
    deliverables: deal.deliverables.slice(0, 20).map((d) => ({
      kind: withoutDetails(d.kind, own),
      platform: d.platform,
      dueOn: day(
        d.liveAt !== null
          ? new Date(d.liveAt)
          : d.draftDueAt !== null
            ? new Date(d.draftDueAt)
            : null,
      ),
      done: d.done,
    })),
    invoice:
      deal.invoiceSentAt && !deal.paidAt
        ? {
            sentOn: day(deal.invoiceSentAt) as string,
            dueOn: day(invoiceDue),
            daysOverdue: invoiceDue
              ? Math.max(0, Math.floor((now.getTime() - invoiceDue.getTime()) / DAY_MS))
              : 0,
            poNumber: deal.poNumber,
          }
        : null,
    creatorName: userRows[0]?.name ?? null,
    inThread: deal.sourceThreadId !== null,
  };
  // The last activity is not in the allow-list: it can quote a sponsor's email, whose links
  // and payment details must not reach a draft.
  const allowed = JSON.stringify({
    ...context,
    lastActivity: null,
    own,
  });
  return { context, to, allowed };
}

interface Draft {
  subject: string;
  body: string;
  provider: string;
  model: string;
}

const clip = (text: string, max: number) => cleanText(text).trim().slice(0, max);

/**
 * Drafts and saves a pending follow-up for a live deal in an `open` or `won` stage.
 * @param key the request's Idempotency-Key: a retried or double-clicked request answers the
 *   first draft instead of writing (and paying for) a second.
 * @returns 201 `{ followup, provider, model, cached, credits, warnings }`.
 * @throws ApiError 404 NOT_FOUND, 409 CONFLICT (the deal is paid or lost), 400
 *   VALIDATION_ERROR (an assignee who is not a member), 400 IDEMPOTENCY_KEY_REUSED, 429
 *   RATE_LIMITED, 402 QUOTA_EXCEEDED, 502/504 AI_UNAVAILABLE — nothing saved, credits refunded.
 */
export async function draftFollowup(
  ctx: WorkspaceContext,
  dealId: string,
  input: DraftFollowupValues,
  key?: string,
  provider: AiProvider = providerFromEnv(ctx.env),
): Promise<WriteOutcome<FollowupDraftResult>> {
  const request: KeyedRequest | undefined = key
    ? { key, method: "POST", path: `/api/deals/${dealId}/followup`, body: input }
    : undefined;
  return withIdempotency(ctx.scope, request, async (remember) => {
    const { deal } = await requireDeal(ctx, dealId);
    const [stage] = deal.stageId
      ? await ctx.scope.select(dealStages, eq(dealStages.id, deal.stageId)).limit(1)
      : [];
    if (!stage || (stage.kind !== "open" && stage.kind !== "won")) {
      throw new ApiError(
        409,
        "CONFLICT",
        `This deal is ${stage?.kind ?? "not in the pipeline"}: it needs no follow-up`,
      );
    }
    const assigneeId = input.assigneeId === undefined ? deal.ownerId : input.assigneeId;
    if (input.assigneeId) await requireMember(ctx, input.assigneeId, "assigneeId");
    const now = new Date();
    const facts = await dealFacts(ctx, deal, { name: stage.name, kind: stage.kind }, input.to, now);
    const workspace = await ctx.scope.workspace();
    const brandVoice = workspace?.brandVoice ?? { description: "", samples: [] };
    const dueAt = input.dueAt ? new Date(input.dueAt) : defaultFollowupDueAt(deal, stage.kind, now);

    let outcome: WriteOutcome<FollowupDraftResult> | undefined;
    const draftWith = (chosen: AiProvider, warnings: string[]) =>
      meteredAiCall<Draft>(ctx, {
        feature: "followup_draft",
        provider: chosen,
        // Each draft is new: a follow-up is never answered from a cache.
        credits: FOLLOWUP_DRAFT_CREDITS,
        run: async (answering) => {
          const answer = await answering.draftFollowup({ context: facts.context, brandVoice });
          const draft = {
            // A subject becomes an email header: one line.
            subject: clip(answer.subject.replace(/\s+/g, " "), MAX_FOLLOWUP_SUBJECT_CHARS),
            body: clip(answer.body, MAX_FOLLOWUP_BODY_CHARS),
          };
          if (!draft.subject || !draft.body) {
            throw new ApiError(
              502,
              "AI_OUTPUT_INVALID",
              "The AI answer could not be read. Try again.",
            );
          }
          // The template writes only the deal's facts; an AI draft is checked against them.
          const unsupported = answering.paid
            ? unsupportedDetails(`${draft.subject}\n${draft.body}`, facts.allowed)
            : [];
          if (unsupported.length > 0) {
            throw new ApiError(
              502,
              "AI_OUTPUT_INVALID",
              "The AI draft named details the deal does not hold",
              [...unsupported.slice(0, 5).map((detail) => ({ path: "body", message: detail }))],
            );
          }
          return {
            output: { ...draft, provider: answer.provider, model: answer.model },
            meta: answer,
          };
        },
        save: (draft, aiRequestId) => {
          const row: FollowupRow = {
            id: newId("fu"),
            workspaceId: ctx.scope.workspaceId,
            dealId: deal.id,
            to: facts.to,
            subject: draft.subject,
            body: draft.body,
            dueAt,
            status: "pending",
            threadId: deal.sourceThreadId,
            threadUrl: deal.sourceThreadId ? deal.sourceThreadUrl : null,
            assigneeId,
            sentAt: null,
            reminderSentAt: null,
            createdBy: ctx.user?.id ?? null,
            createdAt: now,
            updatedAt: now,
          };
          outcome = {
            status: 201,
            data: {
              followup: followupView(row),
              // Who actually wrote it: the fallback model, for one.
              provider: draft.provider,
              model: draft.model,
              cached: false,
              credits: chosen.paid ? FOLLOWUP_DRAFT_CREDITS : 0,
              warnings,
            },
          };
          return [
            ctx.scope.insert(followups, row),
            // The deal was closed while this was drafted: the follow-up is born cancelled.
            // (A close after this batch cancels it with the deal's other pending ones.)
            ctx.scope.update(
              followups,
              { status: "cancelled" },
              eq(followups.id, row.id),
              sql`(SELECT ${dealStages.kind} FROM ${dealStages} JOIN ${deals} ON ${deals.stageId} = ${dealStages.id} WHERE ${deals.id} = ${deal.id}) IN ('paid', 'lost')`,
            ),
            activityInsert(
              ctx,
              deal.id,
              {
                kind: "followup_created",
                body: `Follow-up drafted: ${draft.subject}`.slice(0, 500),
                metadata: { followupId: row.id, dueAt: dueAt.toISOString(), aiRequestId },
              },
              now,
            ),
            ...remember(outcome),
          ] as BatchItem<"sqlite">[];
        },
      });

    const saved = () => {
      if (!outcome) throw new Error("the follow-up draft was not saved");
      return outcome;
    };
    try {
      await draftWith(provider, []);
      return saved();
    } catch (error) {
      if (!(error instanceof ApiError && error.code === "AI_OUTPUT_INVALID" && provider.paid)) {
        throw error;
      }
      await draftWith(new OfflineProvider(), [
        "The AI draft could not be used (it was unreadable, or named a link, address, payment detail or amount this deal does not hold), so a template draft was saved instead. It cost no credits.",
      ]);
      return saved();
    }
  });
}
