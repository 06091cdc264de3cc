/**
 * Cloudflare Email Service through the Worker's `send_email` binding (named `EMAIL`; see the
 * README's deploy section). Uses the binding's structured form — `send({ from, to, subject,
 * text, html, headers })`, which builds the MIME itself — and keeps the `messageId` it answers
 * (developers.cloudflare.com/email-service/api/send-emails/workers-api).
 * A binding has no HTTP status: errors whose code or message speaks of rate limits, timeouts or
 * internal/unavailable service are retryable, the rest (unverified sender, invalid recipient,
 * too large) permanent.
 */
import { EmailSendError, type EmailSender } from "./sender";

const RETRYABLE = /rate.?limit|too.?many|timeout|timed.?out|internal|unavailable|temporar|network/i;

/** The binding as this sender uses it (what a test's stand-in implements). */
export interface SendEmailBinding {
  send(message: {
    from: { email: string; name: string } | string;
    to: string;
    subject: string;
    text: string;
    html: string;
    headers: Record<string, string>;
  }): Promise<{ messageId: string }>;
}

export function cloudflareSender(
  env: Env,
  binding = (env as { EMAIL?: SendEmailBinding }).EMAIL,
): EmailSender {
  return {
    name: "cloudflare",
    async send(email) {
      if (!binding)
        throw new EmailSendError("The send_email binding EMAIL is not configured", true);
      try {
        const result = await binding.send({
          from: email.from.name
            ? { email: email.from.email, name: email.from.name }
            : email.from.email,
          to: email.to.email,
          subject: email.subject,
          text: email.text,
          html: email.html,
          headers: email.headers,
        });
        return { providerMessageId: result?.messageId ?? null, keepsContent: false };
      } catch (error) {
        const code = (error as { code?: unknown })?.code;
        const message = error instanceof Error ? error.message : String(error);
        const described = `${typeof code === "string" ? `${code}: ` : ""}${message}`.slice(0, 300);
        throw new EmailSendError(`Email Service refused: ${described}`, RETRYABLE.test(described));
      }
    },
  };
}
