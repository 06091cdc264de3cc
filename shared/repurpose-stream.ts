/**
 * The server-sent events of `POST /api/content/:id/repurpose` with `Accept: text/event-stream`,
 * in the order they arrive: one `progress`, any number of `text`, then exactly one of `done`
 * or `error`. The route writes them and the extension's relay reads them; both use this union.
 */

import type { RepurposeOutcome } from "./content";
import type { ApiErrorBody } from "./envelope";
import type { PlatformId } from "./platform-ids";

export type RepurposeStreamEvent =
  | { event: "progress"; data: { stage: "started"; platforms: PlatformId[] } }
  /** A piece of one platform's text as the provider writes it. */
  | { event: "text"; data: { platform: PlatformId; delta: string } }
  | { event: "done"; data: { success: true; data: RepurposeOutcome } }
  /**
   * The run failed. `status` is the HTTP status the JSON form of the request would have
   * answered (402 quota, 429 rate limit, 502/504 provider…), `error` the same body as the
   * envelope's, `requestId` included.
   */
  | { event: "error"; data: { success: false; status: number; error: ApiErrorBody } };

/**
 * Parses one SSE message into the union; undefined for an event name it does not know, or data
 * that is not a JSON object (a malformed line is skipped, not the end of the run). The fields
 * inside are the reader's to check.
 */
export function parseRepurposeEvent(event: string | undefined, data: string) {
  if (event !== "progress" && event !== "text" && event !== "done" && event !== "error") {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  return { event, data: parsed } as RepurposeStreamEvent;
}
