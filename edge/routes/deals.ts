import { Hono } from "hono";
import { z } from "zod";
import { idempotencyKeySchema } from "../../shared/content";
import {
  captureEmailSchema,
  createDealSchema,
  createNoteSchema,
  draftFollowupSchema,
  listActivitiesQuerySchema,
  listDealsQuerySchema,
  putStagesSchema,
  updateDealSchema,
} from "../../shared/crm";
import { idParamSchema } from "../../shared/ids";
import type { AppEnv } from "../context";
import { addNote, listActivities } from "../crm/activities";
import { captureEmail } from "../crm/capture-email";
import { listDeals } from "../crm/deal-list";
import { createDeal, deleteDeal, getDeal, restoreDeal, updateDeal } from "../crm/deals";
import { exportDealsCsv } from "../crm/deals-export";
import { draftFollowup } from "../crm/followup-draft";
import { pipelineTotals } from "../crm/pipeline";
import { listStages, replaceStages } from "../crm/stages";
import { csvHeaders } from "../lib/csv";
import { valid } from "../middleware/validate";
import { workspaceFromHeader } from "../middleware/workspace";

const idempotencyHeaderSchema = z.object({ "idempotency-key": idempotencyKeySchema.optional() });

/**
 * The deal pipeline of the current workspace (edge/crm/): stages, deals, their activities, the
 * pipeline's totals and the CSV export. The fixed paths come before `/:id`.
 */
export const dealRoutes = new Hono<AppEnv>()
  .use(workspaceFromHeader("member"))

  .get("/stages", async (c) => {
    const data = await listStages(c.var.ctx);
    return c.json({ success: true as const, data });
  })

  /** The whole ordered list; owners and admins only (403 for members). */
  .put("/stages", valid("json", putStagesSchema), async (c) => {
    const data = await replaceStages(c.var.ctx, c.req.valid("json"));
    return c.json({ success: true as const, data });
  })

  .get("/pipeline", async (c) => {
    const data = await pipelineTotals(c.var.ctx);
    return c.json({ success: true as const, data });
  })

  .get("/export.csv", async (c) => {
    const csv = await exportDealsCsv(c.var.ctx);
    const day = new Date().toISOString().slice(0, 10);
    return c.body(csv, 200, csvHeaders(`deals-${day}.csv`));
  })

  .get("/", valid("query", listDealsQuerySchema), async (c) => {
    const data = await listDeals(c.var.ctx, c.req.valid("query"));
    return c.json({ success: true as const, data });
  })

  .post("/", valid("json", createDealSchema), async (c) => {
    const data = await createDeal(c.var.ctx, c.req.valid("json"));
    return c.json({ success: true as const, data }, 201);
  })

  /** 201 with a new deal; 200 when the message (or its thread) was already captured. */
  .post(
    "/capture-email",
    valid("header", idempotencyHeaderSchema),
    valid("json", captureEmailSchema),
    async (c) => {
      const key = c.req.valid("header")["idempotency-key"];
      const { status, data } = await captureEmail(c.var.ctx, c.req.valid("json"), key);
      return c.json({ success: true as const, data }, status);
    },
  )

  .get("/:id", valid("param", idParamSchema), async (c) => {
    const data = await getDeal(c.var.ctx, c.req.valid("param").id);
    return c.json({ success: true as const, data });
  })

  .put("/:id", valid("param", idParamSchema), valid("json", updateDealSchema), async (c) => {
    const data = await updateDeal(c.var.ctx, c.req.valid("param").id, c.req.valid("json"));
    return c.json({ success: true as const, data });
  })

  .delete("/:id", valid("param", idParamSchema), async (c) => {
    const data = await deleteDeal(c.var.ctx, c.req.valid("param").id);
    return c.json({ success: true as const, data });
  })

  /** Within 30 days of the delete (400 RESTORE_WINDOW_PASSED after). */
  .post("/:id/restore", valid("param", idParamSchema), async (c) => {
    const data = await restoreDeal(c.var.ctx, c.req.valid("param").id);
    return c.json({ success: true as const, data });
  })

  .get(
    "/:id/activities",
    valid("param", idParamSchema),
    valid("query", listActivitiesQuerySchema),
    async (c) => {
      const data = await listActivities(c.var.ctx, c.req.valid("param").id, c.req.valid("query"));
      return c.json({ success: true as const, data });
    },
  )

  .post(
    "/:id/activities",
    valid("param", idParamSchema),
    valid("json", createNoteSchema),
    async (c) => {
      const data = await addNote(c.var.ctx, c.req.valid("param").id, c.req.valid("json"));
      return c.json({ success: true as const, data }, 201);
    },
  )

  /** Drafts a follow-up email (AI, or the offline template) and saves it as pending. */
  .post(
    "/:id/followup",
    valid("param", idParamSchema),
    valid("header", idempotencyHeaderSchema),
    valid("json", draftFollowupSchema),
    async (c) => {
      const key = c.req.valid("header")["idempotency-key"];
      const { status, data } = await draftFollowup(
        c.var.ctx,
        c.req.valid("param").id,
        c.req.valid("json"),
        key,
      );
      return c.json({ success: true as const, data }, status);
    },
  );
