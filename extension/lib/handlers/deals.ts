/**
 * Deal messages: the Gmail button's (a message's state, "Capture sponsor", "Open in side
 * panel", selector misses) and the side panel's deals and follow-ups. Every change to a
 * follow-up refreshes the toolbar badge (badge.ts).
 */
import type { CaptureEmailInput } from "../../../shared/crm";
import { signedInClient, whileSignedIn } from "../account";
import { unwrap } from "../api";
import { refreshBadge } from "../badge";
import { isQueuedFor } from "../capture-queue";
import { capture } from "../captures";
import { ExtensionError } from "../errors";
import { captureEmailOf, type GmailMessage } from "../gmail-message";
import { openPanel } from "../panel";
import type { EmailState } from "../protocol";
import { gmailSubject } from "../sites";
import {
  lastEmailCaptureItem,
  panelDealFocusItem,
  selectorMissesItem,
  sessionItem,
} from "../storage";
import type { HandlerDomain } from "./define";

/** The message a page message is about; null (refused) when it names none. */
const aboutMessage = (data: { messageId?: unknown } | null | undefined) =>
  typeof data?.messageId === "string" && /^[0-9a-f]{6,40}$/i.test(data.messageId)
    ? gmailSubject(data.messageId)
    : null;

/**
 * An id that goes into an API path: the API's ids are letters, digits, `_` and `-` (edge/lib/ids.ts).
 * Hono's client does not encode path parameters, so "x/../followups/…" would name another route.
 * @throws ExtensionError VALIDATION_ERROR
 */
function pathId(id: unknown): string {
  if (typeof id === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(id)) return id;
  throw new ExtensionError("VALIDATION_ERROR", "That is not a CreatorOps id", 400);
}

/** Parts a Gmail selector can miss (selectors/gmail.ts GmailMiss); anything else is ignored. */
const MISS_PARTS = new Set([
  "main",
  "message-id",
  "subject",
  "sender",
  "date",
  "body",
  "action-area",
]);

async function emailState(about: { messageId: string; threadId: string | null }) {
  const signedOut: EmailState = { signedIn: false, deal: null, threadDeal: null, queued: false };
  const session = await sessionItem.getValue();
  if (!session) return signedOut;
  const subject = gmailSubject(about.messageId);
  const queued = await isQueuedFor(subject, session.user.id);
  try {
    const { client } = await signedInClient();
    const first = (query: { sourceMessageId: string } | { sourceThreadId: string }) =>
      whileSignedIn(unwrap(client.api.deals.$get({ query: { ...query, limit: "1" } }))).then(
        (page) => page.items[0],
      );
    const [deal, threadDeal] = await Promise.all([
      first({ sourceMessageId: about.messageId }),
      about.threadId ? first({ sourceThreadId: about.threadId }) : undefined,
    ]);
    const brief = (found: { id: string; title: string } | undefined) =>
      found ? { id: found.id, title: found.title } : null;
    return { signedIn: true, deal: brief(deal), threadDeal: brief(threadDeal), queued };
  } catch (error) {
    if (error instanceof ExtensionError && error.code === "SIGNED_OUT") return signedOut;
    // Unknown while offline: the plain button; capturing will queue.
    return { signedIn: true, deal: null, threadDeal: null, queued };
  }
}

async function captureEmail(message: GmailMessage, tabId: number) {
  let body: CaptureEmailInput;
  try {
    body = captureEmailOf(message);
  } catch (error) {
    // The page read something this version cannot make sense of: Gmail changed.
    await countMisses([message.dateTitle && message.from.email.includes("@") ? "date" : "sender"]);
    throw error;
  }
  const outcome = await capture("sponsorEmail", body, { tabId });
  if (outcome.state === "saved") await lastEmailCaptureItem.setValue(outcome.result);
  return outcome;
}

/** Opens the panel at once (inside the click's gesture), then tells it which deal. */
async function openDeal(dealId: string, opened: Promise<void>) {
  await panelDealFocusItem.setValue({ dealId, nonce: crypto.randomUUID() });
  await opened;
}

let missWrites: Promise<unknown> = Promise.resolve();
/** Adds one to each part's count; writes one at a time, so reports arriving together all count. */
function countMisses(parts: string[]): Promise<void> {
  const known = new Set(parts.filter((part) => MISS_PARTS.has(part)));
  if (known.size === 0) return Promise.resolve();
  const write = missWrites.then(async () => {
    const counts = { ...(await selectorMissesItem.getValue()) };
    for (const part of known) counts[part] = (counts[part] ?? 0) + 1;
    await selectorMissesItem.setValue(counts);
  });
  missWrites = write.catch(() => undefined);
  return write;
}

/** A panel call with the signed-in client; follow-up changes refresh the badge after. */
async function withClient<T>(
  call: (client: Awaited<ReturnType<typeof signedInClient>>["client"]) => Promise<T>,
) {
  const { client } = await signedInClient();
  return whileSignedIn(call(client));
}

export const deals: HandlerDomain = {
  name: "deals",
  handlers: {
    emailState: {
      from: "page",
      site: "gmail",
      about: aboutMessage,
      handle: emailState,
    },
    captureEmail: {
      from: "page",
      site: "gmail",
      about: aboutMessage,
      handle: (body, tab) => captureEmail(body, tab.id),
    },
    openDeal: {
      from: "page",
      site: "gmail",
      about: aboutMessage,
      // Not async: opening the panel must happen before any await, inside the click's gesture.
      handle: ({ dealId }, tab) => {
        const id = pathId(dealId);
        return openDeal(id, openPanel(tab.id));
      },
    },
    selectorMiss: {
      from: "page",
      site: "gmail",
      // About the page as a whole: any open conversation's tab may report one.
      about: () => gmailSubject("page"),
      handle: ({ parts }) => countMisses(parts),
    },
    selectorMisses: { from: "panel", handle: () => selectorMissesItem.getValue() },

    pipeline: {
      from: "panel",
      handle: () => withClient((client) => unwrap(client.api.deals.pipeline.$get())),
    },
    stages: {
      from: "panel",
      handle: () => withClient((client) => unwrap(client.api.deals.stages.$get())),
    },
    listDeals: {
      from: "panel",
      handle: (query) => withClient((client) => unwrap(client.api.deals.$get({ query }))),
    },
    getDeal: {
      from: "panel",
      handle: (dealId) =>
        withClient((client) =>
          unwrap(client.api.deals[":id"].$get({ param: { id: pathId(dealId) } })),
        ),
    },
    updateDeal: {
      from: "panel",
      async handle({ dealId, changes }) {
        const deal = await withClient((client) =>
          unwrap(client.api.deals[":id"].$put({ param: { id: pathId(dealId) }, json: changes })),
        );
        // A deal moved to paid or lost cancels its follow-ups: the count may change.
        void refreshBadge();
        return deal;
      },
    },
    dealActivities: {
      from: "panel",
      handle: (dealId) =>
        withClient((client) =>
          unwrap(
            client.api.deals[":id"].activities.$get({ param: { id: pathId(dealId) }, query: {} }),
          ),
        ),
    },
    addDealNote: {
      from: "panel",
      handle: ({ dealId, body }) =>
        withClient((client) =>
          unwrap(
            client.api.deals[":id"].activities.$post({
              param: { id: pathId(dealId) },
              json: { body },
            }),
          ),
        ),
    },
    draftFollowup: {
      from: "panel",
      async handle(dealId) {
        const drafted = await withClient((client) =>
          unwrap(
            client.api.deals[":id"].followup.$post({
              param: { id: pathId(dealId) },
              json: {},
              // The panel's button is disabled while it drafts; a key per click guards retries.
              header: { "idempotency-key": crypto.randomUUID() },
            }),
          ),
        );
        void refreshBadge();
        return drafted;
      },
    },
    listFollowups: {
      from: "panel",
      handle: (query) => withClient((client) => unwrap(client.api.followups.$get({ query }))),
    },
    updateFollowup: {
      from: "panel",
      async handle({ followupId, changes }) {
        const followup = await withClient((client) =>
          unwrap(
            client.api.followups[":id"].$patch({
              param: { id: pathId(followupId) },
              json: changes,
            }),
          ),
        );
        void refreshBadge();
        return followup;
      },
    },
  },
};
