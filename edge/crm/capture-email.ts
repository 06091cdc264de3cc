/**
 * Capturing a sponsor email as a deal (`POST /api/deals/capture-email`). The heuristic reader
 * always runs; the AI reads too when a paid provider is configured (ai-extraction.ts), inside
 * the request, and a field keeps whichever reading is surer. Neither runs for an email already
 * captured.
 *
 * 1. The same message captured again answers its deal (200): by Gmail message id, then by a
 *    fingerprint of sender, subject and date (Gmail's ids differ per mailbox, so two members
 *    capturing one email are recognised). Concurrent captures race on the unique index
 *    `deals_source_message`; the losers answer the deal that won.
 * 2. A message of a thread that already has a deal is added to it as an `email_captured`
 *    activity, and its terms update the fields no person set (200) — unless `newDeal: true`.
 * 3. Otherwise the sponsor is matched (or created from the contact) and a deal is created in the
 *    first `open` stage with the terms read and their sources (201).
 * Only what the creator sent is stored, and never the body itself. A capture never fails because
 * extraction found nothing. Retries with the same Idempotency-Key answer the first result.
 */
import { desc, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { z } from "zod";
import {
  type CapturedField,
  type CaptureEmailResult,
  type captureEmailSchema,
  DELIVERABLE_PLATFORMS,
  type ExtractionReport,
  type FieldOrigin,
  type Sponsor,
} from "../../shared/crm";
import { providerFromEnv } from "../ai/configured-provider";
import type { AiProvider } from "../ai/provider";
import { type KeyedRequest, type WriteOutcome, withIdempotency } from "../db/idempotency";
import { dealActivities, dealStages, deals, type StoredDeliverable, sponsors } from "../db/schema";
import { isUniqueViolation } from "../db/unique";
import { refundCredits } from "../db/usage";
import type { WorkspaceContext } from "../db/workspace-context";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/encoding";
import { newId } from "../lib/ids";
import { type ActivityEntry, activityInsert } from "./activities";
import { type AiReading, readWithAi } from "./ai-extraction";
import { companyLabel, nameMatchesDomain } from "./brand";
import { dayOf } from "./dates";
import { type DealColumns, type DealRow, dealView } from "./deal-view";
import type { EmailAddress } from "./email-text";
import { type DealTermFields, type ExtractedDealTerms, extractDealTerms } from "./extract-terms";
import { emailDomain, isFreeMailDomain } from "./free-mail";
import { formatMoney } from "./money";
import { findSponsorForEmail, type SponsorMatch } from "./sponsor-matching";
import { mergeContacts, type SponsorRow, sponsorView } from "./sponsors";
import { stageRows } from "./stages";

export type CaptureEmailValues = z.output<typeof captureEmailSchema>;

const PATH = "/api/deals/capture-email";

/** "Re: Fwd: TR: Partnership" → "Partnership". */
const REPLY_PREFIX = /^\s*(?:(?:re|fwd?|tr|aw|wg|rv|sv|vs|antw|réf)\s*(?:\[\d+\])?\s*:\s*)+/i;

export function dealTitle(subject: string, fallback: string): string {
  const title = subject.replace(REPLY_PREFIX, "").replace(/\s+/g, " ").trim();
  return (title || fallback).slice(0, 300);
}

/** SHA-256 of the lower-cased sender address, the trimmed subject and the date to the minute. */
export function captureFingerprint(input: Pick<CaptureEmailValues, "from" | "subject" | "date">) {
  const minute = new Date(Date.parse(input.date)).toISOString().slice(0, 16);
  return sha256Hex(
    JSON.stringify([input.from.email.trim().toLowerCase(), input.subject.trim(), minute]),
  );
}

const isDeliverablePlatform = (
  platform: string | null,
): platform is (typeof DELIVERABLE_PLATFORMS)[number] =>
  platform !== null && (DELIVERABLE_PLATFORMS as readonly string[]).includes(platform);

interface MappedTerms {
  columns: DealColumns;
  sources: Record<string, FieldOrigin>;
  warnings: string[];
}

/** The extracted terms as deal columns, each with its source and confidence. */
function mapTerms(fields: DealTermFields): MappedTerms {
  const columns: DealColumns = {};
  const sources: Record<string, FieldOrigin> = {};
  const warnings: string[] = [];
  const origin = (f: { confidence: number }): FieldOrigin => ({
    source: "heuristic",
    confidence: f.confidence,
  });

  const amount = fields.amount;
  if (amount) {
    const value = amount.value;
    if (value.kind === "fixed") {
      columns.valueMinor = value.valueMinor;
      columns.currency = value.currency;
      sources.valueMinor = origin(amount);
      sources.currency = origin(amount);
    } else if (value.kind === "range") {
      warnings.push(`The email gives a range (${formatMoney(value)}): set the deal's value.`);
    } else {
      warnings.push(`An amount could not be read exactly ("${value.text}"): set the deal's value.`);
    }
  }
  if (fields.paymentTermsDays) {
    columns.paymentTermsDays = Math.min(365, Math.max(0, fields.paymentTermsDays.value));
    sources.paymentTermsDays = origin(fields.paymentTermsDays);
  }
  if (fields.deliverables && fields.deliverables.value.length > 0) {
    columns.deliverables = fields.deliverables.value.slice(0, 50).map(
      (d): StoredDeliverable => ({
        id: newId("dlv"),
        platform: isDeliverablePlatform(d.platform) ? d.platform : "other",
        kind: (d.count && d.count > 1 ? `${d.count} × ${d.kind}` : d.kind).slice(0, 200),
        draftDueAt: null,
        approvedAt: null,
        liveAt: d.dueAt ? (msOf(dayOf(d.dueAt)?.at) ?? null) : null,
        done: false,
        contentId: null,
      }),
    );
    sources.deliverables = origin(fields.deliverables);
  }
  if (fields.usageRights) {
    const rights = fields.usageRights.value;
    const term =
      rights.term === null
        ? null
        : rights.term === "perpetual"
          ? "perpetual"
          : `${rights.term.amount} ${rights.term.unit}${rights.term.amount === 1 ? "" : "s"}`;
    columns.usageRights = {
      term,
      channels: rights.channels.slice(0, 20),
      paidUsage: rights.paidUsage ?? rights.whitelisting ?? false,
    };
    sources.usageRights = origin(fields.usageRights);
  }
  if (fields.exclusivity) {
    const { category, until } = fields.exclusivity.value;
    columns.exclusivity = {
      category: category?.slice(0, 200) ?? null,
      until: until ? (msOf(dayOf(until)?.at) ?? null) : null,
    };
    sources.exclusivity = origin(fields.exclusivity);
  }
  if (fields.deadline) {
    const day = dayOf(fields.deadline.value);
    if (day) {
      columns.expectedCloseAt = new Date(day.at);
      sources.expectedCloseAt = origin(fields.deadline);
    } else {
      warnings.push(
        `The deadline ("${fields.deadline.value.text}") is not one calendar day: set the expected close date.`,
      );
    }
  }
  return { columns, sources, warnings };
}

const msOf = (iso: string | undefined) => (iso ? Date.parse(iso) : undefined);

/** Every field read, as the answer lists it. */
function fieldList(fields: DealTermFields): CapturedField[] {
  return Object.entries(fields).flatMap(([name, f]) =>
    f ? [{ field: name, value: f.value, source: f.source, confidence: f.confidence }] : [],
  );
}

/** Heuristic and AI readings together: per field, the surer one (the heuristic on a tie). */
function merged(
  heuristic: MappedTerms,
  heuristicFields: CapturedField[],
  ai: AiReading | null,
): { mapped: MappedTerms; fields: CapturedField[]; brand?: string } {
  const brandOf = (fields: CapturedField[]) => fields.find((f) => f.field === "brand");
  if (!ai) {
    return {
      mapped: heuristic,
      fields: heuristicFields,
      brand: brandOf(heuristicFields)?.value as string | undefined,
    };
  }
  const mapped: MappedTerms = {
    columns: { ...heuristic.columns },
    sources: { ...heuristic.sources },
    warnings: heuristic.warnings,
  };
  for (const [column, origin] of Object.entries(ai.sources)) {
    const current = mapped.sources[column];
    if (current && current.confidence >= origin.confidence) continue;
    (mapped.columns as Record<string, unknown>)[column] = (ai.columns as Record<string, unknown>)[
      column
    ];
    mapped.sources[column] = origin;
  }
  const fields = [...heuristicFields];
  for (const field of ai.fields) {
    const index = fields.findIndex((f) => f.field === field.field);
    const current = fields[index];
    if (!current) fields.push(field);
    else if (current.confidence < field.confidence) fields[index] = field;
  }
  return { mapped, fields, brand: brandOf(fields)?.value as string | undefined };
}

function capturedActivity(
  input: CaptureEmailValues,
  contact: EmailAddress,
  terms: ExtractedDealTerms,
): ActivityEntry {
  return {
    kind: "email_captured",
    body: `Email captured: ${input.subject.trim() || "(no subject)"}`.slice(0, 500),
    metadata: {
      messageId: input.messageId,
      threadId: input.threadId ?? null,
      threadUrl: input.threadUrl ?? null,
      from: contact,
      ...(terms.forwardedFrom ? { via: input.from } : {}),
      subject: input.subject,
      date: new Date(Date.parse(input.date)).toISOString(),
    },
  };
}

async function liveDeal(ctx: WorkspaceContext, where: SQL) {
  const [row] = await ctx.scope
    .select(deals, isNull(deals.deletedAt), where)
    .orderBy(desc(deals.createdAt), desc(deals.id))
    .limit(1);
  return row as DealRow | undefined;
}

async function stageKindOf(ctx: WorkspaceContext, stageId: string | null) {
  if (!stageId) return null;
  const [row] = await ctx.scope.select(dealStages, eq(dealStages.id, stageId)).limit(1);
  return row?.kind ?? null;
}

/** The sponsor of the email (matched or to create) and the warnings about the sender. */
async function sponsorFor(
  ctx: WorkspaceContext,
  contact: EmailAddress,
  brand: string | undefined,
): Promise<{ sponsor: Sponsor | null; create?: SponsorRow; warnings: string[] }> {
  const warnings: string[] = [];
  const match: SponsorMatch = await findSponsorForEmail(ctx, {
    email: contact.email,
    name: contact.name,
    brandHint: brand,
  });
  const domain = emailDomain(contact.email);
  const freeMail = isFreeMailDomain(domain);
  const agency = match.sponsor ? match.matchedBy === "agency-brand" : match.reason === "agency";
  const matchesSponsor =
    match.sponsor !== null && (match.matchedBy === "domain" || match.matchedBy === "address");
  if (!agency && brand && !matchesSponsor && !nameMatchesDomain(brand, domain)) {
    warnings.push(
      `The sender's address (${contact.email}) matches neither the brand named in the email (${brand}) nor a sponsor on file: confirm the sender works for ${brand} before replying.`,
    );
  }
  if (match.sponsor) return { sponsor: match.sponsor, warnings };
  if (match.reason === "agency") {
    // A brand read from the agency's own domain is the agency, not its client.
    const named = brand && !nameMatchesDomain(brand, domain) ? brand : undefined;
    warnings.push(
      named
        ? `An agency (${contact.email}) wrote for ${named}, which is not a sponsor on file: who is the brand? The deal has no sponsor yet.`
        : `An agency (${contact.email}) wrote this email without naming the brand: who is the brand? The deal has no sponsor yet.`,
    );
    return { sponsor: null, warnings };
  }
  const label = companyLabel(domain);
  const name =
    brand ??
    (freeMail
      ? contact.name || contact.email
      : `${label.charAt(0).toUpperCase()}${label.slice(1)}`);
  const now = new Date();
  const create: SponsorRow = {
    id: newId("spn"),
    workspaceId: ctx.scope.workspaceId,
    name: name.slice(0, 200),
    domain: freeMail ? null : domain,
    contacts: mergeContacts([
      contact.name
        ? { name: contact.name.slice(0, 100), email: contact.email }
        : { email: contact.email },
    ]),
    notes: null,
    deletedAt: null,
    createdBy: ctx.user?.id ?? null,
    createdAt: now,
    updatedAt: now,
  };
  return { sponsor: sponsorView(create), create, warnings };
}

/** For tests and jobs: the provider and the AI's deadline; the configured ones by default. */
export interface CaptureOptions {
  provider?: AiProvider;
  aiDeadlineMs?: number;
}

/**
 * @param key the request's Idempotency-Key, if it sent one.
 * @returns 201 with a new deal, or 200 with the deal this message (or its thread) already has.
 * @throws ApiError 400 IDEMPOTENCY_KEY_REUSED (never for the AI's sake: see readWithAi)
 */
export async function captureEmail(
  ctx: WorkspaceContext,
  input: CaptureEmailValues,
  key?: string,
  options: CaptureOptions = {},
): Promise<WriteOutcome<CaptureEmailResult>> {
  const { scope, db } = ctx;
  const request: KeyedRequest | undefined = key
    ? { key, method: "POST", path: PATH, body: input }
    : undefined;
  const terms = extractDealTerms({
    subject: input.subject,
    from: input.from,
    date: input.date,
    bodyText: input.bodyText,
  });
  const contact = terms.forwardedFrom ?? input.from;
  const fields = fieldList(terms.fields);
  const mapped = mapTerms(terms.fields);
  const fingerprint = await captureFingerprint(input);

  return withIdempotency<CaptureEmailResult>(scope, request, async (remember) => {
    const answer: Answer = async (row, warnings, reading, extra = []) => {
      const outcome = {
        status: 200 as const,
        data: {
          deal: dealView(row, await stageKindOf(ctx, row.stageId)),
          created: false,
          fields: reading.fields,
          warnings,
          extraction: reading.extraction,
        },
      };
      const batch = [...extra, ...remember(outcome)];
      if (batch.length > 0) await db.batch(batch as [BatchItem<"sqlite">]);
      return outcome;
    };
    const known = async () =>
      (await liveDeal(ctx, eq(deals.sourceMessageId, input.messageId))) ??
      (await liveDeal(ctx, eq(deals.sourceFingerprint, fingerprint)));

    const heuristicOnly: Reading = {
      mapped,
      fields,
      extraction: { mode: "in_request", ai: "not_needed", credits: 0 },
    };
    const found = await known();
    if (found) return answer(found, [...terms.warnings, ...mapped.warnings], heuristicOnly);

    const threadDeal =
      input.threadId && !input.newDeal
        ? await liveDeal(ctx, eq(deals.sourceThreadId, input.threadId))
        : undefined;
    if (threadDeal && (await alreadyInThread(ctx, threadDeal, input.messageId))) {
      return answer(threadDeal, [...terms.warnings, ...mapped.warnings], heuristicOnly);
    }

    const ai = await readWithAi(
      ctx,
      { subject: input.subject, from: contact, date: input.date, readText: terms.readText },
      options.provider ?? providerFromEnv(ctx.env),
      options.aiDeadlineMs,
    );
    const both = merged(mapped, fields, ai.reading);
    const reading: Reading = { ...both, extraction: ai.report };
    const warnings = [...terms.warnings, ...mapped.warnings];
    // The AI reading is paid for only when it is saved: a capture that loses a race (and answers
    // the deal that won) or fails gives its credits back, once.
    let refunded = ai.report.credits === 0;
    const refund = async () => {
      if (refunded) return;
      refunded = true;
      await refundCredits(scope, ai.report.credits);
    };
    try {
      if (threadDeal) {
        try {
          return await addToThread(ctx, threadDeal, input, contact, terms, reading, answer);
        } catch (error) {
          // A concurrent capture added this message first: answer the deal as it now is.
          if (!isUniqueViolation(error, "deal_activities_email_message")) throw error;
          const current = await liveDeal(ctx, eq(deals.id, threadDeal.id));
          if (!current) throw error;
          await refund();
          return await answer(current, warnings, heuristicOnly);
        }
      }
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await createFromEmail(ctx, input, contact, terms, reading, fingerprint, remember);
        } catch (error) {
          // Lost a race with a capture of the same message: answer the deal that won.
          if (isUniqueViolation(error, "deals")) {
            const winner = await known();
            if (winner) {
              await refund();
              return await answer(winner, warnings, heuristicOnly);
            }
          }
          // Another capture created the same sponsor meanwhile: match again, once.
          if (attempt === 0 && isUniqueViolation(error, "sponsors")) continue;
          throw error;
        }
      }
    } catch (error) {
      await refund();
      throw error;
    }
  });
}

/** The email's reading: the deal columns with their sources, the fields answered, and how. */
interface Reading {
  mapped: MappedTerms;
  fields: CapturedField[];
  brand?: string;
  extraction: ExtractionReport;
}

type Answer = (
  row: DealRow,
  warnings: string[],
  reading: Reading,
  extra?: BatchItem<"sqlite">[],
) => Promise<WriteOutcome<CaptureEmailResult>>;

/** True when this message was already added to the thread's deal. */
async function alreadyInThread(ctx: WorkspaceContext, deal: DealRow, messageId: string) {
  const [already] = await ctx.scope
    .select(
      dealActivities,
      eq(dealActivities.dealId, deal.id),
      eq(dealActivities.kind, "email_captured"),
      sql`json_extract(${dealActivities.metadata}, '$.messageId') = ${messageId}`,
    )
    .limit(1);
  return already !== undefined;
}

/** A new message of a captured thread: an activity, and its terms on fields no person set. */
async function addToThread(
  ctx: WorkspaceContext,
  deal: DealRow,
  input: CaptureEmailValues,
  contact: EmailAddress,
  terms: ExtractedDealTerms,
  reading: Reading,
  answer: Answer,
) {
  const { mapped } = reading;
  const warnings = [...terms.warnings, ...mapped.warnings];
  const now = new Date();
  const fieldSources = { ...deal.fieldSources };
  const set: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(mapped.columns)) {
    if (deal.fieldSources[field]?.source === "person") continue;
    set[field] = value;
    fieldSources[field] = mapped.sources[field] as FieldOrigin;
  }
  const updated: DealRow = { ...deal, ...set, fieldSources, lastActivityAt: now, updatedAt: now };
  return answer(updated, warnings, reading, [
    ctx.scope.update(
      deals,
      { ...set, fieldSources, lastActivityAt: now, updatedAt: now },
      eq(deals.id, deal.id),
    ),
    activityInsert(ctx, deal.id, capturedActivity(input, contact, terms), now),
  ]);
}

async function createFromEmail(
  ctx: WorkspaceContext,
  input: CaptureEmailValues,
  contact: EmailAddress,
  terms: ExtractedDealTerms,
  reading: Reading,
  fingerprint: string,
  remember: Parameters<Parameters<typeof withIdempotency<CaptureEmailResult>>[2]>[0],
): Promise<WriteOutcome<CaptureEmailResult>> {
  const { scope, db } = ctx;
  const { mapped } = reading;
  const [stages, matched] = await Promise.all([
    stageRows(ctx),
    sponsorFor(ctx, contact, reading.brand),
  ]);
  const stage = stages.find((s) => s.kind === "open") ?? stages[0];
  if (!stage) {
    throw new ApiError(409, "CONFLICT", "The pipeline has no stage to put the deal in");
  }
  const now = new Date();
  const row: DealRow = {
    id: newId("deal"),
    workspaceId: scope.workspaceId,
    sponsorId: matched.sponsor?.id ?? null,
    title: dealTitle(input.subject, terms.fields.summary.value || `Email from ${contact.email}`),
    stageId: stage.id,
    valueMinor: null,
    currency: "USD",
    probability: null,
    paymentTermsDays: null,
    poNumber: null,
    usageRights: null,
    exclusivity: null,
    deliverables: [],
    revisionRounds: null,
    expectedCloseAt: null,
    invoiceSentAt: null,
    paidAt: null,
    ownerId: ctx.user?.id ?? null,
    source: "email",
    sourceMessageId: input.messageId,
    sourceThreadId: input.threadId ?? null,
    sourceThreadUrl: input.threadId ? (input.threadUrl ?? null) : null,
    sourceFingerprint: fingerprint,
    fieldSources: mapped.sources,
    lastActivityAt: now,
    deletedAt: null,
    createdBy: ctx.user?.id ?? null,
    createdAt: now,
    updatedAt: now,
    ...mapped.columns,
  } as DealRow;
  const outcome = {
    status: 201 as const,
    data: {
      deal: dealView(row, stage.kind, now.getTime()),
      created: true,
      fields: reading.fields,
      warnings: [...terms.warnings, ...mapped.warnings, ...matched.warnings],
      extraction: reading.extraction,
    },
  };
  await db.batch([
    ...(matched.create ? [scope.insert(sponsors, matched.create)] : []),
    scope.insert(deals, row),
    activityInsert(ctx, row.id, capturedActivity(input, contact, terms), now),
    ...remember(outcome),
  ] as [BatchItem<"sqlite">]);
  return outcome;
}
