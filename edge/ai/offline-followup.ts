/**
 * The offline provider's follow-up email: a template filled from the deal's own facts, so it is
 * free, deterministic and never says anything the deal does not hold. One of three goals, as
 * the AI prompt has them: an overdue invoice, an open deal to move forward, or contracted work
 * to check in on.
 */
import type { FollowupContext, FollowupDraftRequest } from "./provider";

const firstName = (name: string | null) => name?.trim().split(/\s+/)[0] || null;

function pendingWork(context: FollowupContext): string | null {
  const next = context.deliverables.find((deliverable) => !deliverable.done);
  if (!next) return null;
  return next.dueOn ? `${next.kind} (due ${next.dueOn})` : next.kind;
}

/** `{ subject, body }` for the deal; plain text, at most about 120 words. */
export function templateFollowup(request: FollowupDraftRequest): { subject: string; body: string } {
  const { context } = request;
  const greeting = `Hi ${firstName(context.contactName) ?? "there"},`;
  const signOff = ["Best,", context.creatorName].filter(Boolean).join("\n");
  const title = context.dealTitle;
  let subject: string;
  let lines: string[];

  if (context.invoice && context.invoice.daysOverdue > 0) {
    const { invoice } = context;
    subject = `Invoice for ${title}`;
    lines = [
      `I hope all is well. A quick reminder about the invoice for “${title}”${context.value ? ` (${context.value})` : ""}${invoice.poNumber ? `, PO ${invoice.poNumber}` : ""}, sent on ${invoice.sentOn}.`,
      invoice.dueOn
        ? `It was due on ${invoice.dueOn} and I have not seen the payment yet. Could you let me know when it is scheduled?`
        : "Could you let me know when the payment is scheduled?",
      "Thank you!",
    ];
  } else if (context.stageKind === "open") {
    subject = context.inThread ? `Re: ${title}` : `Following up: ${title}`;
    const since =
      context.daysSinceContact >= 2
        ? ` It has been ${context.daysSinceContact} days since we last spoke, so I wanted to check in.`
        : "";
    lines = [
      context.inThread
        ? `Thank you again for your email about “${title}”.${since}`
        : `I wanted to follow up on “${title}”.${since}`,
      context.value
        ? `I would be glad to go ahead at ${context.value}.`
        : "I would be glad to work together and happy to share rates and ideas.",
      "Is there anything you need from me to move forward, or a good time for a quick call?",
    ];
  } else {
    subject = context.inThread ? `Re: ${title}` : `Next steps: ${title}`;
    const work = pendingWork(context);
    lines = [
      `I am checking in on “${title}”.`,
      work
        ? `Next on my side is ${work}. Is there anything you need from me before then?`
        : "Is there anything else you need from me, or feedback on what I have delivered?",
      "Thanks again for the collaboration.",
    ];
  }
  return { subject: subject.slice(0, 300), body: [greeting, "", ...lines, "", signOff].join("\n") };
}
