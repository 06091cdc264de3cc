import { Hono } from "hono";
import { z } from "zod";
import { idempotencyKeySchema } from "../../shared/content";
import {
  createSponsorSchema,
  listSponsorsQuerySchema,
  mergeSponsorsSchema,
  updateSponsorSchema,
} from "../../shared/crm";
import { idParamSchema } from "../../shared/ids";
import type { AppEnv } from "../context";
import {
  createSponsor,
  deleteSponsor,
  exportSponsorsCsv,
  listSponsors,
  mergeSponsors,
  restoreSponsor,
  sponsorDetail,
  updateSponsor,
} from "../crm/sponsors";
import { csvHeaders } from "../lib/csv";
import { valid } from "../middleware/validate";
import { workspaceFromHeader } from "../middleware/workspace";

const idempotencyHeaderSchema = z.object({ "idempotency-key": idempotencyKeySchema.optional() });

/** Sponsors of the current workspace (edge/crm/sponsors.ts). */
export const sponsorRoutes = new Hono<AppEnv>()
  .use(workspaceFromHeader("member"))

  .get("/", valid("query", listSponsorsQuerySchema), async (c) => {
    const data = await listSponsors(c.var.ctx, c.req.valid("query"));
    return c.json({ success: true as const, data });
  })

  /** 201 with the new sponsor; a retried Idempotency-Key answers the first result. */
  .post(
    "/",
    valid("header", idempotencyHeaderSchema),
    valid("json", createSponsorSchema),
    async (c) => {
      const key = c.req.valid("header")["idempotency-key"];
      const { status, data } = await createSponsor(c.var.ctx, c.req.valid("json"), key);
      return c.json({ success: true as const, data }, status);
    },
  )

  // Before `/:id`, so "export.csv" is never read as an id.
  .get("/export.csv", async (c) => {
    const csv = await exportSponsorsCsv(c.var.ctx);
    const day = new Date().toISOString().slice(0, 10);
    return c.body(csv, 200, csvHeaders(`sponsors-${day}.csv`));
  })

  .get("/:id", valid("param", idParamSchema), async (c) => {
    const data = await sponsorDetail(c.var.ctx, c.req.valid("param").id);
    return c.json({ success: true as const, data });
  })

  .put("/:id", valid("param", idParamSchema), valid("json", updateSponsorSchema), async (c) => {
    const data = await updateSponsor(c.var.ctx, c.req.valid("param").id, c.req.valid("json"));
    return c.json({ success: true as const, data });
  })

  /** Soft delete; 409 CONFLICT while the sponsor has live deals. */
  .delete("/:id", valid("param", idParamSchema), async (c) => {
    const data = await deleteSponsor(c.var.ctx, c.req.valid("param").id);
    return c.json({ success: true as const, data });
  })

  .post("/:id/restore", valid("param", idParamSchema), async (c) => {
    const data = await restoreSponsor(c.var.ctx, c.req.valid("param").id);
    return c.json({ success: true as const, data });
  })

  /** Moves the deals and contacts of `sourceId` to `:id` and deletes the source. */
  .post(
    "/:id/merge",
    valid("param", idParamSchema),
    valid("json", mergeSponsorsSchema),
    async (c) => {
      const { sourceId } = c.req.valid("json");
      const data = await mergeSponsors(c.var.ctx, c.req.valid("param").id, sourceId);
      return c.json({ success: true as const, data });
    },
  );
