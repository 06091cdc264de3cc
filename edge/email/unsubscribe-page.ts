/**
 * The small pages the unsubscribe link answers in a browser: a confirm page (GET — mail
 * scanners follow links, so a GET changes nothing), the done page and the invalid-link page.
 * Plain semantic HTML, no script or style, every value escaped by hono/html.
 */
import { html } from "hono/html";
import type { EmailKind } from "../../shared/notifications";
import { fragmentText } from "./templates/layout";

/** How each kind of email is named to the person unsubscribing. */
export const KIND_LABEL: Record<EmailKind, string> = {
  followup_reminder: "follow-up reminders",
  deliverable_due: "deliverable reminders",
  invoice_overdue: "invoice reminders",
  content_published: "publishing notices",
  invitation: "workspace invitations",
  digest: "the daily digest",
};

function page(title: string, body: ReturnType<typeof html>): string {
  return fragmentText(html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title} · CreatorOps AI</title></head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`);
}

/** The confirm page: one button that POSTs the RFC 8058 body to the same link. */
export function confirmPage(email: string, kind: EmailKind, actionUrl: string): string {
  return page(
    `Unsubscribe from ${KIND_LABEL[kind]}?`,
    html`<p>${email} will stop getting ${KIND_LABEL[kind]} from CreatorOps AI. Other emails are not affected.</p>
<form method="post" action="${actionUrl}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>`,
  );
}

export function donePage(email: string, kind: EmailKind, settingsUrl: string): string {
  return page(
    "You are unsubscribed",
    html`<p>${email} will no longer get ${KIND_LABEL[kind]} from CreatorOps AI.</p>
<p>Changed your mind? Turn it back on in your <a href="${settingsUrl}">email settings</a>.</p>`,
  );
}

export function invalidLinkPage(): string {
  return page(
    "This unsubscribe link is not valid",
    html`<p>The link may have been cut off or changed. Use the link from the email itself, or change what you get in your email settings after signing in.</p>`,
  );
}
