/**
 * An email ready to hand to a sender, and the checks every email passes first: addresses are
 * real single addresses and no header value can smuggle in another header (CR or LF, RFC 5322
 * §2.2). Templates build these; senders never see anything that failed the checks.
 */
import { emailSchema } from "../../shared/auth";
import type { EmailKind } from "../../shared/notifications";

export interface EmailAddress {
  email: string;
  name?: string;
}

export interface OutgoingEmail {
  /** The delivery log's row id: outbox ids and provider idempotency follow it. */
  id: string;
  from: EmailAddress;
  to: EmailAddress;
  subject: string;
  text: string;
  html: string;
  template: EmailKind;
  /** Extra headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058). */
  headers: Record<string, string>;
}

/** A rendered template: what the recipient reads. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Thrown for content that must never be sent (header injection, a malformed address). */
export class EmailContentError extends Error {
  override readonly name = "EmailContentError";
}

const LINE_BREAK = /[\r\n\u2028\u2029\u0085]/;
// Characters that would end a display name or quoted part of an address header early.
const NAME_BREAKERS = /["<>\\]/;

/** Throws EmailContentError when `value` (a subject, a name, a header) holds a line break. */
export function assertHeaderValue(field: string, value: string): string {
  if (LINE_BREAK.test(value)) throw new EmailContentError(`${field} holds a line break`);
  if (value.length > 998) throw new EmailContentError(`${field} is longer than 998 characters`);
  return value;
}

/**
 * Checks an address as the API checks them (zod's email, lower-cased) and its display name
 * (no line breaks, quotes or angle brackets). Throws EmailContentError.
 */
export function checkedAddress(address: EmailAddress): EmailAddress {
  const email = emailSchema.safeParse(address.email);
  if (!email.success || email.data !== address.email.trim().toLowerCase())
    throw new EmailContentError("The address is not a single valid email address");
  if (LINE_BREAK.test(address.email)) throw new EmailContentError("The address holds a line break");
  if (address.name !== undefined && LINE_BREAK.test(address.name))
    throw new EmailContentError("The display name holds a line break");
  const name = address.name?.trim();
  if (name && NAME_BREAKERS.test(name))
    throw new EmailContentError("The display name holds a line break, quote or angle bracket");
  return name ? { email: email.data, name } : { email: email.data };
}

/**
 * Every check of an outgoing email at once; answers it with its addresses as checked (trimmed,
 * lower-cased) or throws EmailContentError.
 */
export function checkedEmail(email: OutgoingEmail): OutgoingEmail {
  const from = checkedAddress(email.from);
  const to = checkedAddress(email.to);
  assertHeaderValue("The subject", email.subject);
  for (const [name, value] of Object.entries(email.headers)) {
    if (!/^[A-Za-z0-9-]+$/.test(name))
      throw new EmailContentError(`Header name ${name} is invalid`);
    assertHeaderValue(`Header ${name}`, value);
  }
  return { ...email, from, to };
}
