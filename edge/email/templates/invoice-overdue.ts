import type { RenderedEmail } from "../message";
import { emailCalendarDay, emailMoney } from "./format";
import { button, type EmailLinks, html, oneLine, renderLayout } from "./layout";

export interface InvoiceOverdueData {
  workspaceName: string;
  dealTitle: string;
  dealUrl: string;
  sponsorName: string | null;
  /** The deal's value in minor units of its ISO 4217 currency, when known. */
  amount: { valueMinor: number; currency: string } | null;
  invoiceSentAt: Date;
  /** Payment terms in days (Net 30 when the deal has none). */
  termsDays: number;
  /** invoiceSentAt + termsDays. */
  dueAt: Date;
}

/** "Invoice overdue: Northwind headphones ($2,500, Net 30)". */
export function invoiceOverdueEmail(data: InvoiceOverdueData, links: EmailLinks): RenderedEmail {
  const amount = data.amount ? emailMoney(data.amount.valueMinor, data.amount.currency) : null;
  const terms = `Net ${data.termsDays}`;
  const from = data.sponsorName ? oneLine(data.sponsorName, 80) : "the sponsor";
  const sent = emailCalendarDay(data.invoiceSentAt);
  const due = emailCalendarDay(data.dueAt);
  return renderLayout({
    subject: `Invoice overdue: ${oneLine(data.dealTitle, 100)} (${amount ? `${amount}, ` : ""}${terms})`,
    preheader: `Due ${due}, still unpaid · ${oneLine(data.workspaceName, 60)}`,
    kindLabel: "invoice reminders",
    links,
    text: [
      `The invoice for "${oneLine(data.dealTitle)}" (${oneLine(data.workspaceName)})${amount ? `, ${amount},` : ""} was sent ${sent} on ${terms} terms and was due ${due}. ${from === "the sponsor" ? "The sponsor has" : `${from} has`} not paid it yet.`,
      `Open the deal to mark it paid or draft a follow-up: ${data.dealUrl}`,
    ],
    body: html`<h1 style="font-size:20px;margin:0 0 12px">Invoice overdue: ${data.dealTitle}</h1>
<p>The invoice for <strong>${data.dealTitle}</strong> (${data.workspaceName})${amount ? html`, <strong>${amount}</strong>,` : ""} was sent ${sent} on ${terms} terms and was due ${due}. ${from === "the sponsor" ? "The sponsor has" : html`${from} has`} not paid it yet.</p>
${button(data.dealUrl, "Open the deal")}`,
  });
}
