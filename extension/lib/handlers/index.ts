/**
 * Every background message handler, by domain, registered from this one list. A new domain
 * is one file plus one line here; a new message is one line in protocol.ts,
 * one in ANSWERED and one handler.
 */
import { type Asked, messaging } from "../protocol";
import { extensionSelf, type Sender } from "../senders";
import { account } from "./account";
import { captures } from "./captures";
import { content } from "./content";
import { deals } from "./deals";
import { answer, type Handler, type HandlerDomain } from "./define";

export const HANDLER_DOMAINS: readonly HandlerDomain[] = [account, captures, content, deals];

/** Every message the background answers; the type below keeps it to the protocol's. */
export const ANSWERED = [
  "videoState",
  "saveVideo",
  "repurposeVideo",
  "session",
  "signIn",
  "signOut",
  "selectWorkspace",
  "setApiOrigin",
  "usage",
  "listContent",
  "getContent",
  "updateContent",
  "updateVariant",
  "captureIdea",
  "captures",
  "retryCaptures",
  "discardCapture",
  "emailState",
  "captureEmail",
  "openDeal",
  "selectorMiss",
  "selectorMisses",
  "pipeline",
  "stages",
  "listDeals",
  "getDeal",
  "updateDeal",
  "dealActivities",
  "addDealNote",
  "draftFollowup",
  "listFollowups",
  "updateFollowup",
] as const satisfies readonly Asked[];
type Unlisted = Exclude<Asked, (typeof ANSWERED)[number]>;
// A message added to the protocol and not to ANSWERED fails to compile here.
const everyMessageListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyMessageListed;

export function registerHandlers(domains: readonly HandlerDomain[] = HANDLER_DOMAINS) {
  for (const domain of domains) {
    for (const [type, handler] of Object.entries(domain.handlers) as [Asked, Handler<Asked>][]) {
      // @webext-core/messaging refuses a second listener for one type: each has one owner.
      messaging.onMessage(type, (({ data, sender }: { data: never; sender: Sender }) =>
        answer(handler, data, sender, extensionSelf())) as never);
    }
  }
}
