/**
 * What an AI-written follow-up may not invent. A draft goes to a brand from the creator's own
 * mailbox, so a link, an email address, a phone or account number, a payment detail or an
 * amount that is not in the deal's own data is refused: an email that said "reply with your
 * bank details to …" or "pay the fee at evil.example" (prompt injection, OWASP LLM01) can reach
 * the AI through the deal's timeline, and must never reach the sponsor through the creator.
 *
 * Text is compared after Unicode NFKC normalisation with every full-stop look-alike read as
 * "." (fullwidth "ｅｖｉｌ．ｅｘａｍｐｌｅ", ideographic "。", "＠"), as a browser or mail client
 * would read it. Defanged forms ("hxxp", "evil[.]example") are not links and pass.
 */
import { findMoney } from "./money";

const ISO_CURRENCIES = new Set<string>(Intl.supportedValuesOf("currency"));

interface Check {
  what: string;
  pattern: RegExp;
  /** Compared by its digits alone (a number however it is separated). */
  digitsOnly?: boolean;
  /** Structure that can carry a destination: removed from outside text by `withoutDetails`. */
  structural?: boolean;
  /** Matches that are not this kind of detail after all. */
  ignore?: (text: string) => boolean;
  /** The form compared with the facts. */
  canonical?: (text: string) => string;
}

// Separators people and models put inside numbers: spaces, dots, dashes of every width, slashes.
const SEP = "[\\s().\\-‐-―−/]";

// A number written with thousands separators ("2,500", "1.500", "1 500"), never running on
// into the next number ("2,500 2 videos").
const NUMBER = "\\d(?:(?:[.,'\\u00A0\\u202F]|\\s(?=\\d{3}(?!\\d)))?\\d)*";

const CHECKS: Check[] = [
  { what: "link", pattern: /\b(?:https?:\/\/|www\.)[^\s<>()"']+/giu, structural: true },
  {
    what: "email address",
    pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/giu,
    structural: true,
  },
  {
    // A bare domain with or without a path ("pay-now.example", "t.me/x"); file names of code
    // ("Next.js", "app.tsx") are not domains.
    what: "web address",
    pattern:
      /(?<![\p{L}\p{N}@.-])[\p{L}\p{N}][\p{L}\p{N}-]*(?:\.[\p{L}\p{N}-]+)*\.(?!(?:js|jsx|ts|tsx|md|py|rb)\b)[a-z]{2,12}\b(?:\/\S*)?/giu,
    structural: true,
  },
  {
    // IBAN (ISO 13616): country, check digits, then up to 30 letters and digits, grouped freely.
    what: "bank account",
    pattern: new RegExp(
      `\\b[A-Z]{2}\\d{2}(?:${SEP}*[A-Z0-9]{4}){2,7}(?:${SEP}*[A-Z0-9]{1,4})?\\b`,
      "g",
    ),
    structural: true,
  },
  {
    // Phone, account, routing or card numbers: seven digits or more, however separated.
    what: "number",
    pattern: new RegExp(`\\+?\\d(?:${SEP}{0,2}\\d){6,}`, "g"),
    digitsOnly: true,
    structural: true,
    // A calendar date (2026-12-04, 04/12/2026) is not an account number.
    ignore: (text) => /^\d{4}-\d{2}-\d{2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{4}$/.test(text.trim()),
  },
  {
    // Money money.ts may not read ("ZAR 95,000"): a currency sign or ISO code beside digits.
    what: "amount",
    pattern: new RegExp(
      `(?:[$€£¥₹₩₽₺₦₱฿]|\\b[A-Z]{3}\\b)\\s?${NUMBER}|${NUMBER}\\s?(?:[$€£¥₹₩₽₺₦₱฿]|\\b[A-Z]{3}\\b)`,
      "gu",
    ),
    digitsOnly: true,
    // "$2,500.00" is the deal's "USD 2,500".
    canonical: (text) => text.replace(/[.,]0{1,3}(?!\d)/, ""),
    ignore: (text) => {
      const code = /[A-Z]{3}/.exec(text)?.[0];
      return code !== undefined && !ISO_CURRENCIES.has(code);
    },
  },
  {
    what: "amount in words",
    pattern:
      /\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred)[\s-]+(?:hundred|thousand|million|grand)\b|\b(?:thousand|million)\s+(?:dollars|euros|pounds|rupees|yen|bucks)\b/giu,
  },
  {
    what: "payment detail",
    pattern:
      /\b(?:iban|swift|bic|routing number|account number|sort code|paypal|venmo|cash ?app|zelle|wire transfer|bank details?|crypto|bitcoin|btc|usdt|wallet address|gift ?cards?)\b/giu,
  },
];

/** NFKC, with every full-stop and at-sign look-alike as its ASCII form. */
function normalise(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[。｡︒．]/g, ".")
    .replace(/[＠﹫]/g, "@");
}

const lower = (text: string) => text.toLowerCase().replace(/\s+/g, " ");
const digitsOf = (text: string) => text.replace(/\D/g, "");

/** The digit runs of `text` (numbers however separated), each as digits only. */
const digitRuns = (text: string) =>
  [...text.matchAll(new RegExp(`\\d(?:(?:${SEP}|[,']){0,2}\\d)*`, "g"))].map((m) => digitsOf(m[0]));

/**
 * The details in `draft` that `facts` (the deal's own data as text) does not contain, each as
 * "what: text"; empty when the draft is safe to send. Amounts count too: every amount or range
 * the draft names must be one the facts name.
 */
export function unsupportedDetails(draft: string, facts: string): string[] {
  const text = normalise(draft);
  const known = lower(normalise(facts));
  const knownRuns = digitRuns(normalise(facts));
  const found: string[] = [];
  for (const { what, pattern, digitsOnly, ignore, canonical } of CHECKS) {
    for (const match of text.matchAll(pattern)) {
      const detail = match[0].replace(/[.,;:!?)\s]+$/, "");
      if (ignore?.(detail)) continue;
      const digits = digitsOf(canonical ? canonical(detail) : detail);
      const supported = digitsOnly
        ? digits === "" || knownRuns.some((run) => run.includes(digits))
        : known.includes(lower(detail));
      if (!supported) found.push(`${what}: ${detail}`);
    }
  }
  const money = (value: ReturnType<typeof findMoney>[number]["value"]) =>
    value?.kind === "fixed"
      ? `${value.valueMinor} ${value.currency}`
      : value?.kind === "range"
        ? `${value.minMinor}-${value.maxMinor} ${value.currency}`
        : null;
  const knownAmounts = new Set(findMoney(normalise(facts)).map((m) => money(m.value)));
  for (const mention of findMoney(text)) {
    const key = money(mention.value);
    if (key && !knownAmounts.has(key)) found.push(`amount: ${mention.text}`);
  }
  return found;
}

/**
 * `text` with every link, address and account-like number replaced by "…", except the ones in
 * `keep` (the sponsor's own domain and addresses): for facts that came from outside (a deal title
 * taken from an email's subject, a sender's name), so neither the AI nor the template carries
 * them into a draft, and the check above never counts them as the deal's own.
 */
export function withoutDetails(text: string, keep: readonly string[] = []): string {
  const kept = new Set(keep.map((entry) => entry.toLowerCase()));
  let clean = normalise(text);
  for (const { pattern, structural, ignore } of CHECKS) {
    if (!structural) continue;
    clean = clean.replace(pattern, (match) =>
      kept.has(match.toLowerCase()) || ignore?.(match) ? match : "…",
    );
  }
  return clean.replace(/…(?:\s*…)+/g, "…");
}
