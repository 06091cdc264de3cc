import type { RenderedEmail } from "../message";
import { emailDateTime } from "./format";
import { button, type EmailLinks, html, oneLine, renderLayout } from "./layout";

export interface InvitationData {
  workspaceName: string;
  inviterName: string | null;
  role: "admin" | "member";
  /** `<app>/invite?token=…` — the secret link. */
  inviteUrl: string;
  expiresAt: Date;
}

/** "Priya invited you to Demo Studio on CreatorOps AI". */
export function invitationEmail(data: InvitationData, links: EmailLinks): RenderedEmail {
  const who = data.inviterName ? oneLine(data.inviterName, 80) : "A teammate";
  const until = emailDateTime(data.expiresAt, "UTC");
  const role = data.role === "admin" ? "an admin" : "a member";
  return renderLayout({
    subject: `${who} invited you to ${oneLine(data.workspaceName, 100)} on CreatorOps AI`,
    preheader: `Join as ${role}; the link works until ${until}`,
    kindLabel: "workspace invitations",
    links,
    text: [
      `${who} invited you to join "${oneLine(data.workspaceName)}" on CreatorOps AI as ${role}.`,
      `Accept the invitation: ${data.inviteUrl}`,
      `The link works once, until ${until}. If you did not expect it, ignore this email.`,
    ],
    body: html`<h1 style="font-size:20px;margin:0 0 12px">Join ${data.workspaceName} on CreatorOps AI</h1>
<p>${who} invited you to join <strong>${data.workspaceName}</strong> as ${role}.</p>
${button(data.inviteUrl, "Accept the invitation")}
<p style="color:#4a4f57">The link works once, until ${until}. If you did not expect it, ignore this email.</p>`,
  });
}
