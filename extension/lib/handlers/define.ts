/**
 * How the background answers a message: a handler names who may send it — the extension's own
 * pages (panel messages), or a content script on one site, about what its tab shows (page
 * messages) — and answers a Result, so errors keep their codes across the boundary.
 */
import { errorView } from "../errors";
import type { Asked, DataOf, Result, ValueOf } from "../protocol";
import { isExtensionPage, isSiteTab, type Self, type Sender, tabShows } from "../senders";
import { SITES, type SiteName } from "../sites";

export interface PanelHandler<K extends Asked> {
  from: "panel";
  handle(data: DataOf<K>): Promise<ValueOf<K>>;
}

export interface PageHandler<K extends Asked> {
  from: "page";
  site: SiteName;
  /**
   * The subject the message is about (`youtube:<id>`): it must be what the tab shows. A message
   * that names no subject (or data it cannot be read from) is refused.
   */
  about(data: DataOf<K>): string | null | undefined;
  /** Runs synchronously up to its first await: a user gesture (opening the panel) still holds. */
  handle(data: DataOf<K>, tab: { id: number }): Promise<ValueOf<K>>;
}

export type Handler<K extends Asked> = PanelHandler<K> | PageHandler<K>;

/** One domain's handlers (captures, account, content; deals next). */
export interface HandlerDomain {
  name: string;
  handlers: { [K in Asked]?: Handler<K> };
}

export const REFUSED: Result<never> = {
  ok: false,
  error: { code: "BAD_SENDER", message: "This message is not accepted from here", status: 403 },
};

async function result<T>(run: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: errorView(error) };
  }
}

/** A handler's answer to one message, after its sender check. */
export function answer<K extends Asked>(
  handler: Handler<K>,
  data: DataOf<K>,
  sender: Sender,
  self: Self,
): Promise<Result<ValueOf<K>>> | Result<never> {
  if (handler.from === "panel") {
    return isExtensionPage(sender, self) ? result(() => handler.handle(data)) : REFUSED;
  }
  const site = SITES[handler.site];
  if (!isSiteTab(sender, self, site)) return REFUSED;
  let subject: string | null | undefined;
  try {
    subject = handler.about(data);
  } catch {
    subject = null;
  }
  if (!subject || !tabShows(sender, site, subject)) return REFUSED;
  const tab = sender.tab;
  return result(() => handler.handle(data, tab));
}
