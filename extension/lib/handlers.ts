/**
 * The background's answers to every message, each behind its sender check. Handlers return
 * Results (see protocol.ts) so errors keep their codes across the messaging boundary.
 */
import { browser } from "wxt/browser";
import type { CreateContentInput } from "../../shared/content";
import {
  selectWorkspace,
  sessionView,
  setApiOrigin,
  signedInClient,
  signIn,
  signOut,
  whileSignedIn,
} from "./account";
import { unwrap } from "./api";
import { discardCapture, makeDue, readQueue } from "./capture-queue";
import { capture, sendQueuedCaptures } from "./captures";
import { ExtensionError, errorView } from "./errors";
import { openPanel } from "./panel";
import {
  type CaptureOutcome,
  type ContentDetail,
  type ContentItem,
  type ContentPage,
  messaging,
  type ProtocolMap,
  type Result,
  type Usage,
  type VideoState,
} from "./protocol";
import { isExtensionPage, isYouTubeTab, type Sender, tabShowsVideo } from "./senders";
import { panelFocusItem, sessionItem } from "./storage";

const self = () => ({ runtimeId: browser.runtime.id, pagesBase: `${globalThis.location.origin}/` });

async function result<T>(run: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: errorView(error) };
  }
}
const refused = (): Result<never> => ({
  ok: false,
  error: { code: "BAD_SENDER", message: "This message is not accepted from here", status: 403 },
});

type ResultTypes = {
  [K in keyof ProtocolMap]: ReturnType<ProtocolMap[K]> extends Result<unknown> ? K : never;
}[keyof ProtocolMap];
type ValueOf<K extends ResultTypes> =
  ReturnType<ProtocolMap[K]> extends Result<infer T> ? T : never;
type DataOf<K extends ResultTypes> = Parameters<ProtocolMap[K]>[0];

function onPanelMessage<K extends ResultTypes>(
  type: K,
  handle: (data: DataOf<K>) => Promise<ValueOf<K>>,
) {
  messaging.onMessage(type, (({ data, sender }: { data: DataOf<K>; sender: Sender }) =>
    isExtensionPage(sender, self()) ? result(() => handle(data)) : refused()) as never);
}

function onPageMessage<K extends ResultTypes>(
  type: K,
  handle: (data: DataOf<K>, tabId: number) => Promise<ValueOf<K>>,
  videoOf: (data: DataOf<K>) => string | undefined,
) {
  messaging.onMessage(type, (({ data, sender }: { data: DataOf<K>; sender: Sender }) =>
    isYouTubeTab(sender, self()) && tabShowsVideo(sender, videoOf(data))
      ? result(() => handle(data, sender.tab.id))
      : refused()) as never);
}

const videoIdOf = (body: CreateContentInput) => body.source?.videoId;

async function videoState(videoId: string): Promise<VideoState> {
  if (!(await sessionItem.getValue())) return { signedIn: false, itemId: null, queued: false };
  const queued = (await readQueue()).some(
    (entry) => entry.state === "pending" && entry.body.source?.videoId === videoId,
  );
  try {
    const { client } = await signedInClient();
    const page = await whileSignedIn(
      unwrap<ContentPage>(client.api.content.$get({ query: { videoId, limit: "1" } })),
    );
    return { signedIn: true, itemId: page.items[0]?.id ?? null, queued };
  } catch (error) {
    if (error instanceof ExtensionError && error.code === "SIGNED_OUT") {
      return { signedIn: false, itemId: null, queued: false };
    }
    // Unknown while offline: show the plain buttons; saving will queue.
    return { signedIn: true, itemId: null, queued };
  }
}

/** Repurpose from a page: the panel opens at once (the click's user gesture), then fills in. */
async function repurposeVideo(body: CreateContentInput, tabId: number, opened: Promise<void>) {
  const outcome: CaptureOutcome = await capture(body, tabId);
  if (outcome.state === "saved") {
    await panelFocusItem.setValue({
      contentId: outcome.item.id,
      repurpose: true,
      nonce: crypto.randomUUID(),
    });
  }
  await opened;
  return outcome;
}

export function registerHandlers() {
  onPageMessage("videoState", videoState, (videoId) => videoId);
  onPageMessage("saveVideo", (body, tabId) => capture(body, tabId), videoIdOf);
  messaging.onMessage("repurposeVideo", ({ data, sender }) => {
    if (!isYouTubeTab(sender, self()) || !tabShowsVideo(sender, videoIdOf(data))) return refused();
    // Must run before any await: opening the panel needs the click's user gesture.
    const opened = openPanel(sender.tab.id);
    return result(() => repurposeVideo(data, sender.tab.id, opened));
  });

  onPanelMessage("session", sessionView);
  onPanelMessage("signIn", async ({ email, password }) => {
    const session = await signIn(email, password);
    // Captures that waited for a session go now.
    await makeDue();
    void sendQueuedCaptures();
    return session;
  });
  onPanelMessage("signOut", signOut);
  onPanelMessage("selectWorkspace", selectWorkspace);
  onPanelMessage("setApiOrigin", setApiOrigin);
  onPanelMessage("listContent", async (query) => {
    const { client } = await signedInClient();
    const { limit, ...rest } = query;
    return whileSignedIn(
      unwrap<ContentPage>(
        client.api.content.$get({ query: { ...rest, ...(limit ? { limit: String(limit) } : {}) } }),
      ),
    );
  });
  onPanelMessage("getContent", async (contentId) => {
    const { client } = await signedInClient();
    return whileSignedIn(
      unwrap<ContentDetail>(client.api.content[":id"].$get({ param: { id: contentId } })),
    );
  });
  onPanelMessage("captureIdea", (body) => capture(body));
  onPanelMessage("updateContent", async ({ contentId, changes }) => {
    const { client } = await signedInClient();
    return whileSignedIn(
      unwrap<ContentItem>(
        client.api.content[":id"].$put({ param: { id: contentId }, json: changes }),
      ),
    );
  });
  onPanelMessage("usage", async () => {
    const { client } = await signedInClient();
    return whileSignedIn(unwrap<Usage>(client.api.usage.$get()));
  });
  onPanelMessage("captures", readQueue);
  onPanelMessage("retryCaptures", async () => {
    await makeDue({ refusedToo: true });
    await sendQueuedCaptures();
    return readQueue();
  });
  onPanelMessage("discardCapture", async (captureId) => {
    const rest = await discardCapture(captureId);
    await sendQueuedCaptures();
    return rest;
  });
}
