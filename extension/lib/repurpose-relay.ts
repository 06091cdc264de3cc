/**
 * Streams a repurposing run to the panel: the background makes the call (it holds the token)
 * and relays the API's server-sent events (shared/repurpose-stream.ts) over the panel's port.
 * Closing the panel closes the port, which aborts the request; the API then saves nothing and
 * refunds the credits.
 */
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { Browser } from "wxt/browser";
import { parseRepurposeEvent } from "../../shared/repurpose-stream";
import { signedInClient, whileSignedIn } from "./account";
import { unwrap } from "./api";
import { ExtensionError, errorView } from "./errors";
import type { RepurposeEvent, RepurposeOutcome, RepurposeRequest } from "./protocol";

type Port = Browser.runtime.Port;

export async function relayRepurpose(port: Port, request: RepurposeRequest) {
  const post = (event: RepurposeEvent) => {
    try {
      port.postMessage(event);
    } catch {
      // The panel went away mid-run.
    }
  };
  const abort = new AbortController();
  port.onDisconnect.addListener(() => abort.abort());
  try {
    const { client } = await signedInClient();
    const { contentId, ...options } = request;
    // Only what was asked for reaches the panel: text for any other platform is dropped.
    const asked = new Set<string>(options.platforms);
    const res = await whileSignedIn(
      client.api.content[":id"].repurpose
        .$post(
          { param: { id: contentId }, json: options },
          { headers: { Accept: "text/event-stream" }, init: { signal: abort.signal } },
        )
        .catch((error: unknown) => {
          if (abort.signal.aborted) throw error;
          throw new ExtensionError("OFFLINE", "Can't reach CreatorOps. Check your connection.");
        }),
    );
    if (!res.ok || !res.body || !res.headers.get("Content-Type")?.includes("text/event-stream")) {
      // An error before the stream starts (quota, rate limit, not found) is a plain envelope.
      await whileSignedIn(unwrap(Promise.resolve(res)));
      throw new ExtensionError("UNKNOWN", "CreatorOps answered without a stream");
    }
    const messages = res.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream());
    try {
      for await (const message of messages as unknown as AsyncIterable<{
        event?: string;
        data: string;
      }>) {
        const streamed = parseRepurposeEvent(message.event, message.data);
        switch (streamed?.event) {
          case "progress": {
            const platforms = Array.isArray(streamed.data.platforms)
              ? streamed.data.platforms.filter((platform) => asked.has(platform))
              : options.platforms;
            post({ type: "progress", ...streamed.data, platforms });
            break;
          }
          case "text": {
            const { platform, delta } = streamed.data;
            if (asked.has(platform) && typeof delta === "string") {
              post({ type: "text", platform, delta });
            }
            break;
          }
          case "done": {
            const outcome = streamed.data.data as RepurposeOutcome | undefined;
            if (typeof outcome !== "object" || !outcome || !Array.isArray(outcome.variants)) {
              throw new ExtensionError(
                "UNKNOWN",
                "Repurposing ended without its variants. Reopen the item to see what was saved.",
              );
            }
            return post({ type: "done", outcome });
          }
          case "error": {
            const { status, error } = streamed.data;
            throw new ExtensionError(error.code, error.message, status, {
              ...(error.details ? { details: error.details } : {}),
              ...(error.issues ? { issues: error.issues } : {}),
            });
          }
        }
      }
    } catch (error) {
      if (error instanceof ExtensionError || abort.signal.aborted) throw error;
    }
    // The stream broke or ended without its last event. The API finishes the run on its own
    // (every variant saved, or none and the credits refunded), so the item itself will tell.
    throw new ExtensionError(
      "OFFLINE",
      "The connection dropped before repurposing finished. Reopen the item to see its variants.",
    );
  } catch (error) {
    if (!abort.signal.aborted) post({ type: "error", error: errorView(error) });
  }
}
