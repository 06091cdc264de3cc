import { z } from "zod";

/** Cursor pagination shared by list routes: `limit` is capped, `cursor` is opaque. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
