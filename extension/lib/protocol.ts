/**
 * Every message between the extension's parts, typed once. Content scripts (page messages)
 * and extension pages (panel messages) reach the background only through these; each handler
 * says who may send it (see handlers/). Answers are Results, never thrown across the boundary,
 * so an error keeps its code. What the API answers is inferred from the edge's routes
 * (`hc<AppType>`), never restated here.
 */
import { defineExtensionMessaging } from "@webext-core/messaging";
import type { InferRequestType } from "hono/client";
import type {
  CreateContentInput,
  ListContentQuery,
  RepurposeInput,
  RepurposeOutcome,
  UpdateContentInput,
} from "../../shared/content";
import type { RepurposeStreamEvent } from "../../shared/repurpose-stream";
import type { Answer, ApiClient } from "./api";
import type { CaptureResult } from "./capture-kinds";
import type { CaptureOutcome } from "./capture-queue";
import type { ErrorView } from "./errors";
import type { GmailMessage } from "./gmail-message";
import type { QueuedCapture } from "./storage";

type Api = ApiClient["api"];
type ContentRoute = Api["content"][":id"];
type DealRoute = Api["deals"][":id"];
type FollowupRoute = Api["followups"][":id"];
type VariantRoute = ContentRoute["variants"][":variantId"];

export type Workspace = Answer<Api["auth"]["me"]["$get"]>["workspaces"][number];

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorView };

export interface SessionView {
  apiOrigin: string;
  user: { id: string; email: string; name: string } | null;
  workspaces: Workspace[];
  workspaceId: string | null;
  /** The API could not be reached: the workspaces are the ones last seen. */
  offline: boolean;
}

export interface VideoState {
  signedIn: boolean;
  /** The live item saved from this video, if any. */
  itemId: string | null;
  /** A capture of this video is waiting in the offline queue. */
  queued: boolean;
}

/** What the Gmail button shows for one message before anyone clicks. */
export interface EmailState {
  signedIn: boolean;
  /** The live deal made from this very message ("In pipeline ✓"). */
  deal: { id: string; title: string } | null;
  /** The deal of the message's conversation, which a capture adds this message to by default. */
  threadDeal: { id: string; title: string } | null;
  /** A capture of this message is waiting in the offline queue. */
  queued: boolean;
}

export type { CaptureOutcome, CaptureResult };

export interface ProtocolMap {
  // ── page messages: content scripts on a site (YouTube) → background ──
  videoState(videoId: string): Result<VideoState>;
  saveVideo(body: CreateContentInput): Result<CaptureOutcome>;
  /** Saves if needed, then opens the side panel on the item with repurposing started. */
  repurposeVideo(body: CreateContentInput): Result<CaptureOutcome>;

  /** Gmail: the state of one open message (by its legacy id) and of its conversation. */
  emailState(about: { messageId: string; threadId: string | null }): Result<EmailState>;
  /** Gmail: "Capture sponsor" (through the offline queue); `newDeal` leaves the thread's deal. */
  captureEmail(message: GmailMessage): Result<CaptureOutcome>;
  /** Gmail: opens the side panel on a deal (the page's "Open in side panel"). */
  openDeal(about: { messageId: string; dealId: string }): Result<void>;
  /** Gmail: a selector found nothing (Gmail changed); counted for the options page. */
  selectorMiss(report: { parts: string[] }): Result<void>;

  // ── background → a tab's content script ──
  captureLanded(landed: CaptureResult): void;

  // ── panel messages: the side panel and options page → background ──
  session(): Result<SessionView>;
  signIn(credentials: { email: string; password: string }): Result<SessionView>;
  signOut(): Result<SessionView>;
  selectWorkspace(workspaceId: string): Result<SessionView>;
  setApiOrigin(origin: string): Result<SessionView>;
  usage(): Result<Answer<Api["usage"]["$get"]>>;
  listContent(query: ListContentQuery): Result<Answer<Api["content"]["$get"]>>;
  getContent(contentId: string): Result<Answer<ContentRoute["$get"]>>;
  updateContent(update: {
    contentId: string;
    changes: UpdateContentInput;
  }): Result<Answer<ContentRoute["$put"]>>;
  /** A person's edit of a variant: its body, or a thread's posts. */
  updateVariant(update: {
    contentId: string;
    variantId: string;
    changes: InferRequestType<VariantRoute["$put"]>["json"];
  }): Result<Answer<VariantRoute["$put"]>>;
  /** Quick capture: goes through the offline queue like every capture. */
  captureIdea(body: CreateContentInput): Result<CaptureOutcome>;
  captures(): Result<QueuedCapture[]>;
  retryCaptures(): Result<QueuedCapture[]>;
  discardCapture(captureId: string): Result<QueuedCapture[]>;
  /** Selector misses counted on Gmail, by part, since the extension was installed. */
  selectorMisses(): Result<Record<string, number>>;

  // ── deals and follow-ups (side panel) ──
  pipeline(): Result<Answer<Api["deals"]["pipeline"]["$get"]>>;
  stages(): Result<Answer<Api["deals"]["stages"]["$get"]>>;
  listDeals(
    query: InferRequestType<Api["deals"]["$get"]>["query"],
  ): Result<Answer<Api["deals"]["$get"]>>;
  getDeal(dealId: string): Result<Answer<DealRoute["$get"]>>;
  updateDeal(update: {
    dealId: string;
    changes: InferRequestType<DealRoute["$put"]>["json"];
  }): Result<Answer<DealRoute["$put"]>>;
  dealActivities(dealId: string): Result<Answer<DealRoute["activities"]["$get"]>>;
  addDealNote(note: {
    dealId: string;
    body: string;
  }): Result<Answer<DealRoute["activities"]["$post"]>>;
  draftFollowup(dealId: string): Result<Answer<DealRoute["followup"]["$post"]>>;
  listFollowups(
    query: InferRequestType<Api["followups"]["$get"]>["query"],
  ): Result<Answer<Api["followups"]["$get"]>>;
  updateFollowup(update: {
    followupId: string;
    changes: InferRequestType<FollowupRoute["$patch"]>["json"];
  }): Result<Answer<FollowupRoute["$patch"]>>;
}

/** The messages the background answers (with a Result), and their data and answers. */
export type Asked = {
  [K in keyof ProtocolMap]: ReturnType<ProtocolMap[K]> extends Result<unknown> ? K : never;
}[keyof ProtocolMap];
export type DataOf<K extends Asked> = Parameters<ProtocolMap[K]>[0];
export type ValueOf<K extends Asked> =
  ReturnType<ProtocolMap[K]> extends Result<infer T> ? T : never;

/** Names for what the views hold, all inferred from the routes above. */
export type ContentPage = ValueOf<"listContent">;
export type ContentItem = ContentPage["items"][number];
export type ContentDetail = ValueOf<"getContent">;
export type Variant = ValueOf<"updateVariant">;
export type Usage = ValueOf<"usage">;
export type Pipeline = ValueOf<"pipeline">;
export type DealPage = ValueOf<"listDeals">;
export type DealDetail = ValueOf<"getDeal">;
export type FollowupPage = ValueOf<"listFollowups">;
export type FollowupItem = FollowupPage["items"][number];

export const messaging = defineExtensionMessaging<ProtocolMap>();

/**
 * Repurposing streams over a long-lived port (messages answer once): the panel posts a
 * RepurposeRequest, the background relays the API's server-sent events as RepurposeEvents.
 */
export const REPURPOSE_PORT = "repurpose";
export interface RepurposeRequest extends RepurposeInput {
  contentId: string;
}
type StreamData<E extends RepurposeStreamEvent["event"]> = Extract<
  RepurposeStreamEvent,
  { event: E }
>["data"];
export type RepurposeEvent =
  | ({ type: "progress" } & StreamData<"progress">)
  | ({ type: "text" } & StreamData<"text">)
  | { type: "done"; outcome: RepurposeOutcome }
  | { type: "error"; error: ErrorView };
export type { RepurposeOutcome };
