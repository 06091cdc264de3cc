/**
 * The email templates, one file each: follow-up reminder, deliverable due, invoice overdue,
 * workspace invitation, scheduled content published, daily digest. Each answers
 * `{ subject, text, html }` and is given the links every email carries (`emailLinks`).
 */
import type { EmailKind } from "../../../shared/notifications";
import { unsubscribeUrl } from "../unsubscribe";
import type { EmailLinks } from "./layout";

export { contentPublishedEmail } from "./content-published";
export { deliverableDueEmail } from "./deliverable-due";
export { digestEmail, digestIsEmpty } from "./digest";
export { followupReminderEmail } from "./followup-reminder";
export { invitationEmail } from "./invitation";
export { invoiceOverdueEmail } from "./invoice-overdue";
export type { EmailLinks } from "./layout";

/** The dashboard's web paths emails link to (served by the dashboard issue). */
export const webPaths = {
  deal: (appOrigin: string, dealId: string) => `${appOrigin}/deals/${encodeURIComponent(dealId)}`,
  content: (appOrigin: string, contentId: string) =>
    `${appOrigin}/content/${encodeURIComponent(contentId)}`,
  settings: (appOrigin: string) => `${appOrigin}/settings/notifications`,
};

/** The links of an email of `kind` to `email`. Throws a retryable EmailSendError without a secret. */
export async function emailLinks(env: Env, email: string, kind: EmailKind): Promise<EmailLinks> {
  return {
    appOrigin: env.APP_ORIGIN,
    unsubscribeUrl: await unsubscribeUrl(env, email, kind),
    settingsUrl: webPaths.settings(env.APP_ORIGIN),
  };
}
