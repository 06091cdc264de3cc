/**
 * The kinds of capture the offline queue carries: each one's route, its body (the type of the
 * route's schema input) and how its answer is described. The queue itself is kind-neutral; a
 * new kind is one row here.
 */
import type { ClientResponse } from "hono/client";
import type { CreateContentInput } from "../../shared/content";
import type { CaptureEmailInput } from "../../shared/crm";
import { formatCalendarDay, formatMoney } from "../../shared/view/format";
import type { AnyResponse, ApiClient, ApiData } from "./api";
import { gmailSubject, youtubeSubject } from "./subjects";

/** What a landed capture reports, whatever its kind. */
export interface CaptureResult {
  kind: CaptureKind;
  /** The id of what the API made or already had (a content item; a deal, later). */
  id: string;
  /** What the creator calls it. */
  title: string;
  /** What it was captured from (`youtube:<id>`), so the page showing it can say "Saved". */
  subject: string | null;
  /** What the page shows of it beside its title: "$2,500", "by Jan 15". */
  facts?: string[];
  /** What the creator should check (a sponsor email's capture warnings). */
  warnings?: string[];
  /** It was there already (the same email captured before): "In pipeline ✓". */
  existing?: boolean;
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
  /** The answer's id and title, and what the page shows of it. */
  describe(
    answer: ApiData<Response>,
  ): Pick<CaptureResult, "id" | "title" | "facts" | "warnings" | "existing">;
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
  /** A sponsor's email from Gmail (features/gmail-capture.tsx) becomes a deal. */
  sponsorEmail: kind({
    path: "/api/deals/capture-email",
    post: (client, body: CaptureEmailInput, idempotencyKey) =>
      client.api.deals["capture-email"].$post({
        json: body,
        header: { "idempotency-key": idempotencyKey },
      }),
    title: (body) => body.subject.trim() || `Email from ${body.from.email}`,
    subject: (body) => gmailSubject(body.messageId),
    describe: ({ deal, created, warnings }) => ({
      id: deal.id,
      title: deal.title,
      facts: [
        ...(deal.valueMinor !== null ? [formatMoney(deal.valueMinor, deal.currency)] : []),
        ...(deal.expectedCloseAt ? [`by ${formatCalendarDay(deal.expectedCloseAt)}`] : []),
      ],
      warnings,
      existing: !created,
    }),
  }),
};

export type CaptureKind = keyof typeof CAPTURE_KINDS;
export type CaptureBody<K extends CaptureKind> = Parameters<(typeof CAPTURE_KINDS)[K]["post"]>[1];

/**
 * A kind's row for a body that arrives typed by its kind as a union (a stored capture): the
 * row and the body belong together, but TypeScript cannot correlate a union's kind with its
 * body, so this is the one place that says so.
 */
export interface AnyKindSpec {
  path: string;
  post(client: ApiClient, body: unknown, idempotencyKey: string): Promise<AnyResponse>;
  title(body: unknown): string;
  subject(body: unknown): string | null;
  describe(
    answer: unknown,
  ): Pick<CaptureResult, "id" | "title" | "facts" | "warnings" | "existing">;
}
export const kindSpec = (kind: CaptureKind): AnyKindSpec =>
  CAPTURE_KINDS[kind] as unknown as AnyKindSpec;
