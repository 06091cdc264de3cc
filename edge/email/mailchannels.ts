/**
 * MailChannels Email API: `POST https://api.mailchannels.net/tx/v1/send` with the account's
 * `X-Api-Key` (docs.mailchannels.net, "Email API"). The JSON body is SendGrid-like:
 * `personalizations[].to`, `from`, `subject`, `content[]` (text/plain first, then text/html),
 * `headers`. DKIM signing is asked for per personalization with `dkim_domain`,
 * `dkim_selector` and `dkim_private_key` (base64 PKCS#8, the PEM's body).
 * 202 = accepted. 400 and 403 are permanent (bad request, key or sender not allowed, Domain
 * Lockdown missing); 429, 5xx and network errors are retryable.
 */
import type { OutgoingEmail } from "./message";
import { EmailSendError, type EmailSender } from "./sender";

export const MAILCHANNELS_SEND_URL = "https://api.mailchannels.net/tx/v1/send";

/** A PEM private key's base64 body on one line, as MailChannels' `dkim_private_key` wants it. */
function dkimKeyBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");
}

/** The exact JSON body MailChannels is sent for `email`. */
export function mailChannelsBody(
  email: OutgoingEmail,
  dkim: { domain: string; selector: string; privateKey: string } | null,
) {
  return {
    personalizations: [
      {
        to: [email.to],
        ...(dkim && {
          dkim_domain: dkim.domain,
          dkim_selector: dkim.selector,
          dkim_private_key: dkimKeyBody(dkim.privateKey),
        }),
      },
    ],
    from: email.from,
    subject: email.subject,
    content: [
      { type: "text/plain", value: email.text },
      { type: "text/html", value: email.html },
    ],
    headers: email.headers,
  };
}

function retryAfter(response: Response): number | undefined {
  const seconds = Number(response.headers.get("Retry-After"));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * Needs the `MAILCHANNELS_API_KEY` secret. DKIM is used when `MAILCHANNELS_DKIM_DOMAIN`,
 * `MAILCHANNELS_DKIM_SELECTOR` (vars) and the `MAILCHANNELS_DKIM_PRIVATE_KEY` secret are all
 * set. Throws a retryable EmailSendError at send time when the key is missing.
 */
export function mailChannelsSender(env: Env): EmailSender {
  const dkim =
    env.MAILCHANNELS_DKIM_DOMAIN &&
    env.MAILCHANNELS_DKIM_SELECTOR &&
    env.MAILCHANNELS_DKIM_PRIVATE_KEY
      ? {
          domain: env.MAILCHANNELS_DKIM_DOMAIN,
          selector: env.MAILCHANNELS_DKIM_SELECTOR,
          privateKey: env.MAILCHANNELS_DKIM_PRIVATE_KEY,
        }
      : null;
  return {
    name: "mailchannels",
    async send(email) {
      const apiKey = env.MAILCHANNELS_API_KEY;
      if (!apiKey) throw new EmailSendError("The MAILCHANNELS_API_KEY secret is not set", true);
      let response: Response;
      try {
        response = await fetch(MAILCHANNELS_SEND_URL, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Api-Key": apiKey },
          body: JSON.stringify(mailChannelsBody(email, dkim)),
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        throw new EmailSendError(
          `MailChannels could not be reached (${error instanceof Error ? error.name : "error"})`,
          true,
        );
      }
      if (response.status === 202 || response.ok) {
        // The API answers 202 with a small JSON body; the message id, when present, is kept.
        const body = (await response.json().catch(() => null)) as {
          results?: { message_id?: string }[];
          request_id?: string;
        } | null;
        return {
          providerMessageId: body?.results?.[0]?.message_id ?? body?.request_id ?? null,
          keepsContent: false,
        };
      }
      const detail = (await response.text().catch(() => "")).slice(0, 300);
      const retryable = response.status === 429 || response.status >= 500;
      throw new EmailSendError(
        `MailChannels answered ${response.status}${detail ? `: ${detail}` : ""}`,
        retryable,
        retryable ? retryAfter(response) : undefined,
      );
    },
  };
}
