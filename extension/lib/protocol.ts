/**
 * Every message between the extension's parts, typed once. Content scripts (page messages)
 * and extension pages (panel messages) reach the background only through these; each handler
 * checks who sent it (see senders.ts). Answers are Results, never thrown across the boundary,
 * so an error keeps its code.
 */
import { defineExtensionMessaging } from "@webext-core/messaging";
import type { InferResponseType } from "hono/client";
import type {
  CreateContentInput,
  ListContentQuery,
  RepurposeInput,
  UpdateContentInput,
} from "../../shared/content";
import type { ApiClient } from "./api";
import type { ErrorView } from "./errors";
import type { QueuedCapture } from "./storage";

type Data<T> = T extends { success: true; data: infer D } ? D : never;
type Content = ApiClient["api"]["content"];

export type ContentPage = Data<InferResponseType<Content["$get"], 200>>;
export type ContentItem = ContentPage["items"][number];
export type ContentDetail = Data<InferResponseType<Content[":id"]["$get"], 200>>;
export type Variant = ContentDetail["variants"][number];
/** The route also streams, which hides its JSON type from the client: named here instead. */
export interface RepurposeOutcome {
  variants: Variant[];
  cached: boolean;
  provider: string;
  model: string;
}
export type Usage = Data<InferResponseType<ApiClient["api"]["usage"]["$get"], 200>>;
type Me = Data<InferResponseType<ApiClient["api"]["auth"]["me"]["$get"], 200>>;
export type Workspace = Me["workspaces"][number];

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorView };

export interface SessionView {
  apiOrigin: string;
  user: { id: string; email: string; name: string } | null;
  workspaces: Workspace[];
  workspaceId: string | null;
  /** The API could not be reached: the workspaces are the ones last seen. */
  offline: boolean;
}

/** Where a capture stands: landed (with its item), queued for retry, or refused. */
export type CaptureOutcome =
  | { state: "saved"; item: ContentItem }
  | { state: "queued"; captureId: string; error: ErrorView }
  | { state: "failed"; error: ErrorView };

export interface VideoState {
  signedIn: boolean;
  /** The live item saved from this video, if any. */
  itemId: string | null;
  /** A capture of this video is waiting in the offline queue. */
  queued: boolean;
}

export interface ProtocolMap {
  // ── page messages: content scripts on YouTube → background ──
  videoState(videoId: string): Result<VideoState>;
  saveVideo(body: CreateContentInput): Result<CaptureOutcome>;
  /** Saves if needed, then opens the side panel on the item with repurposing started. */
  repurposeVideo(body: CreateContentInput): Result<CaptureOutcome>;

  // ── background → a tab's content script ──
  captureLanded(landed: { videoId: string | null; itemId: string }): void;

  // ── panel messages: the side panel and options page → background ──
  session(): Result<SessionView>;
  signIn(credentials: { email: string; password: string }): Result<SessionView>;
  signOut(): Result<SessionView>;
  selectWorkspace(workspaceId: string): Result<SessionView>;
  setApiOrigin(origin: string): Result<SessionView>;
  listContent(query: ListContentQuery): Result<ContentPage>;
  getContent(contentId: string): Result<ContentDetail>;
  /** Quick capture: goes through the offline queue like every capture. */
  captureIdea(body: CreateContentInput): Result<CaptureOutcome>;
  updateContent(update: { contentId: string; changes: UpdateContentInput }): Result<ContentItem>;
  usage(): Result<Usage>;
  captures(): Result<QueuedCapture[]>;
  retryCaptures(): Result<QueuedCapture[]>;
  discardCapture(captureId: string): Result<QueuedCapture[]>;
}

export const messaging = defineExtensionMessaging<ProtocolMap>();

/**
 * Repurposing streams over a long-lived port (messages answer once): the panel posts a
 * RepurposeRequest, the background relays the API's server-sent events as RepurposeEvents.
 */
export const REPURPOSE_PORT = "repurpose";
export interface RepurposeRequest extends RepurposeInput {
  contentId: string;
}
export type RepurposeEvent =
  | { type: "progress"; stage: string }
  | { type: "text"; delta: string }
  | { type: "done"; outcome: RepurposeOutcome }
  | { type: "error"; error: ErrorView };
