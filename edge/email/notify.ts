/**
 * Sending one notification to a member: their settings first (an email they turned off is
 * recorded as skipped, never sent), then the template in their time zone, then the delivery
 * log's exactly-once send. What jobs call; they never talk to a sender themselves.
 */
import type { EmailKind } from "../../shared/notifications";
import type { Db } from "../db/client";
import { type DeliveryOutcome, deliverEmail, recordSkipped } from "./deliver";
import type { RenderedEmail } from "./message";
import { type EmailLinks, emailLinks } from "./templates";

export interface Notification {
  db: Db;
  env: Env;
  /** The recipient's address, IANA time zone, and whether they want this kind of email. */
  recipient: { email: string; timeZone: string; wants: boolean };
  kind: EmailKind;
  dedupeKey: string;
  workspaceId: string | null;
  /** The email, written for the recipient's time zone. */
  render: (links: EmailLinks, timeZone: string) => RenderedEmail;
}

/** Skips, sends once, or says to retry; see DeliveryOutcome. */
export async function notify(notification: Notification): Promise<DeliveryOutcome> {
  const { db, env, recipient, kind, dedupeKey, workspaceId } = notification;
  const links = await emailLinks(env, recipient.email, kind);
  const rendered = notification.render(links, recipient.timeZone);
  if (!recipient.wants) {
    await recordSkipped(db, {
      dedupeKey,
      workspaceId,
      template: kind,
      to: recipient.email,
      subject: rendered.subject,
    });
    return { status: "skipped" };
  }
  return deliverEmail(db, env, {
    dedupeKey,
    workspaceId,
    template: kind,
    to: recipient.email,
    rendered,
  });
}

/** True when the work behind an outcome is finished (sent now or before, skipped, or refused for good). */
export function settled(outcome: DeliveryOutcome): boolean {
  return outcome.status !== "retry";
}
