/**
 * Capturing a piece of content: from the extension (a YouTube video, a page, a selection),
 * the side panel's quick capture, or the API. Retries are safe: the same Idempotency-Key
 * answers the first result, and the same YouTube video captured twice answers the item the
 * workspace already has (200 instead of 201).
 */
import type { z } from "zod";
import type { createContentSchema } from "../../shared/content";
import { type ContentRow, type ContentView, contentView, findContentByVideo } from "../db/content";
import { type KeyedRequest, type WriteOutcome, withIdempotency } from "../db/idempotency";
import { contentItems } from "../db/schema";
import { isUniqueViolation } from "../db/unique";
import type { WorkspaceContext } from "../db/workspace-context";
import { newId } from "../lib/ids";
import { checkSchedule } from "./schedule";

export type CaptureInput = z.output<typeof createContentSchema>;

/**
 * @param key the request's Idempotency-Key, if it sent one.
 * @returns 201 with the new item, or 200 with the item this video (or this key) already made.
 * @throws ApiError 400 INVALID_STATUS_TRANSITION / SCHEDULE_TIME_REQUIRED / SCHEDULE_TIME_PAST,
 *   400 IDEMPOTENCY_KEY_REUSED.
 */
export function captureContent(
  ctx: WorkspaceContext,
  input: CaptureInput,
  key?: string,
): Promise<WriteOutcome<ContentView>> {
  const { scope, db } = ctx;
  const request: KeyedRequest | undefined = key
    ? { key, method: "POST", path: "/api/content", body: input }
    : undefined;
  const videoId = input.source?.kind === "youtube" ? input.source.videoId : undefined;

  return withIdempotency<ContentView>(scope, request, async (remember) => {
    const existing = async (row: ContentRow) => {
      const outcome = { status: 200 as const, data: contentView(row) };
      const keyRows = remember(outcome);
      if (keyRows.length > 0) await db.batch(keyRows as [(typeof keyRows)[number]]);
      return outcome;
    };
    if (videoId) {
      const found = await findContentByVideo(scope, videoId);
      if (found) return existing(found);
    }
    const status = input.status ?? "idea";
    const scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : null;
    checkSchedule({ to: status, scheduledAt, timeChanged: scheduledAt !== null });

    const now = new Date();
    const {
      kind,
      url,
      videoId: _videoId,
      ...metadata
    } = input.source ?? { kind: "manual" as const };
    const row: ContentRow = {
      id: newId("cnt"),
      workspaceId: scope.workspaceId,
      title: input.title,
      // A captured video's description is its body until the creator writes one.
      body: input.body ?? (kind === "youtube" ? (metadata.description ?? null) : null),
      notes: input.notes ?? null,
      sourceKind: kind,
      sourceUrl: url ?? null,
      sourceVideoId: videoId ?? null,
      sourceMetadata: Object.keys(metadata).length > 0 ? metadata : null,
      platforms: [...new Set(input.platforms ?? [])],
      tags: [...new Set(input.tags ?? [])],
      status,
      scheduledAt,
      publishedAt: null,
      deletedAt: null,
      createdBy: ctx.user?.id ?? null,
      createdAt: now,
      updatedAt: now,
    };
    const outcome = { status: 201 as const, data: contentView(row) };
    try {
      await db.batch([scope.insert(contentItems, row), ...remember(outcome)]);
    } catch (error) {
      // Lost a race with a capture of the same video: answer the item that won.
      if (videoId && isUniqueViolation(error, "content_items")) {
        const found = await findContentByVideo(scope, videoId);
        if (found) return existing(found);
      }
      throw error;
    }
    return outcome;
  });
}
