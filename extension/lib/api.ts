/**
 * The one typed API client (Hono `hc<AppType>`). Only the background imports it: it alone
 * holds the session token. Every call is unwrapped from the envelope — its `data` type inferred
 * from the route, never restated — and every failure, including "the API is unreachable",
 * becomes an ExtensionError the UI can explain.
 */
import { type ClientResponse, hc } from "hono/client";
import type { AppType } from "../../edge/app";
import type { ApiFailure, ErrorCode } from "../../shared/envelope";
import { WORKSPACE_HEADER } from "../../shared/workspaces";
import { ExtensionError } from "./errors";

export type ApiClient = ReturnType<typeof hc<AppType>>;

// biome-ignore lint/suspicious/noExplicitAny: any status and format of a route's responses
export type AnyResponse = ClientResponse<any, any, any>;

/** The `data` of a route's success envelopes, inferred from its responses. */
export type ApiData<R> =
  R extends ClientResponse<infer Body, infer _Status, infer _Format>
    ? Body extends { success: true; data: infer Data }
      ? Data
      : never
    : never;

/** What an API call (a client method) answers on success. */
// biome-ignore lint/suspicious/noExplicitAny: matches every client method's arguments
export type Answer<Call> = Call extends (...args: any[]) => Promise<infer R> ? ApiData<R> : never;

export function apiClient(origin: string, auth?: { token: string; workspaceId?: string | null }) {
  const headers: Record<string, string> = {};
  if (auth) headers.Authorization = `Bearer ${auth.token}`;
  if (auth?.workspaceId) headers[WORKSPACE_HEADER] = auth.workspaceId;
  return hc<AppType>(origin, { headers });
}

/** What an answer that is not the API's envelope means, by its HTTP status. */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  429: "RATE_LIMITED",
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/** The API's JSON envelope, as every route answers; anything else came from something else. */
function envelopeOf<Data>(body: unknown): { success: true; data: Data } | ApiFailure | undefined {
  if (!isRecord(body)) return undefined;
  if (body.success === true && "data" in body) return body as { success: true; data: Data };
  const error = body.error;
  return body.success === false && isRecord(error) && typeof error.code === "string"
    ? (body as ApiFailure)
    : undefined;
}

/**
 * Awaits a client call and answers its `data`, or throws an ExtensionError. An answer that is
 * not the API's envelope (a captive portal's page, a gateway's own JSON) came from something
 * between us and the API: an error status keeps its status and is read by it; any other such
 * answer is "unreachable" (OFFLINE, status 0: no answer from CreatorOps came back), retried.
 */
export async function unwrap<R extends AnyResponse>(call: Promise<R>): Promise<ApiData<R>> {
  let res: R;
  try {
    res = await call;
  } catch {
    throw unreachable();
  }
  const body = envelopeOf<ApiData<R>>(await res.json().catch(() => undefined));
  if (body?.success) return body.data;
  const retryAfter = Number(res.headers.get("Retry-After"));
  const extras =
    Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {};
  if (!body) {
    if (res.status < 400) throw unreachable();
    const code = res.status >= 500 ? "INTERNAL_ERROR" : (CODE_BY_STATUS[res.status] ?? "UNKNOWN");
    throw new ExtensionError(code, `CreatorOps answered ${res.status}`, res.status, extras);
  }
  const { code, message, details, issues } = body.error;
  throw new ExtensionError(code, typeof message === "string" ? message : "", res.status, {
    ...extras,
    ...(isRecord(details) ? { details } : {}),
    ...(Array.isArray(issues) ? { issues } : {}),
  });
}

const unreachable = () =>
  new ExtensionError("OFFLINE", "Can't reach CreatorOps. Check your connection.", 0);
