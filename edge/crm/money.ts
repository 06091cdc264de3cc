/**
 * Money in a sponsor email: amounts, ranges and rates, read from text with a currency marker
 * beside the number. A number with no currency marker is never money ("50.000 views").
 *
 * Every value is an integer in the currency's ISO 4217 minor unit (cents for USD, yen for JPY)
 * with its ISO 4217 code. What cannot be read exactly (an unknown grouping such as "1,23,4", a
 * fraction finer than the minor unit such as "¥1,500.5", a number too long to be an amount) is
 * reported as unreadable, never rounded into a wrong number.
 *
 * Only linear-time regular expressions: each one is either anchored on a bounded slice of text
 * or has no two quantifiers that can match the same characters.
 */

import { minorUnitDigits } from "../../shared/currency";

/** The currencies this reader recognises in an email. */
const RECOGNISED = [
  "USD",
  "EUR",
  "GBP",
  "INR",
  "JPY",
  "CAD",
  "AUD",
  "NZD",
  "CHF",
  "SEK",
  "NOK",
  "DKK",
  "SGD",
  "MXN",
  "BRL",
  "KRW",
  "CNY",
  "PLN",
] as const;

/**
 * Their ISO 4217 minor-unit digits, from the one table (shared/currency.ts). The edge test
 * checks each against `Intl.NumberFormat(…).resolvedOptions().maximumFractionDigits` in workerd.
 */
export const MINOR_UNIT_DIGITS = Object.fromEntries(
  RECOGNISED.map((code) => [code, minorUnitDigits(code)]),
) as Record<(typeof RECOGNISED)[number], number>;
export type CurrencyCode = keyof typeof MINOR_UNIT_DIGITS;
export const CURRENCY_CODES = Object.keys(MINOR_UNIT_DIGITS) as CurrencyCode[];

/** A fixed amount or a range, in minor units of one ISO 4217 currency. */
export type MoneyValue =
  | { kind: "fixed"; valueMinor: number; currency: CurrencyCode }
  | { kind: "range"; minMinor: number; maxMinor: number; currency: CurrencyCode };

/**
 * What a rate is priced per. CPM is "cost per mille": the price of 1,000 impressions or views
 * (IAB glossary); CPV per view, CPC per click, CPI per install, CPA per acquisition (a sale,
 * sign-up or conversion).
 */
export type RateUnit = "CPM" | "CPV" | "CPC" | "CPI" | "CPA";

export interface MoneyMention {
  /** Offsets of the mention in the text it was read from (currency markers included). */
  start: number;
  end: number;
  text: string;
  /** `null` when a currency marker sits beside a number that cannot be read exactly. */
  value: MoneyValue | null;
  /** Set when the money is a rate (a price per unit of audience), not a deal value. */
  rate?: RateUnit;
  /** Set when the amount is priced per deliverable ("$1,500 per video"). */
  perDeliverable?: string;
  /** True when the currency came from a bare "$", read as USD. */
  bareDollar?: boolean;
}

/** Symbols and codes written before the number, longest first so "CA$" wins over "$". */
const PREFIX_MARKERS: [string, CurrencyCode][] = [
  ["CAD$", "CAD"],
  ["AUD$", "AUD"],
  ["US$", "USD"],
  ["CA$", "CAD"],
  ["AU$", "AUD"],
  ["NZ$", "NZD"],
  ["SG$", "SGD"],
  ["MX$", "MXN"],
  ["C$", "CAD"],
  ["A$", "AUD"],
  ["S$", "SGD"],
  ["R$", "BRL"],
  ["Rs.", "INR"],
  ["Rs", "INR"],
  ["$", "USD"],
  ["€", "EUR"],
  ["£", "GBP"],
  ["₹", "INR"],
  // "¥" is also the yuan's sign; a creator's sponsor writing "¥" is read as yen, the common case.
  ["¥", "JPY"],
  ["￥", "JPY"],
  ["₩", "KRW"],
];

/** Words and symbols written after the number (matched case-insensitively, lower-cased here). */
const SUFFIX_WORDS: Record<string, CurrencyCode> = {
  "€": "EUR",
  $: "USD",
  "£": "GBP",
  "₹": "INR",
  円: "JPY",
  yen: "JPY",
  euro: "EUR",
  euros: "EUR",
  dollar: "USD",
  dollars: "USD",
  rupees: "INR",
};

const CODES = CURRENCY_CODES.join("|");
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A currency marker ending right before a number (tested on the few characters before it). */
const PREFIX_BEFORE = new RegExp(
  `(?:^|[^A-Za-z])(${PREFIX_MARKERS.map(([marker]) => escapeRegExp(marker)).join("|")}|${CODES})[ \\u00A0\\u202F]?$`,
);
/** A multiplier glued to the number: 2.5k, $1.2M. */
const MULTIPLIER_AFTER = /^([kKmM])(?![A-Za-z])/;
/** Codes in capitals only: "60 Sek." is sixty seconds, not Swedish kronor. */
const SUFFIX_AFTER = new RegExp(
  `^[ \\u00A0\\u202F]?(?:(${CODES})(?![A-Za-z])|(€|\\$|£|₹|円)|([Yy]en|[Ee]uros?|[Dd]ollars?|[Rr]upees)(?![A-Za-z]))`,
);
/** Between the two ends of a range; "and" only after "between" (checked separately). */
const RANGE_JOIN =
  /^[ \u00A0\u202F]?(?:-|–|—|(?:to|à|a|bis|and|et|und|y)(?!\p{L}))[ \u00A0\u202F]?/iu;
const BETWEEN_BEFORE = /(?:between|entre|zwischen)[ \u00A0]+$/i;
const WORD_JOINS = new Set(["and", "et", "und", "y"]);

/** Rate words after the amount: "20,00 € CPM", "$25 per 1,000 views", "$0.05 per click". */
const RATE_AFTER =
  /^[ \u00A0]?(?:\/[ \u00A0]?)?(?:(CPM|CPV|CPC|CPI|CPA)\b|(?:per|pro|par|por)[ \u00A0](?:(?:cada|tranche de)[ \u00A0])?(?:(1[,. ]?000|1k|thousand|mille)[ \u00A0](?:views|impressions|vues|Views|Aufrufe|visualizaciones|impresiones)|(view|vue|click|clic|install|installation|sale|sign-?up|signup|acquisition|conversion|vente|venta|Verkauf)\b)|\/[ \u00A0]?1k[ \u00A0]views)/i;
/** Rate words before the amount: "CPM of $20", "CPM: 20,00 €". */
const RATE_BEFORE =
  /\b(CPM|CPV|CPC|CPI|CPA)[ \u00A0]?(?::|of|de|von|=|at|à|a)?[ \u00A0]?(?:~[ \u00A0]?)?$/i;
const PER_DELIVERABLE_AFTER =
  /^[ \u00A0]?(?:per|each|par|pro|por|\/)[ \u00A0]?(video|vidéo|vídeo|Video|post|story|reel|short|tiktok|episode|épisode|Folge|episodio|newsletter|deliverable|integration)\b/i;

const RATE_WORDS: Record<string, RateUnit> = {
  view: "CPV",
  vue: "CPV",
  click: "CPC",
  clic: "CPC",
  install: "CPI",
  installation: "CPI",
};

/**
 * A run of digits with its group and decimal separators: "2,500.00", "1 500", "2.600", "50,000",
 * "1'000" (Swiss). A space (also no-break and narrow no-break) or an apostrophe only joins a group
 * of exactly three digits.
 */
const NUMBER = /\d+(?:[.,]\d+|[ \u00A0\u202F'’]\d{3}(?!\d))*/g;
/** Longest number text read as an amount; longer digit runs are not amounts (e.g. ids). */
const MAX_NUMBER_CHARS = 24;
/** Largest minor-unit value kept: below Number.MAX_SAFE_INTEGER with room to spare. */
const MAX_MINOR_DIGITS = 15;

/** The exact decimal a number text stands for, or null when its separators are not a known grouping. */
export function parseDecimal(text: string): { integer: string; fraction: string } | null {
  if (text.length > MAX_NUMBER_CHARS) return null;
  const compact = text.replace(/[ \u00A0\u202F'’]/g, " ");
  const hasSpace = compact.includes(" ");
  const lastDot = compact.lastIndexOf(".");
  const lastComma = compact.lastIndexOf(",");
  let integerPart = compact;
  let fraction = "";
  let groupSeparator: string | null = hasSpace ? " " : null;
  if (lastDot >= 0 && lastComma >= 0) {
    // Both kinds: the last one is the decimal mark and appears once; the other groups thousands.
    const decimal = lastDot > lastComma ? "." : ",";
    const group = decimal === "." ? "," : ".";
    if (hasSpace || compact.split(decimal).length !== 2) return null;
    [integerPart, fraction] = compact.split(decimal) as [string, string];
    groupSeparator = group;
  } else if (lastDot >= 0 || lastComma >= 0) {
    const mark = lastDot >= 0 ? "." : ",";
    const pieces = compact.split(mark);
    const tail = pieces[pieces.length - 1] as string;
    if (pieces.length === 2 && tail.length !== 3) {
      // One mark and not three digits after it: a decimal mark ("2.5k", "20,00", "$2.50").
      if (tail.length > 2) return null;
      [integerPart, fraction] = pieces as [string, string];
    } else {
      // "2,500", "€1.000", "5,00,000": the mark groups digits (three after it is a group).
      if (hasSpace) return null;
      groupSeparator = mark;
    }
  }
  if (groupSeparator !== null && !validGrouping(integerPart.split(groupSeparator))) return null;
  const integer = integerPart.replace(/[ .,]/g, "").replace(/^0+(?=\d)/, "");
  if (!/^\d+$/.test(integer) || !/^\d*$/.test(fraction)) return null;
  return { integer, fraction };
}

/** Western grouping (1–3 digits, then threes) or Indian (1–2 digits, twos, then a final three). */
function validGrouping(groups: string[]): boolean {
  if (groups.length < 2) return true;
  const [first, ...rest] = groups as [string, ...string[]];
  const last = rest[rest.length - 1] as string;
  if (first.length < 1 || first.length > 3 || last.length !== 3) return false;
  const middle = rest.slice(0, -1);
  if (middle.every((group) => group.length === 3)) return true;
  return first.length <= 2 && middle.every((group) => group.length === 2);
}

/**
 * A decimal times 10^(minor digits + extra exponent), exactly: null when the result would keep a
 * fraction (finer than the currency's minor unit) or is too large to be an amount.
 */
export function toMinorUnits(
  decimal: { integer: string; fraction: string },
  currency: CurrencyCode,
  multiplierExponent = 0,
): number | null {
  const digits = decimal.integer + decimal.fraction;
  const shift = MINOR_UNIT_DIGITS[currency] + multiplierExponent - decimal.fraction.length;
  let minor: string;
  if (shift >= 0) minor = digits + "0".repeat(shift);
  else {
    const dropped = digits.slice(shift);
    if (/[1-9]/.test(dropped)) return null;
    minor = digits.slice(0, shift);
  }
  minor = minor.replace(/^0+(?=\d)/, "");
  if (minor === "" || minor.length > MAX_MINOR_DIGITS) return null;
  return Number(minor);
}

/** The major-unit text of a minor-unit amount, for summaries and warnings: 250000 USD → "2,500". */
export function formatMinor(valueMinor: number, currency: CurrencyCode): string {
  const digits = MINOR_UNIT_DIGITS[currency];
  const text = String(valueMinor).padStart(digits + 1, "0");
  const integer = text.slice(0, text.length - digits) || "0";
  const fraction = digits > 0 ? text.slice(text.length - digits) : "";
  const grouped = integer.replace(/\B(?=(\d{3})+$)/g, ",");
  return /^0*$/.test(fraction) ? grouped : `${grouped}.${fraction}`;
}

export function formatMoney(value: MoneyValue): string {
  if (value.kind === "fixed")
    return `${value.currency} ${formatMinor(value.valueMinor, value.currency)}`;
  return `${value.currency} ${formatMinor(value.minMinor, value.currency)}–${formatMinor(value.maxMinor, value.currency)}`;
}

interface NumberToken {
  start: number;
  end: number;
  text: string;
}

interface Side {
  /** Offsets of the whole side: currency markers and multiplier included. */
  start: number;
  end: number;
  currency: CurrencyCode | null;
  bareDollar: boolean;
  exponent: number;
  decimal: { integer: string; fraction: string } | null;
  /** Currency markers on both sides that disagree ("$2,500 EUR"). */
  conflicting: boolean;
}

function readSide(text: string, token: NumberToken): Side {
  const before = text.slice(Math.max(0, token.start - 6), token.start);
  const prefix = PREFIX_BEFORE.exec(before);
  let start = token.start;
  let prefixCurrency: CurrencyCode | null = null;
  let bareDollar = false;
  if (prefix) {
    const marker = prefix[1] as string;
    prefixCurrency =
      PREFIX_MARKERS.find(([known]) => known === marker)?.[1] ??
      (CURRENCY_CODES.includes(marker as CurrencyCode) ? (marker as CurrencyCode) : null);
    bareDollar = marker === "$";
    const trailingSpace = prefix[0].endsWith(marker) ? 0 : 1;
    start = token.start - trailingSpace - marker.length;
  }
  let end = token.end;
  let exponent = 0;
  const multiplier = MULTIPLIER_AFTER.exec(text.slice(end, end + 2));
  if (multiplier) {
    exponent = /k/i.test(multiplier[1] as string) ? 3 : 6;
    end += 1;
  }
  let suffixCurrency: CurrencyCode | null = null;
  const suffix = SUFFIX_AFTER.exec(text.slice(end, end + 10));
  if (suffix) {
    const word = (suffix[1] ?? suffix[2] ?? suffix[3] ?? "").toLowerCase();
    suffixCurrency = suffix[1] ? (suffix[1] as CurrencyCode) : (SUFFIX_WORDS[word] ?? null);
    if (suffixCurrency && word === "$" && prefixCurrency === null) bareDollar = true;
    if (suffixCurrency) end += suffix[0].length;
  }
  const conflicting =
    prefixCurrency !== null && suffixCurrency !== null && prefixCurrency !== suffixCurrency;
  return {
    start,
    end,
    currency: prefixCurrency ?? suffixCurrency,
    // "$2,500 USD" names its code: only a "$" with no code beside it is a guess.
    bareDollar: bareDollar && !suffix?.[1],
    exponent,
    decimal: parseDecimal(token.text),
    conflicting,
  };
}

function numberTokens(text: string): NumberToken[] {
  const tokens: NumberToken[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const start = match.index ?? 0;
    tokens.push({ start, end: start + match[0].length, text: match[0] });
  }
  return tokens;
}

/** Compares two exact decimals (for "$1-2k": does the left end share the right end's "k"?). */
function lessThan(
  a: { integer: string; fraction: string },
  b: { integer: string; fraction: string },
) {
  const width = Math.max(a.fraction.length, b.fraction.length);
  const left = (a.integer + a.fraction.padEnd(width, "0")).replace(/^0+/, "");
  const right = (b.integer + b.fraction.padEnd(width, "0")).replace(/^0+/, "");
  return left.length !== right.length ? left.length < right.length : left < right;
}

/**
 * Every money mention in `text`, in order. A number is money only with a currency marker beside
 * it (a symbol or ISO code before it, or a symbol, code or currency word after it). "$1-2k" and
 * "€1.000–2.000" are ranges: the right end's multiplier ("k") also applies to a smaller left end,
 * and a left end without a currency takes the right end's. A mention followed or preceded by
 * CPM/CPV/CPC/CPI/CPA (or "per 1,000 views", "per click"…) is a rate.
 */
export function findMoney(text: string): MoneyMention[] {
  const tokens = numberTokens(text);
  const mentions: MoneyMention[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as NumberToken;
    let side = readSide(text, token);
    let value: MoneyValue | null = null;
    let end = side.end;
    let start = side.start;
    // A range: "<left> - <right>" where the right end follows the join directly.
    const next = tokens[i + 1];
    const join = RANGE_JOIN.exec(text.slice(side.end, side.end + 6));
    if (next && join) {
      const joinEnd = side.end + join[0].length;
      const gap = text.slice(joinEnd, next.start);
      const word = join[0].trim().toLowerCase();
      const wordOk =
        !WORD_JOINS.has(word) ||
        BETWEEN_BEFORE.test(text.slice(Math.max(0, side.start - 12), side.start));
      const right = readSide(text, next);
      const gapOk = gap === "" || (right.start === joinEnd && right.currency !== null);
      if (wordOk && gapOk && (right.currency !== null || side.currency !== null)) {
        const currency = right.currency ?? side.currency;
        const leftCurrencyOk = side.currency === null || side.currency === currency;
        if (
          currency &&
          leftCurrencyOk &&
          side.decimal &&
          right.decimal &&
          !side.conflicting &&
          !right.conflicting
        ) {
          const leftExponent =
            side.exponent === 0 && right.exponent > 0 && lessThan(side.decimal, right.decimal)
              ? right.exponent
              : side.exponent;
          const min = toMinorUnits(side.decimal, currency, leftExponent);
          const max = toMinorUnits(right.decimal, currency, right.exponent);
          if (min !== null && max !== null && min < max) {
            value = { kind: "range", minMinor: min, maxMinor: max, currency };
            end = right.end;
            side = { ...side, currency, bareDollar: side.bareDollar || right.bareDollar };
            i += 1;
          }
        }
      }
    }
    if (value === null) {
      if (side.currency === null) continue;
      if (side.decimal && !side.conflicting) {
        const minor = toMinorUnits(side.decimal, side.currency, side.exponent);
        if (minor !== null && minor > 0)
          value = { kind: "fixed", valueMinor: minor, currency: side.currency };
      }
      end = side.end;
      start = side.start;
    }
    const mention: MoneyMention = { start, end, text: text.slice(start, end), value };
    if (side.bareDollar) mention.bareDollar = true;
    const after = text.slice(end, end + 40);
    const rateAfter = RATE_AFTER.exec(after);
    const rateBefore = RATE_BEFORE.exec(text.slice(Math.max(0, start - 12), start));
    if (rateAfter) {
      mention.rate = rateAfter[1]
        ? (rateAfter[1].toUpperCase() as RateUnit)
        : rateAfter[2] || /1k/i.test(rateAfter[0])
          ? "CPM"
          : (RATE_WORDS[(rateAfter[3] ?? "").toLowerCase()] ?? "CPA");
    } else if (rateBefore) {
      mention.rate = (rateBefore[1] as string).toUpperCase() as RateUnit;
    } else {
      const per = PER_DELIVERABLE_AFTER.exec(after);
      if (per) mention.perDeliverable = (per[1] as string).toLowerCase();
    }
    mentions.push(mention);
  }
  return mentions;
}
