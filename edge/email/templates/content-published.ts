import type { RenderedEmail } from "../message";
import { emailDateTime } from "./format";
import { button, type EmailLinks, html, oneLine, renderLayout } from "./layout";

export interface ContentPublishedData {
  workspaceName: string;
  title: string;
  /** `<app>/content/:id`. */
  contentUrl: string;
  /** The time it was scheduled for (UTC instant), written in `timeZone`. */
  publishedAt: Date;
  timeZone: string;
}

/** "Published: My best mic under $100". */
export function contentPublishedEmail(
  data: ContentPublishedData,
  links: EmailLinks,
): RenderedEmail {
  const at = emailDateTime(data.publishedAt, data.timeZone);
  return renderLayout({
    subject: `Published: ${oneLine(data.title, 150)}`,
    preheader: `Scheduled for ${at} · ${oneLine(data.workspaceName, 60)}`,
    kindLabel: "publishing notices",
    links,
    text: [
      `"${oneLine(data.title)}" (${oneLine(data.workspaceName)}) was scheduled for ${at} and is now marked published.`,
      `Open it: ${data.contentUrl}`,
    ],
    body: html`<h1 style="font-size:20px;margin:0 0 12px">Published: ${data.title}</h1>
<p><strong>${data.title}</strong> (${data.workspaceName}) was scheduled for ${at} and is now marked published.</p>
${button(data.contentUrl, "Open it")}`,
  });
}
