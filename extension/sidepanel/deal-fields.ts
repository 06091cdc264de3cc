/**
 * A deal's fields as the side panel shows and corrects them: where each value came from, how it
 * reads, and what a correction sends (only what changed). Pure, and free of runtime imports that
 * pull in zod: the server validates again.
 */
import type { Activity, Deliverable, FieldOrigin, FieldSource } from "../../shared/crm";
import { minorUnitDigits } from "../../shared/currency";
import { formatCalendarDay, formatMoney } from "../../shared/view/format";
import type { DataOf, DealDetail } from "../lib/protocol";

export type DealChanges = DataOf<"updateDeal">["changes"];

/** Where a value came from, in the creator's words. */
export const SOURCE_WORDS: Record<FieldSource, string> = {
  ai: "AI",
  heuristic: "read from the email",
  person: "you",
};

/** The origin of a field shown from one or more columns: the first one that has one. */
export function originOf(deal: DealDetail, columns: readonly string[]): FieldOrigin | undefined {
  for (const column of columns) {
    const origin = deal.fieldSources[column];
    if (origin) return origin;
  }
  return undefined;
}

/** "Read from the email, 80% sure" — the longer words, for a tooltip. */
export function originTitle(origin: FieldOrigin): string {
  const words = {
    ai: "Read by the AI",
    heuristic: "Read from the email",
    person: "Set by you",
  }[origin.source];
  return origin.source === "person"
    ? words
    : `${words}, ${Math.round(origin.confidence * 100)}% sure`;
}

// ─── Money ───────────────────────────────────────────────────────────────────

const MAX_MINOR = 1_000_000_000_000;

/** An amount in minor units as an editable number: 250050 USD → "2500.50", 250000 → "2500". */
export function amountText(valueMinor: number | null, currency: string): string {
  if (valueMinor === null) return "";
  const digits = minorUnitDigits(currency);
  const scale = 10 ** digits;
  const whole = Math.trunc(Math.abs(valueMinor) / scale);
  const fraction = Math.abs(valueMinor) % scale;
  const sign = valueMinor < 0 ? "-" : "";
  return fraction === 0
    ? `${sign}${whole}`
    : `${sign}${whole}.${String(fraction).padStart(digits, "0")}`;
}

/**
 * What a person typed as an amount, in the currency's minor units, computed from the digits
 * (never through a float): "2,500.50" USD → 250050; "2500,5" → 250050 (a lone comma is the
 * decimal mark); "" → null (no value). Grouping commas and spaces are ignored.
 */
export function parseAmount(
  text: string,
  currency: string,
): { valueMinor: number | null } | { problem: string } {
  const compact = text.replace(/[\s\u00a0\u202f_']/g, "");
  if (compact === "") return { valueMinor: null };
  let normal: string;
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(compact)) normal = compact.replaceAll(",", "");
  else if (/^-?\d+,\d+$/.test(compact)) normal = compact.replace(",", ".");
  else normal = compact;
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(normal);
  if (!match) return { problem: "Write the amount as a number, like 2500 or 2500.50." };
  const [, sign, whole, fraction = ""] = match;
  const digits = minorUnitDigits(currency);
  if (fraction.length > digits) {
    return {
      problem:
        digits === 0
          ? `${currency} has no decimals: write a whole amount.`
          : `${currency} has at most ${digits} decimals.`,
    };
  }
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  if (!Number.isSafeInteger(minor) || minor > MAX_MINOR)
    return { problem: "That amount is too large." };
  return { valueMinor: sign === "-" && minor !== 0 ? -minor : minor };
}

const knownCurrencies = (() => {
  try {
    return new Set<string>(Intl.supportedValuesOf("currency"));
  } catch {
    return null;
  }
})();

/** An ISO 4217 code as typed ("eur " → "EUR"), or why not. */
export function parseCurrency(text: string): { currency: string } | { problem: string } {
  const code = text.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || (knownCurrencies && !knownCurrencies.has(code))) {
    return { problem: "Use a three-letter currency code, such as USD or EUR." };
  }
  return { currency: code };
}

// ─── Fields ──────────────────────────────────────────────────────────────────

export interface FieldInput {
  name: string;
  label: string;
  type: "text" | "date";
  value: string;
  inputMode?: "decimal" | "numeric";
  maxLength?: number;
  hint?: string;
  /** Narrow inputs (a currency code) sit beside the first one. */
  narrow?: boolean;
}

export type Correction = { changes: DealChanges } | { problem: string };

export interface FieldSpec {
  id: "title" | "value" | "probability" | "paymentTerms" | "expectedClose" | "poNumber";
  label: string;
  /** What it is called inside a sentence: "Correct the value" reads "value". */
  noun: string;
  /** The deal columns it shows, whose `fieldSources` say where it came from. */
  columns: readonly string[];
  /** How it reads; null when the deal has no value. */
  shown(deal: DealDetail): string | null;
  inputs(deal: DealDetail): FieldInput[];
  /** What saving `values` sends: only the columns that change (empty when none does). */
  correction(values: Record<string, string>, deal: DealDetail): Correction;
}

/** A whole number in a range, or null for an empty input. */
function wholeNumber(
  text: string,
  min: number,
  max: number,
  problem: string,
): { value: number | null } | { problem: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { value: null };
  if (!/^\d+$/.test(trimmed)) return { problem };
  const value = Number(trimmed);
  return value < min || value > max ? { problem } : { value };
}

/** A text column: trimmed, emptied to null unless required. */
function textCorrection(
  column: "title" | "poNumber",
  text: string,
  stored: string | null,
): DealChanges {
  const trimmed = text.trim();
  const value = trimmed === "" ? null : trimmed;
  return value === stored ? {} : ({ [column]: value } as DealChanges);
}

export const TITLE_MAX = 300;
export const PO_NUMBER_MAX = 100;

export const FIELD_SPECS: readonly FieldSpec[] = [
  {
    id: "title",
    noun: "title",
    label: "Title",
    columns: ["title"],
    shown: (deal) => deal.title,
    inputs: (deal) => [
      { name: "title", label: "Title", type: "text", value: deal.title, maxLength: TITLE_MAX },
    ],
    correction(values, deal) {
      if (!values.title?.trim()) return { problem: "A deal needs a title." };
      return { changes: textCorrection("title", values.title, deal.title) };
    },
  },
  {
    id: "value",
    noun: "value",
    label: "Value",
    columns: ["valueMinor", "currency"],
    shown: (deal) =>
      deal.valueMinor === null ? null : formatMoney(deal.valueMinor, deal.currency),
    inputs: (deal) => [
      {
        name: "amount",
        label: "Amount",
        type: "text",
        inputMode: "decimal",
        value: amountText(deal.valueMinor, deal.currency),
        hint: "Leave empty when there is no agreed amount yet.",
      },
      {
        name: "currency",
        label: "Currency",
        type: "text",
        value: deal.currency,
        maxLength: 3,
        narrow: true,
      },
    ],
    correction(values, deal) {
      const currency = parseCurrency(values.currency ?? "");
      if ("problem" in currency) return currency;
      const amount = parseAmount(values.amount ?? "", currency.currency);
      if ("problem" in amount) return amount;
      const changes: DealChanges = {};
      if (amount.valueMinor !== deal.valueMinor) changes.valueMinor = amount.valueMinor;
      if (currency.currency !== deal.currency) changes.currency = currency.currency;
      return { changes };
    },
  },
  {
    id: "probability",
    noun: "probability",
    label: "Probability",
    columns: ["probability"],
    shown: (deal) => (deal.probability === null ? null : `${deal.probability}%`),
    inputs: (deal) => [
      {
        name: "probability",
        label: "Probability (%)",
        type: "text",
        inputMode: "numeric",
        value: deal.probability === null ? "" : String(deal.probability),
        maxLength: 3,
      },
    ],
    correction(values, deal) {
      const read = wholeNumber(
        values.probability ?? "",
        0,
        100,
        "Probability is a whole number from 0 to 100.",
      );
      if ("problem" in read) return read;
      return { changes: read.value === deal.probability ? {} : { probability: read.value } };
    },
  },
  {
    id: "paymentTerms",
    noun: "payment terms",
    label: "Payment terms",
    columns: ["paymentTermsDays"],
    shown: (deal) =>
      deal.paymentTermsDays === null
        ? null
        : deal.paymentTermsDays === 0
          ? "Due on receipt"
          : `Net ${deal.paymentTermsDays}`,
    inputs: (deal) => [
      {
        name: "paymentTermsDays",
        label: "Payment terms (days after the invoice)",
        type: "text",
        inputMode: "numeric",
        value: deal.paymentTermsDays === null ? "" : String(deal.paymentTermsDays),
        maxLength: 3,
        hint: "Net 30 is 30; 0 is due on receipt.",
      },
    ],
    correction(values, deal) {
      const read = wholeNumber(
        values.paymentTermsDays ?? "",
        0,
        365,
        "Payment terms are a whole number of days, from 0 to 365.",
      );
      if ("problem" in read) return read;
      return {
        changes: read.value === deal.paymentTermsDays ? {} : { paymentTermsDays: read.value },
      };
    },
  },
  {
    id: "expectedClose",
    noun: "expected close",
    label: "Expected close",
    columns: ["expectedCloseAt"],
    shown: (deal) => formatCalendarDay(deal.expectedCloseAt) || null,
    inputs: (deal) => [
      {
        name: "expectedClose",
        label: "Expected close",
        type: "date",
        value: deal.expectedCloseAt ? deal.expectedCloseAt.slice(0, 10) : "",
      },
    ],
    correction(values, deal) {
      const day = (values.expectedClose ?? "").trim();
      if (day !== "" && !/^\d{4}-\d{2}-\d{2}$/.test(day)) return { problem: "Pick a date." };
      const stored = deal.expectedCloseAt ? deal.expectedCloseAt.slice(0, 10) : "";
      if (day === stored) return { changes: {} };
      // A calendar day, stored as its UTC midnight like a deadline read from an email.
      return { changes: { expectedCloseAt: day ? `${day}T00:00:00.000Z` : null } };
    },
  },
  {
    id: "poNumber",
    noun: "PO number",
    label: "PO number",
    columns: ["poNumber"],
    shown: (deal) => deal.poNumber,
    inputs: (deal) => [
      {
        name: "poNumber",
        label: "PO number",
        type: "text",
        value: deal.poNumber ?? "",
        maxLength: PO_NUMBER_MAX,
      },
    ],
    correction: (values, deal) => ({
      changes: textCorrection("poNumber", values.poNumber ?? "", deal.poNumber),
    }),
  },
];

// ─── Deliverables ────────────────────────────────────────────────────────────

const PLATFORM_NAMES: Record<string, string> = {
  x: "X",
  linkedin: "LinkedIn",
  instagram: "Instagram",
  tiktok: "TikTok",
  shorts: "YouTube Shorts",
  newsletter: "Newsletter",
  youtube: "YouTube",
  podcast: "Podcast",
  twitch: "Twitch",
  blog: "Blog",
  other: "Other",
};

/** "YouTube: 60-second integrated read" */
export function deliverableName(deliverable: Deliverable): string {
  const platform = PLATFORM_NAMES[deliverable.platform] ?? deliverable.platform;
  return `${platform}: ${deliverable.kind}`;
}

/** The whole list with one deliverable's `done` changed, every id kept (the API keeps them). */
export function toggledDeliverables(
  deliverables: Deliverable[],
  id: string,
  done: boolean,
): Deliverable[] {
  return deliverables.map((deliverable) =>
    deliverable.id === id ? { ...deliverable, done } : deliverable,
  );
}

// ─── Activities ──────────────────────────────────────────────────────────────

const ACTIVITY_WORDS: Record<string, string> = {
  note: "Note",
  stage_change: "Stage changed",
  email_captured: "Email captured",
  followup_created: "Follow-up drafted",
  followup_sent: "Follow-up sent",
  followup_snoozed: "Follow-up snoozed",
  followup_cancelled: "Follow-up cancelled",
  field_corrected: "Corrected",
};

const COLUMN_NAMES: Record<string, string> = {
  title: "the title",
  stageId: "the stage",
  valueMinor: "the value",
  currency: "the currency",
  probability: "the probability",
  paymentTermsDays: "the payment terms",
  poNumber: "the PO number",
  usageRights: "the usage rights",
  exclusivity: "the exclusivity",
  deliverables: "the deliverables",
  expectedCloseAt: "the expected close date",
};

/** An activity's kind in words, and what it says. */
export function activityText(activity: Activity): { kind: string; body: string | null } {
  const kind = ACTIVITY_WORDS[activity.kind] ?? "Activity";
  if (activity.kind === "field_corrected") {
    const column = activity.metadata?.field;
    const previous = activity.metadata?.previousSource;
    const name = typeof column === "string" ? (COLUMN_NAMES[column] ?? column) : "a field";
    const by = previous === "ai" ? "the AI" : previous === "heuristic" ? "the email reader" : null;
    return { kind, body: by ? `${name} (read by ${by})` : name };
  }
  return { kind, body: activity.body };
}
