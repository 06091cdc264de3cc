/**
 * The frame every email shares: a plain-text part and an HTML part with the same words, and a
 * footer saying why the email came, with the settings link and this kind's unsubscribe link.
 * Every value from a user or a sponsor reaches the HTML through hono/html's `html` tag, which
 * escapes it (`<script>` arrives as text); subjects are one line (whitespace collapsed), and
 * the header checks in message.ts refuse anything else.
 */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { RenderedEmail } from "../message";

/** The links every email carries (absolute URLs). */
export interface EmailLinks {
  appOrigin: string;
  unsubscribeUrl: string;
  settingsUrl: string;
}

/** An HTML fragment made with `html`; template values inside it were escaped. */
export type Fragment = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * One line of text for a subject or a heading: control characters and runs of space folded,
 * bidi overrides removed, at most `max` code points (an ellipsis marks a cut).
 */
export function oneLine(value: string, max = 140): string {
  const line = value
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    // Bidi embeddings, overrides and isolates can make a subject read as something else.
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  // Cut by code points: never half of an emoji's surrogate pair.
  const points = Array.from(line);
  return points.length > max ? `${points.slice(0, max - 1).join("")}…` : line;
}

export function fragmentText(fragment: Fragment): string {
  if (fragment instanceof Promise) throw new Error("email templates render synchronously");
  return fragment.toString();
}

export interface Layout {
  subject: string;
  /** The first line a mail client shows after the subject. */
  preheader: string;
  /** Paragraphs of the text part, joined by blank lines. */
  text: string[];
  /** The HTML body (inside the frame). */
  body: Fragment;
  /** Why the recipient gets this email, e.g. "follow-up reminders". */
  kindLabel: string;
  links: EmailLinks;
}

/** A button-like link; `href` must be one of our own absolute URLs. */
export function button(href: string, label: string): Fragment {
  return html`<p style="margin:24px 0"><a href="${href}" style="background:#1f3fbf;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600;display:inline-block">${label}</a></p>`;
}

export function renderLayout(layout: Layout): RenderedEmail {
  const { links } = layout;
  const subject = oneLine(layout.subject, 200);
  const footerText = [
    `You get ${layout.kindLabel} from CreatorOps AI.`,
    `Email settings: ${links.settingsUrl}`,
    `Unsubscribe from ${layout.kindLabel}: ${links.unsubscribeUrl}`,
  ].join("\n");
  const text = `${[...layout.text, `—\n${footerText}`].join("\n\n")}\n`;
  const page = html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${subject}</title></head>
<body style="margin:0;padding:0;background:#f5f6f8;color:#1b1d21;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5">
<div style="display:none;max-height:0;overflow:hidden">${oneLine(layout.preheader, 180)}</div>
<main style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff">
${layout.body}
</main>
<footer style="max-width:560px;margin:0 auto;padding:16px 24px;color:#4a4f57;font-size:13px">
<p>You get ${layout.kindLabel} from CreatorOps AI.
<a href="${links.settingsUrl}" style="color:#1f3fbf">Email settings</a> ·
<a href="${links.unsubscribeUrl}" style="color:#1f3fbf">Unsubscribe from ${layout.kindLabel}</a></p>
</footer>
</body>
</html>`;
  return { subject, text, html: fragmentText(page) };
}

/** Paragraphs of user-written text (a drafted email) as HTML, line breaks kept, all escaped. */
export function paragraphs(text: string): Fragment {
  const blocks = text.split(/\n{2,}/).map((block) => block.split("\n"));
  return html`${blocks.map(
    (lines) =>
      html`<p style="margin:0 0 12px">${lines.map((line, index) => (index ? html`<br>${line}` : html`${line}`))}</p>`,
  )}`;
}

export { html, raw };
