import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import {
  contentParamSchema,
  createContentSchema,
  idempotencyKeySchema,
  listContentQuerySchema,
  repurposeSchema,
  updateContentSchema,
  updateVariantSchema,
  variantParamSchema,
} from "../../shared/content";
import type { RepurposeStreamEvent } from "../../shared/repurpose-stream";
import { stripBidiControls } from "../../shared/text";
import { captureContent } from "../content/capture";
import {
  contentWithVariants,
  deleteContent,
  requireContent,
  restoreContent,
  updateContent,
} from "../content/plan";
import { repurposeContent } from "../content/repurpose";
import { deleteVariant, editVariant, variantsOf } from "../content/variants";
import type { AppEnv } from "../context";
import { listContent } from "../db/content";
import { errorResponse } from "../errors";
import { valid } from "../middleware/validate";
import { workspaceFromHeader } from "../middleware/workspace";

const idempotencyHeaderSchema = z.object({ "idempotency-key": idempotencyKeySchema.optional() });

export const contentRoutes = new Hono<AppEnv>()
  .use(workspaceFromHeader("member"))

  .get("/", valid("query", listContentQuerySchema), async (c) => {
    const page = await listContent(c.var.scope, c.req.valid("query"));
    return c.json({ success: true as const, data: page });
  })

  /** 201 with the new item; 200 with the first answer for a retried key or a known video. */
  .post(
    "/",
    valid("header", idempotencyHeaderSchema),
    valid("json", createContentSchema),
    async (c) => {
      const key = c.req.valid("header")["idempotency-key"];
      const { status, data } = await captureContent(c.var.ctx, c.req.valid("json"), key);
      return c.json({ success: true as const, data }, status);
    },
  )

  .get("/:id", valid("param", contentParamSchema), async (c) => {
    const data = await contentWithVariants(c.var.ctx, c.req.valid("param").id);
    return c.json({ success: true as const, data });
  })

  .put(
    "/:id",
    valid("param", contentParamSchema),
    valid("json", updateContentSchema),
    async (c) => {
      const data = await updateContent(c.var.ctx, c.req.valid("param").id, c.req.valid("json"));
      return c.json({ success: true as const, data });
    },
  )

  .delete("/:id", valid("param", contentParamSchema), async (c) => {
    const data = await deleteContent(c.var.ctx, c.req.valid("param").id);
    return c.json({ success: true as const, data });
  })

  .post("/:id/restore", valid("param", contentParamSchema), async (c) => {
    const data = await restoreContent(c.var.ctx, c.req.valid("param").id);
    return c.json({ success: true as const, data });
  })

  .get("/:id/variants", valid("param", contentParamSchema), async (c) => {
    const data = await variantsOf(c.var.ctx, c.req.valid("param").id);
    return c.json({ success: true as const, data });
  })

  .put(
    "/:id/variants/:variantId",
    valid("param", variantParamSchema),
    valid("json", updateVariantSchema),
    async (c) => {
      const { id, variantId } = c.req.valid("param");
      const data = await editVariant(c.var.ctx, id, variantId, c.req.valid("json"));
      return c.json({ success: true as const, data });
    },
  )

  .delete("/:id/variants/:variantId", valid("param", variantParamSchema), async (c) => {
    const { id, variantId } = c.req.valid("param");
    const data = await deleteVariant(c.var.ctx, id, variantId);
    return c.json({ success: true as const, data });
  })

  /**
   * Repurpose into platform variants. `Accept: text/event-stream` streams the events of
   * shared/repurpose-stream.ts; a client that disconnects aborts the run and nothing is saved.
   */
  .post(
    "/:id/repurpose",
    valid("param", contentParamSchema),
    valid("json", repurposeSchema),
    async (c) => {
      const ctx = c.var.ctx;
      const item = await requireContent(ctx, c.req.valid("param").id);
      const request = { item, ...c.req.valid("json") };
      if (!c.req.header("Accept")?.includes("text/event-stream")) {
        const data = await repurposeContent(ctx, request);
        return c.json({ success: true as const, data });
      }
      return streamSSE(c, async (stream) => {
        const send = (message: RepurposeStreamEvent) =>
          stream.writeSSE({ event: message.event, data: JSON.stringify(message.data) });
        const abort = new AbortController();
        stream.onAbort(() => abort.abort());
        await send({ event: "progress", data: { stage: "started", platforms: request.platforms } });
        // The run is kept alive past a disconnect (waitUntil), so it always ends in one of the
        // two whole states: every variant saved and charged, or nothing saved and refunded.
        const run = repurposeContent(ctx, {
          ...request,
          signal: abort.signal,
          // The preview shows the same clean text that is saved (shared/text.ts says why).
          onText: (platform, delta) =>
            void send({ event: "text", data: { platform, delta: stripBidiControls(delta) } }),
        });
        c.executionCtx.waitUntil(run.catch(() => undefined));
        try {
          const outcome = await run;
          await send({ event: "done", data: { success: true, data: outcome } });
        } catch (error) {
          if (abort.signal.aborted) return;
          const { status, body } = errorResponse(error, c.var.requestId);
          await send({ event: "error", data: { ...body, status } });
        }
      });
    },
  );
