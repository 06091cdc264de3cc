/**
 * Sending one logical email exactly once. The delivery log row (`email_outbox`, unique
 * `dedupe_key`) is written before anything is sent, and a consumer must claim it
 * (queued → sending, with a lease) before handing it to the sender, so retries, redelivered
 * queue messages and overlapping cron runs find the row and send nothing more:
 *
 *   record (INSERT … ON CONFLICT DO NOTHING) + claim (conditional UPDATE … RETURNING) — one batch
 *   → sender.send → sent | queued again (retryable, with the error) | failed (permanent)
 *
 * The one gap no log closes: a provider that accepted the email while our final UPDATE failed.
 * The claim then expires after `CLAIM_LEASE_MS` and the email is sent again; neither
 * MailChannels nor Email Service takes an idempotency key to close it.
 */
import { and, eq, lt, or, sql } from "drizzle-orm";
import type { EmailKind } from "../../shared/notifications";
import type { Db } from "../db/client";
import { emailOutbox } from "../db/schema";
import { newId } from "../lib/ids";
import { errorText, logLine } from "../log";
import {
  assertHeaderValue,
  checkedAddress,
  checkedEmail,
  type EmailAddress,
  EmailContentError,
  type RenderedEmail,
} from "./message";
import { EmailSendError, emailSender, type SentEmail } from "./sender";
import { listUnsubscribeHeaders, unsubscribeUrl } from "./unsubscribe";

/** A claim older than this is taken to be a consumer that died mid-send. */
export const CLAIM_LEASE_MS = 5 * 60_000;

export interface EmailRequest {
  /** One logical email per key, e.g. `followup-reminder:<followupId>:<dueAt ms>`. */
  dedupeKey: string;
  /** The workspace the email is about (null for none). */
  workspaceId: string | null;
  template: EmailKind;
  /** The recipient's address, lower-case. */
  to: string;
  rendered: RenderedEmail;
}

export type DeliveryOutcome =
  /** This call handed the email to the sender. */
  | { status: "sent"; providerMessageId: string | null }
  /** Sent before (a retry, a redelivery, an overlapping run): nothing was sent now. */
  | { status: "already_sent" }
  /** Never to be sent: the recipient turned it off. */
  | { status: "skipped" }
  /** Will never be accepted (a provider's permanent refusal, an address or header refused). */
  | { status: "failed"; error: string }
  /** Try again later: a retryable failure, or another consumer holds the claim. */
  | { status: "retry"; error: string; delaySeconds?: number };

function recordStatement(
  db: Db,
  request: EmailRequest,
  status: "queued" | "skipped" | "failed",
  error?: string,
) {
  return db
    .insert(emailOutbox)
    .values({
      id: newId("eml"),
      workspaceId: request.workspaceId,
      dedupeKey: request.dedupeKey,
      toEmail: request.to,
      template: request.template,
      subject: request.rendered.subject,
      bodyText: request.rendered.text,
      bodyHtml: request.rendered.html,
      status,
      lastError: error ?? null,
    })
    .onConflictDoUpdate({
      target: emailOutbox.dedupeKey,
      // Not sent yet (a retry): it goes out as written now — to whoever it is for now (an
      // assignee removed since gets nothing), or not at all (turned off since). A row that was
      // sent, is being sent, or was settled otherwise is left exactly as it is.
      set: {
        toEmail: request.to,
        subject: request.rendered.subject,
        bodyText: request.rendered.text,
        bodyHtml: request.rendered.html,
        status,
        lastError: error ?? sql`${emailOutbox.lastError}`,
      },
      setWhere: sql`${emailOutbox.status} = 'queued'`,
    });
}

function claimStatement(db: Db, dedupeKey: string, now: Date) {
  return db
    .update(emailOutbox)
    .set({ status: "sending", attempts: sql`${emailOutbox.attempts} + 1`, claimedAt: now })
    .where(
      and(
        eq(emailOutbox.dedupeKey, dedupeKey),
        or(
          eq(emailOutbox.status, "queued"),
          and(
            eq(emailOutbox.status, "sending"),
            lt(emailOutbox.claimedAt, new Date(now.getTime() - CLAIM_LEASE_MS)),
          ),
        ),
      ),
    )
    .returning();
}

/** What a row that could not be claimed means for the caller. */
async function unclaimedOutcome(db: Db, dedupeKey: string): Promise<DeliveryOutcome> {
  const [row] = await db
    .select({ status: emailOutbox.status, lastError: emailOutbox.lastError })
    .from(emailOutbox)
    .where(eq(emailOutbox.dedupeKey, dedupeKey))
    .limit(1);
  switch (row?.status) {
    case "sent":
      return { status: "already_sent" };
    case "skipped":
      return { status: "skipped" };
    case "failed":
      return { status: "failed", error: row.lastError ?? "failed" };
    case undefined:
      return { status: "failed", error: "No such email in the delivery log" };
    default:
      // Another consumer holds the claim: look again once its lease could have run out.
      return { status: "retry", error: "in flight elsewhere", delaySeconds: CLAIM_LEASE_MS / 1000 };
  }
}

/** The configured from-address; a missing or invalid one waits (retryable) for the fix. */
function fromAddress(env: Env): EmailAddress {
  try {
    return checkedAddress({
      email: env.EMAIL_FROM_ADDRESS,
      name: env.EMAIL_FROM_NAME || undefined,
    });
  } catch (error) {
    throw new EmailSendError(
      `EMAIL_FROM_ADDRESS / EMAIL_FROM_NAME are not usable: ${(error as Error).message}`,
      true,
    );
  }
}

async function sendClaimed(
  db: Db,
  env: Env,
  row: typeof emailOutbox.$inferSelect,
  now: Date,
): Promise<DeliveryOutcome> {
  const finish = (set: Partial<typeof emailOutbox.$inferInsert>) =>
    db.update(emailOutbox).set(set).where(eq(emailOutbox.id, row.id));
  let sent: SentEmail;
  let senderName: string;
  try {
    const sender = emailSender(env);
    senderName = sender.name;
    const url = await unsubscribeUrl(env, row.toEmail, row.template);
    const email = checkedEmail({
      id: row.id,
      from: fromAddress(env),
      to: { email: row.toEmail },
      subject: row.subject,
      text: row.bodyText ?? "",
      html: row.bodyHtml ?? "",
      template: row.template,
      headers: listUnsubscribeHeaders(url),
    });
    sent = await sender.send(email);
  } catch (error) {
    // A provider's refusal, or an error of ours (never a failed query: those are outside this try).
    const message =
      error instanceof EmailSendError || error instanceof EmailContentError
        ? error.message
        : errorText(error);
    const retryable =
      error instanceof EmailSendError ? error.retryable : !(error instanceof EmailContentError);
    await finish({ status: retryable ? "queued" : "failed", lastError: message.slice(0, 500) });
    logLine(retryable ? "warn" : "error", {
      action: retryable ? "email.retry" : "email.failed",
      template: row.template,
      emailId: row.id,
      workspaceId: row.workspaceId,
      attempts: row.attempts,
      error: message.slice(0, 200),
    });
    return retryable
      ? {
          status: "retry",
          error: message,
          delaySeconds: error instanceof EmailSendError ? error.retryAfterSeconds : undefined,
        }
      : { status: "failed", error: message };
  }
  // The provider has the email. Should this update fail, the row stays claimed (sending) and
  // the error reaches the queue; the email is looked at again only once the lease runs out.
  await finish({
    status: "sent",
    sentAt: now,
    providerMessageId: sent.providerMessageId,
    lastError: null,
    // Outside the local outbox, what was written to someone stays with the provider only.
    ...(!sent.keepsContent && { bodyText: null, bodyHtml: null }),
  });
  logLine("info", {
    action: "email.sent",
    template: row.template,
    emailId: row.id,
    workspaceId: row.workspaceId,
    attempts: row.attempts,
    sender: senderName,
  });
  return { status: "sent", providerMessageId: sent.providerMessageId };
}

/**
 * Records `request` in the delivery log (once per dedupe key) and sends it unless it was sent,
 * skipped or refused before, or another consumer is sending it. Never throws for a provider's
 * answer: the outcome says what happened. An address or subject that fails the header checks
 * is recorded as failed and never reaches a sender.
 */
export async function deliverEmail(
  db: Db,
  env: Env,
  request: EmailRequest,
  now = new Date(),
): Promise<DeliveryOutcome> {
  try {
    // The recipient and subject are this email's own: refused for good when they are wrong.
    checkedAddress({ email: request.to });
    assertHeaderValue("The subject", request.rendered.subject);
  } catch (error) {
    if (!(error instanceof EmailContentError)) throw error;
    await recordStatement(
      db,
      { ...request, to: request.to.slice(0, 254) },
      "failed",
      error.message,
    );
    return unclaimedOutcome(db, request.dedupeKey);
  }
  const [, claimed] = await db.batch([
    recordStatement(db, request, "queued"),
    claimStatement(db, request.dedupeKey, now),
  ]);
  const [row] = claimed;
  return row ? sendClaimed(db, env, row, now) : unclaimedOutcome(db, request.dedupeKey);
}

/** Sends an email recorded earlier (an invitation written by the request that made it). */
export async function sendRecordedEmail(
  db: Db,
  env: Env,
  dedupeKey: string,
  now = new Date(),
): Promise<DeliveryOutcome> {
  const [row] = await claimStatement(db, dedupeKey, now);
  return row ? sendClaimed(db, env, row, now) : unclaimedOutcome(db, dedupeKey);
}

/** The statement that records `request` to be sent later by `sendRecordedEmail`. */
export function recordEmail(db: Db, request: EmailRequest) {
  return recordStatement(db, request, "queued");
}

/** Records that `request` was not sent because its recipient turned that email off. */
export async function recordSkipped(
  db: Db,
  request: Omit<EmailRequest, "rendered"> & { subject: string },
) {
  await recordStatement(
    db,
    { ...request, rendered: { subject: request.subject, text: "", html: "" } },
    "skipped",
    "turned off by the recipient",
  );
}

/** Marks an email that is still queued as failed for good (its message was dead-lettered). */
export async function giveUpEmail(db: Db, dedupeKey: string, reason: string): Promise<void> {
  await db
    .update(emailOutbox)
    .set({ status: "failed", lastError: reason })
    .where(and(eq(emailOutbox.dedupeKey, dedupeKey), eq(emailOutbox.status, "queued")));
}
