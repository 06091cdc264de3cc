/**
 * "Reply in Gmail" for a follow-up: the captured conversation when there is one, otherwise
 * Gmail's compose window filled in from the draft. Only links: the extension never sends mail
 * and asks for no permission to.
 */
import type { FollowupItem } from "../lib/protocol";

const GMAIL = "https://mail.google.com/mail";

/** A Gmail conversation by its (legacy, hex) thread id, in the first signed-in account. */
export const gmailThreadUrl = (threadId: string) =>
  `${GMAIL}/u/0/#all/${encodeURIComponent(threadId)}`;

/** The captured conversation, or a compose window with `to`, subject and body filled in. */
export function gmailReplyUrl(
  followup: Pick<FollowupItem, "threadId" | "to" | "subject" | "body">,
): string {
  if (followup.threadId) return gmailThreadUrl(followup.threadId);
  const field = (name: string, value: string) => `${name}=${encodeURIComponent(value)}`;
  return `${GMAIL}/?view=cm&fs=1&${[
    field("to", followup.to?.email ?? ""),
    field("su", followup.subject),
    field("body", followup.body),
  ].join("&")}`;
}
