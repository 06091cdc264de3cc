/**
 * zod validation for each request part, through Hono's zod validator so the typed client
 * sees the input types. Failures become 400 VALIDATION_ERROR envelopes with field paths.
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { validationError } from "../errors";

export const valid = <Target extends keyof ValidationTargets, Schema extends ZodType>(
  target: Target,
  schema: Schema,
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw validationError(result.error);
  });
