/**
 * Everything the extension keeps, as typed WXT storage items. `local:` survives browser
 * restarts; the session token never leaves the background and extension pages.
 */
import { storage } from "wxt/utils/storage";
import type { CreateContentInput } from "../../shared/content";
import { CAPTURE_KINDS, type CaptureBody, type CaptureKind } from "./capture-kinds";
import type { ErrorView } from "./errors";
import type { Workspace } from "./protocol";

export const DEFAULT_API_ORIGIN: string = import.meta.env.WXT_API_ORIGIN ?? "http://localhost:8787";

export const apiOriginItem = storage.defineItem<string>("local:apiOrigin", {
  fallback: DEFAULT_API_ORIGIN,
});

export interface StoredSession {
  token: string;
  expiresAt: string;
  user: { id: string; email: string; name: string };
}
export const sessionItem = storage.defineItem<StoredSession | null>("local:session", {
  fallback: null,
});

/** The workspaces last seen, so the panel still knows them while the API is unreachable. */
export const workspacesItem = storage.defineItem<Workspace[]>("local:workspaces", { fallback: [] });

export const workspaceIdItem = storage.defineItem<string | null>("local:workspaceId", {
  fallback: null,
});

/** A capture of one kind waiting to reach the API. Stored before the first attempt; removed once it lands. */
export interface QueuedCaptureOf<K extends CaptureKind> {
  id: string;
  /** Which row of the kinds table it is: the route it goes to and the body it carries. */
  kind: K;
  /** Sent as Idempotency-Key on every attempt, so a retry after a lost answer is a replay. */
  idempotencyKey: string;
  workspaceId: string;
  body: CaptureBody<K>;
  /** What the pending list calls it. */
  title: string;
  /** What it was captured from (`youtube:<id>`), so that tab can show it is queued. */
  subject: string | null;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  /** pending: will be retried; failed: the API refused it (a 4xx), shown until dismissed. */
  state: "pending" | "failed";
  lastError?: ErrorView;
  /** The tab that asked, told when the capture lands (its button turns "Saved ✓"). */
  tabId?: number;
}
export type QueuedCapture = { [K in CaptureKind]: QueuedCaptureOf<K> }[CaptureKind];

/**
 * Version 1 (before kinds): every capture was a content item, its body a POST /api/content
 * body, and nothing else named it. WXT runs this once, when the updated extension first defines
 * the item (the update closes extension pages, so the background is the one running). It is
 * deterministic and leaves an entry that already has a kind as it is, so running it twice is
 * harmless.
 */
export type QueuedCaptureV1 = Omit<QueuedCaptureOf<"content">, "kind" | "title" | "subject"> & {
  body: CreateContentInput;
};
export function migrateQueueToV2(queue: unknown): QueuedCapture[] {
  if (!Array.isArray(queue)) return [];
  return queue.map((entry: QueuedCaptureV1 | QueuedCapture) =>
    "kind" in entry
      ? entry
      : {
          ...entry,
          kind: "content",
          title: CAPTURE_KINDS.content.title(entry.body),
          subject: CAPTURE_KINDS.content.subject(entry.body),
        },
  );
}

export const captureQueueItem = storage.defineItem<QueuedCapture[]>("local:captureQueue", {
  fallback: [],
  version: 2,
  migrations: { 2: migrateQueueToV2 },
});

/**
 * What the side panel should show when it opens or is already open: set by "Repurpose" on a
 * page, consumed by the panel. `nonce` makes a repeated request for the same item a change.
 */
export interface PanelFocus {
  contentId: string;
  repurpose: boolean;
  nonce: string;
}
export const panelFocusItem = storage.defineItem<PanelFocus | null>("local:panelFocus", {
  fallback: null,
});
