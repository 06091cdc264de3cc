/**
 * Everything the extension keeps, as typed WXT storage items. `local:` survives browser
 * restarts; the session token never leaves the background and extension pages.
 */
import { storage } from "wxt/utils/storage";
import {
  CAPTURE_KINDS,
  type CaptureBody,
  type CaptureKind,
  type CaptureResult,
  kindSpec,
} from "./capture-kinds";
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
  /**
   * Who queued it: it is sent only while they are signed in, never with another account's
   * token. Absent on captures queued before it was recorded: those go with whoever is signed in.
   */
  queuedBy?: { userId: string; email: string };
  /** The API address it was queued for: it is sent only there (absent on older captures). */
  apiOrigin?: string;
}
export type QueuedCapture = { [K in CaptureKind]: QueuedCaptureOf<K> }[CaptureKind];

/** What a stored capture of a kind this version has no route for is kept with (never sent). */
export const UNSUPPORTED_CAPTURE: ErrorView = {
  code: "UNSUPPORTED_CAPTURE",
  message: "This version of the extension can't send this kind of capture",
  status: 0,
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === "string" && value !== "";
const numberOr = (value: unknown, fallback: number) =>
  typeof value === "number" && Number.isFinite(value) ? value : fallback;

/** What the kinds table says about a stored body; undefined when the body is not what it expects. */
function describe<T>(answer: () => T): T | undefined {
  try {
    return answer();
  } catch {
    return undefined;
  }
}

/**
 * One stored queue entry as this version can use it, whatever wrote it (an older version, a
 * newer one, a bug): null when it cannot be read at all (not an object, or no id, idempotency
 * key, workspace or body: it could be neither sent nor discarded), else the entry with what it
 * lacks filled in (pending and due now; its title and subject from its body). Version 1 entries
 * had no kind: each was a content item. A kind this version does not know is kept as failed,
 * with words saying so: never sent, and never holding the others back. Deterministic.
 */
export function readCapture(entry: unknown): QueuedCapture | null {
  if (!isRecord(entry) || !isRecord(entry.body)) return null;
  if (!isText(entry.id) || !isText(entry.idempotencyKey) || !isText(entry.workspaceId)) {
    return null;
  }
  const kind = entry.kind ?? "content";
  const spec =
    typeof kind === "string" && Object.hasOwn(CAPTURE_KINDS, kind)
      ? kindSpec(kind as CaptureKind)
      : undefined;
  const body: unknown = entry.body;
  const title = isText(entry.title) ? entry.title : spec && describe(() => spec.title(body));
  const subject =
    typeof entry.subject === "string" || entry.subject === null
      ? entry.subject
      : spec && describe(() => spec.subject(body));
  const capture: Record<string, unknown> = {
    ...entry,
    kind,
    title: isText(title) ? title : "Untitled capture",
    subject: typeof subject === "string" ? subject : null,
    createdAt: numberOr(entry.createdAt, 0),
    attempts: numberOr(entry.attempts, 0),
    // No time (from before times were kept, or damaged): due now.
    nextAttemptAt: numberOr(entry.nextAttemptAt, 0),
    state: spec && entry.state !== "failed" ? "pending" : "failed",
  };
  const { lastError, queuedBy } = entry;
  if (!spec) capture.lastError = UNSUPPORTED_CAPTURE;
  else if (!isRecord(lastError) || typeof lastError.code !== "string") delete capture.lastError;
  else if (typeof lastError.message !== "string" || typeof lastError.status !== "number") {
    capture.lastError = {
      code: lastError.code,
      message: "",
      status: numberOr(lastError.status, 0),
    };
  }
  if (typeof entry.tabId !== "number") delete capture.tabId;
  if (!isRecord(queuedBy) || !isText(queuedBy.userId) || typeof queuedBy.email !== "string") {
    delete capture.queuedBy;
  }
  if (!isText(entry.apiOrigin)) delete capture.apiOrigin;
  return capture as unknown as QueuedCapture;
}

/** A stored queue as this version can use it: never throws, whatever is stored. */
export function readStoredQueue(stored: unknown): QueuedCapture[] {
  return Array.isArray(stored) ? stored.flatMap((entry) => readCapture(entry) ?? []) : [];
}

/**
 * Version 1 (before kinds): every capture was a content item, its body a POST /api/content
 * body, and nothing else named it. WXT runs this once, when the updated extension first defines
 * the item (the update closes extension pages, so the background is the one running). Entries
 * it cannot read are dropped, the rest migrated (see readCapture); an entry that already has a
 * kind is kept as it is, so running it twice is harmless.
 *
 * A queue written by a newer version (`{ v: 3 }`) is not migrated (WXT refuses a downgrade and
 * keeps it as stored): every read goes through readStoredQueue, so its entries are read one by
 * one, and a kind this version does not know is kept as failed, never sent.
 */
export function migrateQueueToV2(queue: unknown): QueuedCapture[] {
  return readStoredQueue(queue);
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

/** The deal the side panel should open on (Gmail's "Open in side panel"); like panelFocus. */
export interface PanelDealFocus {
  dealId: string;
  nonce: string;
}
export const panelDealFocusItem = storage.defineItem<PanelDealFocus | null>(
  "local:panelDealFocus",
  { fallback: null },
);

/**
 * Gmail selector misses by part (`message-id`, `subject`, …): a count that rises means Gmail
 * changed its page; the options page shows it. Nothing of the page is kept.
 */
export const selectorMissesItem = storage.defineItem<Record<string, number>>(
  "local:selectorMisses",
  { fallback: {} },
);

/** The last Gmail capture that landed, for the top of the side panel's deals view. */
export const lastEmailCaptureItem = storage.defineItem<CaptureResult | null>(
  "local:lastEmailCapture",
  { fallback: null },
);
