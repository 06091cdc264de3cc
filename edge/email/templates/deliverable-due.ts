import type { RenderedEmail } from "../message";
import { emailCalendarDay } from "./format";
import { button, type EmailLinks, html, oneLine, renderLayout } from "./layout";

export interface DeliverableDueData {
  workspaceName: string;
  dealTitle: string;
  dealUrl: string;
  /** "youtube", "dedicated video"… as stored on the deal. */
  deliverable: { platform: string; kind: string };
  /** `draft`: the draft is due to the sponsor; `live`: it goes live. */
  milestone: "draft" | "live";
  /** The deliverable's date (a UTC calendar day). */
  on: Date;
}

/** "Tomorrow: YouTube dedicated video draft due — Northwind headphones". */
export function deliverableDueEmail(data: DeliverableDueData, links: EmailLinks): RenderedEmail {
  const what =
    `${oneLine(data.deliverable.platform, 40)} ${oneLine(data.deliverable.kind, 60)}`.trim();
  const event = data.milestone === "draft" ? "draft due" : "goes live";
  const day = emailCalendarDay(data.on);
  return renderLayout({
    subject: `Tomorrow: ${what} ${event} — ${oneLine(data.dealTitle, 100)}`,
    preheader: `${day} · ${oneLine(data.workspaceName, 60)}`,
    kindLabel: "deliverable reminders",
    links,
    text: [
      `Tomorrow (${day}): the ${what} for "${oneLine(data.dealTitle)}" (${oneLine(data.workspaceName)}) ${event === "draft due" ? "has its draft due" : "goes live"}.`,
      `Open the deal: ${data.dealUrl}`,
    ],
    body: html`<h1 style="font-size:20px;margin:0 0 12px">Tomorrow: ${what} ${event}</h1>
<p>On ${day}, the ${what} for <strong>${data.dealTitle}</strong> (${data.workspaceName}) ${event === "draft due" ? "has its draft due" : "goes live"}.</p>
${button(data.dealUrl, "Open the deal")}`,
  });
}
