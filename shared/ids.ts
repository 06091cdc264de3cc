import { z } from "zod";

/**
 * Every id in a path or body: the server's own ids are a prefix and a random part
 * (`cnt_…`, `ws_…`, see edge/lib/ids.ts); anything longer or empty is refused as a 400.
 */
export const idSchema = z.string().trim().min(1).max(64);

/** `{ id }` path parameters. */
export const idParamSchema = z.object({ id: idSchema });
