/**
 * What an AI-written follow-up may not invent. A draft goes to a brand from the creator's own
 * mailbox, so a link, an email address, a phone number, a payment detail or an amount that is
 * not in the deal's own data is refused: an email that said "reply with your bank details to
 * …" or "pay the fee at evil.example" (prompt injection, OWASP LLM01) can reach the AI through
 * the last activity, and must never reach the sponsor through the creator.
 */
import { findMoney } from "./money";

const CHECKS: { what: string; pattern: RegExp; digitsOnly?: boolean }[] = [
  { what: "link", pattern: /\b(?:https?:\/\/|www\.)[^\s<>()"']+/giu },
  { what: "email address", pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/giu },
  // A bare domain ("pay-now.example", "bit.ly/x"); two-letter labels and up.
  {
    what: "web address",
    pattern: /\b[\p{L}\p{N}-]{2,}(?:\.[\p{L}\p{N}-]+)*\.[a-z]{2,12}\b(?:\/\S*)?/giu,
  },
  // IBAN (ISO 13616): country, check digits, up to 30 letters and digits, often in fours.
  { what: "bank account", pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g },
  // Phone, account, routing or card numbers: seven digits or more, however separated.
  { what: "number", pattern: /\+?\d(?:[\s().-]?\d){6,}/g, digitsOnly: true },
  {
    what: "payment detail",
    pattern:
      /\b(?:iban|swift|bic|routing|account number|sort code|paypal|venmo|cash ?app|zelle|wise|wire|bank details?|crypto|bitcoin|btc|eth|usdt|wallet|gift ?cards?)\b/giu,
  },
];

const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, " ");
const digits = (text: string) => text.replace(/\D/g, "");

/**
 * The details in `draft` that `facts` (the deal's own data as text) does not contain, each as
 * "what: text"; empty when the draft is safe to save. Amounts count too: every fixed amount
 * the draft names must be one the facts name.
 */
export function unsupportedDetails(draft: string, facts: string): string[] {
  const known = normalise(facts);
  const knownDigits = digits(facts);
  const found: string[] = [];
  for (const { what, pattern, digitsOnly } of CHECKS) {
    for (const match of draft.matchAll(pattern)) {
      const text = match[0].replace(/[.,;:!?)]+$/, "");
      const supported = digitsOnly
        ? knownDigits.includes(digits(text))
        : known.includes(normalise(text));
      if (!supported) found.push(`${what}: ${text}`);
    }
  }
  const knownAmounts = new Set(
    findMoney(facts).flatMap((m) =>
      m.value?.kind === "fixed" ? [`${m.value.valueMinor} ${m.value.currency}`] : [],
    ),
  );
  for (const mention of findMoney(draft)) {
    const value = mention.value;
    if (value?.kind === "fixed" && !knownAmounts.has(`${value.valueMinor} ${value.currency}`)) {
      found.push(`amount: ${mention.text}`);
    } else if (value?.kind === "range") {
      found.push(`amount: ${mention.text}`);
    }
  }
  return found;
}

/**
 * `text` with every link, address, account-like number and payment word replaced by "…": for
 * facts that came from outside (a deal title taken from an email's subject, a sponsor's name),
 * so neither the AI nor the template can carry them into a draft, and the check above never
 * counts them as the deal's own.
 */
export function withoutDetails(text: string): string {
  let clean = text;
  for (const { pattern } of CHECKS) clean = clean.replace(pattern, "…");
  return clean.replace(/…(?:\s*…)+/g, "…");
}
