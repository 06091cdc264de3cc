/**
 * "Reply in Gmail" for a follow-up: the captured conversation when there is one, otherwise
 * Gmail's compose window filled in from the draft. Only links: the extension never sends mail
 * and asks for no permission to.
 */
import type { FollowupItem } from "../lib/protocol";

const GMAIL = "https://mail.google.com/mail";

/** The mailbox part of a Gmail address (`/mail/u/1/`); only Gmail's own addresses count. */
const MAILBOX = /^\/mail\/u\/\d{1,2}\/$/;

/**
 * A Gmail conversation by its (legacy, hex) thread id, in the mailbox it was captured from
 * (`capturedUrl`, the address the page reported), else in the first signed-in account. Only
 * the mailbox is taken from the captured address: the rest is built here.
 */
export function gmailThreadUrl(threadId: string, capturedUrl?: string | null): string {
  let mailbox = "/mail/u/0/";
  try {
    const url = new URL(capturedUrl ?? "");
    if (url.origin === "https://mail.google.com" && MAILBOX.test(url.pathname)) {
      mailbox = url.pathname;
    }
  } catch {
    // No captured address (or not a URL): the first account.
  }
  return `https://mail.google.com${mailbox}#all/${encodeURIComponent(threadId)}`;
}

/** The captured conversation, or a compose window with `to`, subject and body filled in. */
export function gmailReplyUrl(
  followup: Pick<FollowupItem, "threadId" | "to" | "subject" | "body"> & {
    threadUrl?: string | null;
  },
): string {
  if (followup.threadId) return gmailThreadUrl(followup.threadId, followup.threadUrl);
  const field = (name: string, value: string) => `${name}=${encodeURIComponent(value)}`;
  return `${GMAIL}/?view=cm&fs=1&${[
    field("to", followup.to?.email ?? ""),
    field("su", followup.subject),
    field("body", followup.body),
  ].join("&")}`;
}
