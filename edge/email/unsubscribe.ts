/**
 * Unsubscribe links: a signed token names the recipient's address and the kind of email, so
 * the link turns that email off without signing in (RFC 8058 one-click, and a confirm page for
 * a plain click). The token is an HS256 JWT (hono/jwt) signed with EMAIL_TOKEN_SECRET; it never
 * expires — an old email's link must keep working — and changes nothing but that one setting.
 */
import { sign, verify } from "hono/jwt";
import { type EmailKind, emailKindSchema } from "../../shared/notifications";
import { EmailSendError } from "./sender";

const PURPOSE = "unsubscribe";

function secretOf(env: Env): string {
  const secret = env.EMAIL_TOKEN_SECRET;
  // Without a secret no link could be verified: the email waits (retryable) until it is set.
  if (!secret || secret.length < 16)
    throw new EmailSendError("The EMAIL_TOKEN_SECRET secret is not set", true);
  return secret;
}

/** The signed token for (`email`, `kind`). Throws a retryable EmailSendError without a secret. */
export async function unsubscribeToken(env: Env, email: string, kind: EmailKind): Promise<string> {
  return sign({ sub: email, kind, purpose: PURPOSE }, secretOf(env), "HS256");
}

/** `https://app/api/email/unsubscribe?token=…`: the link in the footer and in `List-Unsubscribe`. */
export async function unsubscribeUrl(env: Env, email: string, kind: EmailKind): Promise<string> {
  const token = await unsubscribeToken(env, email, kind);
  return `${env.APP_ORIGIN}/api/email/unsubscribe?token=${encodeURIComponent(token)}`;
}

/** The address and kind a token names, or null when it is malformed, altered or not ours. */
export async function readUnsubscribeToken(
  env: Env,
  token: string,
): Promise<{ email: string; kind: EmailKind } | null> {
  if (!env.EMAIL_TOKEN_SECRET) return null;
  try {
    const payload = await verify(token, env.EMAIL_TOKEN_SECRET, "HS256");
    const kind = emailKindSchema.safeParse(payload.kind);
    if (payload.purpose !== PURPOSE || typeof payload.sub !== "string" || !kind.success)
      return null;
    return { email: payload.sub, kind: kind.data };
  } catch {
    return null;
  }
}

/** The two headers of RFC 8058 one-click unsubscribe for `url`. */
export function listUnsubscribeHeaders(url: string): Record<string, string> {
  return {
    "List-Unsubscribe": `<${url}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}
