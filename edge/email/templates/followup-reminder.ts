import type { RenderedEmail } from "../message";
import { emailDateTime } from "./format";
import { button, type EmailLinks, html, oneLine, paragraphs, renderLayout } from "./layout";

export interface FollowupReminderData {
  workspaceName: string;
  dealTitle: string;
  /** `<app>/deals/:id`. */
  dealUrl: string;
  /** The follow-up's due time (UTC instant), written in `timeZone`. */
  dueAt: Date;
  timeZone: string;
  /** The drafted email, as saved on the follow-up. */
  followup: { to: { name?: string | null; email: string } | null; subject: string; body: string };
}

/** "Follow up with Priya Shah: Northwind headphones" — the draft, its recipient, the deal's link. */
export function followupReminderEmail(
  data: FollowupReminderData,
  links: EmailLinks,
): RenderedEmail {
  const to = data.followup.to;
  const who = to ? oneLine(to.name || to.email, 80) : "the sponsor";
  const recipient = to
    ? to.name
      ? `${oneLine(to.name, 80)} <${to.email}>`
      : to.email
    : "no recipient yet";
  const due = emailDateTime(data.dueAt, data.timeZone);
  return renderLayout({
    subject: `Follow up with ${who}: ${oneLine(data.dealTitle, 100)}`,
    preheader: `Due ${due} · ${oneLine(data.workspaceName, 60)}`,
    kindLabel: "follow-up reminders",
    links,
    text: [
      `Your follow-up on "${oneLine(data.dealTitle)}" (${oneLine(data.workspaceName)}) is due ${due}.`,
      `To: ${recipient}\nSubject: ${oneLine(data.followup.subject, 200)}`,
      data.followup.body,
      `Open the deal: ${data.dealUrl}`,
    ],
    body: html`<h1 style="font-size:20px;margin:0 0 12px">Time to follow up with ${who}</h1>
<p>Your follow-up on <strong>${data.dealTitle}</strong> (${data.workspaceName}) is due ${due}.</p>
<div style="border-left:3px solid #d0d4dc;padding:4px 0 4px 12px;margin:16px 0">
<p style="margin:0 0 8px;color:#4a4f57">To: ${recipient}<br>Subject: ${data.followup.subject}</p>
${paragraphs(data.followup.body)}
</div>
${button(data.dealUrl, "Open the deal")}`,
  });
}
