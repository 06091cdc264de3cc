/**
 * The one way email leaves the product. `EMAIL_SENDER` picks the implementation explicitly:
 * `outbox` (local, no network — `wrangler.toml`'s setting), `mailchannels` (MailChannels Email
 * API) or `cloudflare` (Cloudflare Email Service's `send_email` binding). Nothing else sends.
 */
import { cloudflareSender } from "./cloudflare";
import { mailChannelsSender } from "./mailchannels";
import type { OutgoingEmail } from "./message";
import { outboxSender } from "./outbox";

export interface SentEmail {
  /** The provider's id for the message, when it answers one. */
  providerMessageId: string | null;
  /** True when the email's content is the sender's output and stays in the delivery log. */
  keepsContent: boolean;
}

export interface EmailSender {
  readonly name: "outbox" | "mailchannels" | "cloudflare";
  /** Hands `email` over. Throws EmailSendError; `retryable` says whether to try again later. */
  send(email: OutgoingEmail): Promise<SentEmail>;
}

/**
 * A provider refused or could not be reached. `retryable`: rate limits, 5xx and network
 * errors (try again with backoff); otherwise the email will never be accepted (bad address,
 * forbidden sender) and is recorded as failed.
 */
export class EmailSendError extends Error {
  override readonly name = "EmailSendError";
  constructor(
    message: string,
    readonly retryable: boolean,
    /** Seconds the provider asked us to wait (`Retry-After`), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export type EmailSenderName = EmailSender["name"];

/**
 * The configured sender. Throws a retryable EmailSendError when `EMAIL_SENDER` or the chosen
 * sender's settings are missing: the queue keeps the email while the deployment is fixed.
 */
export function emailSender(env: Env): EmailSender {
  switch (env.EMAIL_SENDER) {
    case "outbox":
      return outboxSender();
    case "mailchannels":
      return mailChannelsSender(env);
    case "cloudflare":
      return cloudflareSender(env);
    default:
      throw new EmailSendError("EMAIL_SENDER must be outbox, mailchannels or cloudflare", true);
  }
}
