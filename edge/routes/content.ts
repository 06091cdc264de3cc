import { eq, isNotNull } from "drizzle-orm";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import {
  canTransition,
  contentParamSchema,
  createContentSchema,
  idempotencyKeySchema,
  listContentQuerySchema,
  repurposeSchema,
  updateContentSchema,
  updateVariantSchema,
  variantParamSchema,
} from "../../shared/content";
import { checkVariant, PLATFORM_RULES, type PlatformId } from "../../shared/platforms";
import { repurposeContent } from "../ai/repurpose";
import type { AppEnv } from "../context";
import {
  type ContentRow,
  contentView,
  findContent,
  findContentByVideo,
  listContent,
  listVariants,
  variantView,
} from "../db/content";
import { findStoredResponse, requestFingerprint, storeResponse } from "../db/idempotency";
import { contentItems, contentVariants } from "../db/schema";
import { isUniqueViolation } from "../db/unique";
import { ApiError, notFound } from "../errors";
import { CONTENT_RESTORE_WINDOW_MS } from "../jobs/housekeeping";
import { newId } from "../lib/ids";
import { requireUser } from "../middleware/auth";
import { valid } from "../middleware/validate";
import { workspaceFromHeader } from "../middleware/workspace";

const idempotencyHeaderSchema = z.object({ "idempotency-key": idempotencyKeySchema.optional() });

async function requireContent(scope: Parameters<typeof findContent>[0], id: string) {
  const item = await findContent(scope, id);
  if (!item) throw notFound("Content item not found");
  return item;
}

export const contentRoutes = new Hono<AppEnv>()
  .use(requireUser, workspaceFromHeader("member"))

  .get("/", valid("query", listContentQuerySchema), async (c) => {
    const page = await listContent(c.var.scope, c.req.valid("query"));
    return c.json({ success: true as const, data: page });
  })

  /**
   * Creating from a capture. Retries with the same Idempotency-Key answer the first result;
   * the same YouTube video captured twice answers the existing item (200 instead of 201).
   */
  .post(
    "/",
    valid("header", idempotencyHeaderSchema),
    valid("json", createContentSchema),
    async (c) => {
      const input = c.req.valid("json");
      const key = c.req.valid("header")["idempotency-key"];
      const { db, scope, workspace, user } = c.var;
      const fingerprint = key ? await requestFingerprint("POST", "/api/content", input) : "";
      const keyRecord = key
        ? { workspaceId: workspace.id, key, method: "POST", path: "/api/content", fingerprint }
        : undefined;

      const replay = async () => {
        const stored =
          keyRecord && (await findStoredResponse(db, workspace.id, keyRecord.key, fingerprint));
        return stored
          ? c.json(stored.body as never, stored.status as ContentfulStatusCode)
          : undefined;
      };
      const answerExisting = async (existing: ContentRow) => {
        const body = { success: true as const, data: contentView(existing) };
        if (keyRecord)
          await storeResponse(db, keyRecord, { status: 200, body }).onConflictDoNothing();
        return c.json(body, 200);
      };

      const replayed = await replay();
      if (replayed) return replayed;
      const videoId = input.source?.kind === "youtube" ? input.source.videoId : undefined;
      if (videoId) {
        const existing = await findContentByVideo(scope, videoId);
        if (existing) return answerExisting(existing);
      }

      if (input.status === "scheduled" && !input.scheduledAt) {
        throw new ApiError(
          400,
          "SCHEDULE_TIME_REQUIRED",
          "Give a scheduledAt time to schedule this item",
        );
      }
      const now = new Date();
      const {
        kind,
        url,
        videoId: _videoId,
        ...metadata
      } = input.source ?? { kind: "manual" as const };
      const row: ContentRow = {
        id: newId("cnt"),
        workspaceId: workspace.id,
        title: input.title,
        notes: input.notes ?? null,
        sourceKind: kind,
        sourceUrl: url ?? null,
        sourceVideoId: videoId ?? null,
        sourceMetadata: Object.keys(metadata).length > 0 ? metadata : null,
        platforms: [...new Set(input.platforms ?? [])],
        tags: [...new Set(input.tags ?? [])],
        status: input.status ?? "idea",
        scheduledAt: input.scheduledAt ? new Date(input.scheduledAt) : null,
        publishedAt: null,
        deletedAt: null,
        createdBy: user.id,
        createdAt: now,
        updatedAt: now,
      };
      const body = { success: true as const, data: contentView(row) };
      try {
        await db.batch([
          scope.insert(contentItems, row),
          ...(keyRecord ? [storeResponse(db, keyRecord, { status: 201, body })] : []),
        ]);
      } catch (error) {
        // Lost a race with an identical request: answer what the winner stored.
        if (isUniqueViolation(error, "idempotency_keys")) {
          const replayedAfterRace = await replay();
          if (replayedAfterRace) return replayedAfterRace;
        }
        if (videoId && isUniqueViolation(error, "content_items")) {
          const existing = await findContentByVideo(scope, videoId);
          if (existing) return answerExisting(existing);
        }
        throw error;
      }
      return c.json(body, 201);
    },
  )

  .get("/:id", valid("param", contentParamSchema), async (c) => {
    const item = await requireContent(c.var.scope, c.req.valid("param").id);
    const variants = await listVariants(c.var.scope, item.id);
    return c.json({
      success: true as const,
      data: { ...contentView(item), variants: variants.map(variantView) },
    });
  })

  .put(
    "/:id",
    valid("param", contentParamSchema),
    valid("json", updateContentSchema),
    async (c) => {
      const { scope } = c.var;
      const item = await requireContent(scope, c.req.valid("param").id);
      const changes = c.req.valid("json");
      const status = changes.status ?? item.status;
      if (!canTransition(item.status, status)) {
        throw new ApiError(
          400,
          "INVALID_STATUS_TRANSITION",
          `An item that is ${item.status} cannot become ${status}`,
          [{ path: "status", message: `Allowed from ${item.status}: see the content life cycle` }],
        );
      }
      const scheduledAt =
        changes.scheduledAt === undefined
          ? item.scheduledAt
          : changes.scheduledAt
            ? new Date(changes.scheduledAt)
            : null;
      if (status === "scheduled" && !scheduledAt) {
        throw new ApiError(
          400,
          "SCHEDULE_TIME_REQUIRED",
          "Give a scheduledAt time to schedule this item",
        );
      }
      const publishedAt =
        status === "published" && item.status !== "published" ? new Date() : item.publishedAt;
      const [updated] = (await scope
        .update(
          contentItems,
          {
            title: changes.title,
            notes: changes.notes,
            platforms: changes.platforms ? [...new Set(changes.platforms)] : undefined,
            tags: changes.tags ? [...new Set(changes.tags)] : undefined,
            status,
            scheduledAt,
            publishedAt,
            updatedAt: new Date(),
          },
          eq(contentItems.id, item.id),
        )
        .returning()) as ContentRow[];
      if (!updated) throw notFound("Content item not found");
      return c.json({ success: true as const, data: contentView(updated) });
    },
  )

  /** Soft delete: the item can be restored for 30 days, then housekeeping removes it. */
  .delete("/:id", valid("param", contentParamSchema), async (c) => {
    const item = await requireContent(c.var.scope, c.req.valid("param").id);
    const deletedAt = new Date();
    await c.var.scope.update(
      contentItems,
      { deletedAt, updatedAt: deletedAt },
      eq(contentItems.id, item.id),
    );
    return c.json({
      success: true as const,
      data: {
        id: item.id,
        deletedAt: deletedAt.toISOString(),
        restoreUntil: new Date(deletedAt.getTime() + CONTENT_RESTORE_WINDOW_MS).toISOString(),
      },
    });
  })

  .post("/:id/restore", valid("param", contentParamSchema), async (c) => {
    const { scope } = c.var;
    const id = c.req.valid("param").id;
    const [deleted] = (await scope
      .select(contentItems, eq(contentItems.id, id), isNotNull(contentItems.deletedAt))
      .limit(1)) as ContentRow[];
    if (!deleted?.deletedAt) throw notFound("No deleted content item with this id");
    if (Date.now() - deleted.deletedAt.getTime() > CONTENT_RESTORE_WINDOW_MS) {
      throw new ApiError(400, "RESTORE_WINDOW_PASSED", "Deleted items can be restored for 30 days");
    }
    try {
      const [restored] = (await scope
        .update(contentItems, { deletedAt: null, updatedAt: new Date() }, eq(contentItems.id, id))
        .returning()) as ContentRow[];
      if (!restored) throw notFound("No deleted content item with this id");
      return c.json({ success: true as const, data: contentView(restored) });
    } catch (error) {
      if (isUniqueViolation(error, "content_items")) {
        throw new ApiError(
          409,
          "CONFLICT",
          "This video was captured again since; the newer item is kept",
        );
      }
      throw error;
    }
  })

  .get("/:id/variants", valid("param", contentParamSchema), async (c) => {
    const item = await requireContent(c.var.scope, c.req.valid("param").id);
    const variants = await listVariants(c.var.scope, item.id);
    return c.json({ success: true as const, data: variants.map(variantView) });
  })

  /** A person's edit: checked against the platform rules like any AI variant. */
  .put(
    "/:id/variants/:variantId",
    valid("param", variantParamSchema),
    valid("json", updateVariantSchema),
    async (c) => {
      const { id, variantId } = c.req.valid("param");
      const { scope } = c.var;
      await requireContent(scope, id);
      const [variant] = await scope
        .select(
          contentVariants,
          eq(contentVariants.id, variantId),
          eq(contentVariants.contentId, id),
        )
        .limit(1);
      if (!variant) throw notFound("Variant not found");
      const edit = c.req.valid("json");
      const platform = variant.platform as PlatformId;
      const thread = PLATFORM_RULES[platform].thread;
      const parts = thread ? (edit.parts ?? edit.body?.split(/\n{2,}/).filter(Boolean)) : undefined;
      const body =
        thread && parts ? parts.join("\n\n") : (edit.body ?? edit.parts?.join("\n\n") ?? "");
      const problems = checkVariant({ platform, body, ...(parts ? { parts } : {}) });
      if (problems.length > 0) {
        throw new ApiError(
          400,
          "RULE_VIOLATION",
          `This ${PLATFORM_RULES[platform].label} breaks the platform rules: ${problems[0]?.message}`,
          problems.map((problem) => ({
            path: problem.part !== undefined ? `parts.${problem.part}` : "body",
            message: problem.message,
          })),
        );
      }
      const [updated] = await scope
        .update(
          contentVariants,
          { body, parts: parts ?? null, generatedBy: "person", updatedAt: new Date() },
          eq(contentVariants.id, variantId),
        )
        .returning();
      if (!updated) throw notFound("Variant not found");
      return c.json({ success: true as const, data: variantView(updated) });
    },
  )

  .delete("/:id/variants/:variantId", valid("param", variantParamSchema), async (c) => {
    const { id, variantId } = c.req.valid("param");
    // A deleted item's variants wait, untouched, for its restore.
    await requireContent(c.var.scope, id);
    const [deleted] = await c.var.scope
      .delete(contentVariants, eq(contentVariants.id, variantId), eq(contentVariants.contentId, id))
      .returning({ id: contentVariants.id });
    if (!deleted) throw notFound("Variant not found");
    return c.json({ success: true as const, data: { id: deleted.id, deleted: true } });
  })

  /**
   * Repurpose into platform variants. `Accept: text/event-stream` streams progress and text
   * as server-sent events and ends with a `done` event carrying the saved variants; a client
   * that disconnects aborts the run and nothing is saved.
   */
  .post(
    "/:id/repurpose",
    valid("param", contentParamSchema),
    valid("json", repurposeSchema),
    async (c) => {
      const item = await requireContent(c.var.scope, c.req.valid("param").id);
      const input = c.req.valid("json");
      const job = {
        db: c.var.db,
        env: c.env,
        workspace: c.var.workspace,
        userId: c.var.user.id,
        item,
        platforms: input.platforms,
        tone: input.tone,
        length: input.length,
      };
      if (!c.req.header("Accept")?.includes("text/event-stream")) {
        const outcome = await repurposeContent(job);
        return c.json({ success: true as const, data: outcome });
      }
      return streamSSE(c, async (stream) => {
        const abort = new AbortController();
        stream.onAbort(() => abort.abort());
        await stream.writeSSE({
          event: "progress",
          data: JSON.stringify({ stage: "started", platforms: input.platforms }),
        });
        // The run is kept alive past a disconnect (waitUntil), so it always ends in one of the
        // two whole states: every variant saved and charged, or nothing saved and refunded.
        const run = repurposeContent({
          ...job,
          signal: abort.signal,
          onText: (delta) => {
            void stream.writeSSE({ event: "text", data: JSON.stringify({ delta }) });
          },
        });
        c.executionCtx.waitUntil(run.catch(() => undefined));
        try {
          const outcome = await run;
          await stream.writeSSE({
            event: "done",
            data: JSON.stringify({ success: true, data: outcome }),
          });
        } catch (error) {
          if (abort.signal.aborted) return;
          const failure =
            error instanceof ApiError
              ? { message: error.message, code: error.code, details: error.details }
              : { message: "Something went wrong on our side", code: "INTERNAL_ERROR" };
          await stream.writeSSE({
            event: "error",
            data: JSON.stringify({ success: false, error: failure }),
          });
        }
      });
    },
  );
