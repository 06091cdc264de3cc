import { offlineRepurpose } from "./offline";
import type { AiProvider, RepurposeRequest, RepurposeResult } from "./provider";

export const OFFLINE_MODEL = "extractive-v1";

/** Rough token count (≈ 4 characters a token), so usage figures stay comparable. */
const approxTokens = (text: string) => Math.ceil(text.length / 4);

/**
 * The default provider when no AI key is configured: deterministic and local, so the product
 * works on a fresh machine with no network. Streaming clients still see text arrive.
 */
export class OfflineProvider implements AiProvider {
  readonly name = "offline" as const;
  readonly model = OFFLINE_MODEL;

  async repurpose(request: RepurposeRequest): Promise<RepurposeResult> {
    request.signal?.throwIfAborted();
    const drafts = offlineRepurpose(request.source, request.options);
    if (request.onText) {
      for (const draft of drafts) {
        for (const word of draft.body.split(/(?<=\s)/)) request.onText(word);
        request.onText("\n\n");
      }
    }
    const input = [
      request.source.title,
      request.source.notes,
      request.source.description,
      request.source.selection,
    ]
      .filter(Boolean)
      .join("\n");
    return {
      drafts,
      provider: this.name,
      model: this.model,
      usage: {
        promptTokens: approxTokens(input),
        completionTokens: drafts.reduce((total, draft) => total + approxTokens(draft.body), 0),
      },
    };
  }
}
