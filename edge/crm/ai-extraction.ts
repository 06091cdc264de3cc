/**
 * The AI's reading of a captured sponsor email (`deal_extraction`), beside the heuristic one.
 * It runs inside the capture request with a short deadline (AI_EXTRACTION_DEADLINE_MS), only
 * when a paid provider is configured, through the metered AI path (rate limit, 1 credit,
 * `ai_requests` record, refund on failure). Whatever happens — no provider, no credits, rate
 * limited, a timeout, an unreadable answer — the capture goes on with the heuristic fields.
 *
 * The email is untrusted (OWASP LLM01): the AI sees only the message's own text with the parts
 * addressed to software already removed, as quoted data, and its answer is validated field by
 * field: an amount must be one the email states (money.ts reads it there too), a brand must be
 * named in the email as a word or be the sender's company domain, dates must be real days near the email's date, and AI
 * confidence never reaches a person's (1). An invalid field is dropped; the others stay.
 */
import {
  currencySchema,
  DELIVERABLE_PLATFORMS,
  type ExtractionReport,
  type FieldOrigin,
} from "../../shared/crm";
import { minorUnitDigits } from "../../shared/currency";
import { cleanText } from "../../shared/text";
import { meteredAiCall } from "../ai/metered";
import type { AiDealTerms, AiProvider } from "../ai/provider";
import type { StoredDeliverable } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { ApiError } from "../errors";
import { newId } from "../lib/ids";
import { nameMatchesDomain } from "./brand";
import type { DealColumns } from "./deal-view";
import { emailDomain } from "./free-mail";
import { findMoney } from "./money";

/** How long a capture waits for the AI before answering with the heuristic reading alone. */
export const AI_EXTRACTION_DEADLINE_MS = 8_000;
/** Credits one AI reading costs on a paid provider. */
export const DEAL_EXTRACTION_CREDITS = 1;
/** The most confidence an AI-read field gets: only a person's value is certain. */
const MAX_AI_CONFIDENCE = 0.9;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface EmailForAi {
  subject: string;
  from: { name?: string; email: string };
  /** ISO 8601 instant. */
  date: string;
  /** The message's own text, injection removed (ExtractedDealTerms.readText). */
  readText: string;
}

/** Validated AI fields as deal columns, each with its origin, and what the answer lists. */
export interface AiReading {
  columns: DealColumns;
  sources: Record<string, FieldOrigin>;
  fields: { field: string; value: unknown; source: "ai"; confidence: number }[];
}

const confidenceOf = (value: number) =>
  Number.isFinite(value) ? Math.min(MAX_AI_CONFIDENCE, Math.max(0, value)) : 0;

const text = (value: string | null | undefined, max: number) => {
  const cleaned = value ? cleanText(value).replace(/\s+/g, " ").trim() : "";
  return cleaned && cleaned.length <= max ? cleaned : null;
};

/** A YYYY-MM-DD day within a month before and two years after the email, as UTC midnight ms. */
function dayNear(value: string | null | undefined, emailAt: number): number | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const at = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== value) return null;
  return at >= emailAt - 31 * DAY_MS && at <= emailAt + 2 * 366 * DAY_MS ? at : null;
}

/** True when `text` names `name` as a whole word or phrase (case-insensitive): "a" is no brand. */
function namesAsWord(text: string, name: string): boolean {
  const escaped = name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "u").test(text);
}

/**
 * The fields of `terms` that survive validation against the email they claim to read.
 * Pure: exported for tests.
 */
export function acceptAiTerms(terms: AiDealTerms, email: EmailForAi): AiReading {
  const reading: AiReading = { columns: {}, sources: {}, fields: [] };
  const emailAt = Date.parse(email.date);
  const haystack =
    `${email.subject}\n${email.readText}\n${email.from.name ?? ""}\n${email.from.email}`.toLowerCase();
  const take = (field: string, columns: DealColumns, value: unknown, confidence: number) => {
    const origin: FieldOrigin = { source: "ai", confidence: confidenceOf(confidence) };
    Object.assign(reading.columns, columns);
    for (const column of Object.keys(columns)) reading.sources[column] = origin;
    reading.fields.push({ field, value, source: "ai", confidence: origin.confidence });
  };

  const brand = text(terms.brand?.value, 200);
  const named =
    brand !== null &&
    brand.length >= 2 &&
    (namesAsWord(haystack, brand) || nameMatchesDomain(brand, emailDomain(email.from.email)));
  if (terms.brand && brand && named) {
    reading.fields.push({
      field: "brand",
      value: brand,
      source: "ai",
      confidence: confidenceOf(terms.brand.confidence),
    });
  }

  const amount = terms.amount;
  const currency = amount ? currencySchema.safeParse(amount.currency) : undefined;
  if (amount && currency?.success && Number.isFinite(amount.value) && amount.value > 0) {
    const valueMinor = Math.round(amount.value * 10 ** minorUnitDigits(currency.data));
    // The amount must be money the email states as a fixed sum, not a rate.
    const stated = findMoney(`${email.subject}\n${email.readText}`).some(
      (m) =>
        !m.rate &&
        m.value?.kind === "fixed" &&
        m.value.valueMinor === valueMinor &&
        m.value.currency === currency.data,
    );
    if (stated && Number.isSafeInteger(valueMinor) && valueMinor <= 1_000_000_000_000) {
      take(
        "amount",
        { valueMinor, currency: currency.data },
        { valueMinor, currency: currency.data },
        amount.confidence,
      );
    }
  }

  const days = terms.paymentTermsDays?.value;
  if (
    terms.paymentTermsDays &&
    Number.isInteger(days) &&
    (days as number) >= 0 &&
    (days as number) <= 365
  ) {
    take(
      "paymentTermsDays",
      { paymentTermsDays: days as number },
      days,
      terms.paymentTermsDays.confidence,
    );
  }

  if (terms.deliverables && terms.deliverables.items.length > 0) {
    const deliverables = terms.deliverables.items
      .slice(0, 50)
      .flatMap((item): StoredDeliverable[] => {
        const kind = text(item.kind, 150);
        if (!kind) return [];
        const platform = (DELIVERABLE_PLATFORMS as readonly string[]).includes(
          item.platform.toLowerCase(),
        )
          ? item.platform.toLowerCase()
          : "other";
        const count =
          item.count && Number.isInteger(item.count) && item.count > 1 && item.count <= 100
            ? item.count
            : null;
        return [
          {
            id: newId("dlv"),
            platform,
            kind: count ? `${count} × ${kind}` : kind,
            draftDueAt: null,
            approvedAt: null,
            liveAt: dayNear(item.dueDate, emailAt),
            done: false,
            contentId: null,
          },
        ];
      });
    if (deliverables.length > 0) {
      take("deliverables", { deliverables }, deliverables, terms.deliverables.confidence);
    }
  }

  const rights = terms.usageRights;
  if (rights) {
    const channels = rights.channels.flatMap((c) => text(c, 50) ?? []).slice(0, 20);
    const usageRights = {
      term: text(rights.term, 100),
      channels,
      paidUsage: rights.paidUsage ?? false,
    };
    if (usageRights.term || channels.length || rights.paidUsage !== null) {
      take("usageRights", { usageRights }, usageRights, rights.confidence);
    }
  }

  const exclusive = terms.exclusivity;
  if (exclusive) {
    const exclusivity = {
      category: text(exclusive.category, 200),
      until: dayNear(exclusive.until, emailAt),
    };
    if (exclusivity.category || exclusivity.until) {
      take("exclusivity", { exclusivity }, exclusivity, exclusive.confidence);
    }
  }

  const deadline = dayNear(terms.deadline?.date, emailAt);
  if (terms.deadline && deadline !== null) {
    take(
      "deadline",
      { expectedCloseAt: new Date(deadline) },
      terms.deadline.date,
      terms.deadline.confidence,
    );
  }

  const summary = text(terms.summary, 300);
  if (summary && !/https?:\/\/|www\.|@/i.test(summary)) {
    reading.fields.push({ field: "summary", value: summary, source: "ai", confidence: 0.6 });
  }
  return reading;
}

/**
 * Asks the AI to read the email, within the deadline. Never throws for the AI's sake: the
 * report says what happened (`ai`: used, not_configured, no_credits, rate_limited, timed_out
 * or failed), and the reading is empty unless it was used.
 */
export async function readWithAi(
  ctx: WorkspaceContext,
  email: EmailForAi,
  provider: AiProvider,
  deadlineMs = AI_EXTRACTION_DEADLINE_MS,
): Promise<{ report: ExtractionReport; reading: AiReading | null }> {
  const skipped = (ai: ExtractionReport["ai"]) => ({
    report: { mode: "in_request" as const, ai, credits: 0 },
    reading: null,
  });
  const extract = provider.extractDealTerms?.bind(provider);
  if (!provider.paid || !extract) return skipped("not_configured");
  const signal = AbortSignal.timeout(deadlineMs);
  try {
    const result = await meteredAiCall<AiDealTerms>(ctx, {
      feature: "deal_extraction",
      provider,
      // Readings are kept only as the deal's fields: there is no earlier answer to give again.
      credits: DEAL_EXTRACTION_CREDITS,
      run: async () => {
        const answer = await extract({
          subject: email.subject,
          fromName: email.from.name ?? null,
          fromEmail: email.from.email,
          date: email.date,
          text: email.readText,
          signal,
        });
        return { output: answer.terms, meta: answer };
      },
      save: () => [],
    });
    return {
      report: {
        mode: "in_request",
        ai: "used",
        provider: result.provider,
        model: result.model,
        credits: result.credits,
      },
      reading: acceptAiTerms(result.output, email),
    };
  } catch (error) {
    if (error instanceof ApiError && error.code === "QUOTA_EXCEEDED") return skipped("no_credits");
    if (error instanceof ApiError && error.code === "RATE_LIMITED") return skipped("rate_limited");
    if (signal.aborted) return skipped("timed_out");
    console.warn(
      JSON.stringify({
        event: "deal_extraction_failed",
        code: error instanceof ApiError ? error.code : "UNEXPECTED",
      }),
    );
    return skipped("failed");
  }
}
