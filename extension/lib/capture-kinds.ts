/**
 * The kinds of capture the offline queue carries: each one's route, its body (the type of the
 * route's schema input) and how its answer is described. The queue itself is kind-neutral; a
 * new kind (`sponsor-email` → POST /api/deals/capture-email, next) is one row here.
 */
import type { ClientResponse } from "hono/client";
import type { CreateContentInput } from "../../shared/content";
import type { ApiClient, ApiData } from "./api";
import { youtubeSubject } from "./sites";

/** What a landed capture reports, whatever its kind. */
export interface CaptureResult {
  kind: CaptureKind;
  /** The id of what the API made or already had (a content item; a deal, later). */
  id: string;
  /** What the creator calls it. */
  title: string;
  /** What it was captured from (`youtube:<id>`), so the page showing it can say "Saved". */
  subject: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: any status and format of a route's responses
interface KindSpec<Body, Response extends ClientResponse<any, any, any>> {
  /** The route it is POSTed to. */
  path: string;
  /** The typed client call of that route, with the capture's own idempotency key. */
  post(client: ApiClient, body: Body, idempotencyKey: string): Promise<Response>;
  /** What the pending list calls it. */
  title(body: Body): string;
  /** What it is captured from, if anything a tab shows. */
  subject(body: Body): string | null;
  /** The answer's id and title. */
  describe(answer: ApiData<Response>): { id: string; title: string };
}

// biome-ignore lint/suspicious/noExplicitAny: see KindSpec
const kind = <Body, Response extends ClientResponse<any, any, any>>(
  spec: KindSpec<Body, Response>,
) => spec;

export const CAPTURE_KINDS = {
  content: kind({
    path: "/api/content",
    post: (client, body: CreateContentInput, idempotencyKey) =>
      client.api.content.$post({ json: body, header: { "idempotency-key": idempotencyKey } }),
    title: (body) => body.title,
    subject: ({ source }) =>
      source?.kind === "youtube" && source.videoId ? youtubeSubject(source.videoId) : null,
    describe: (item) => ({ id: item.id, title: item.title }),
  }),
};

export type CaptureKind = keyof typeof CAPTURE_KINDS;
export type CaptureBody<K extends CaptureKind> = Parameters<(typeof CAPTURE_KINDS)[K]["post"]>[1];
