/**
 * The one typed API client (Hono `hc<AppType>`). Only the background imports it: it alone
 * holds the session token. Every call is unwrapped from the envelope — its `data` type inferred
 * from the route, never restated — and every failure, including "the API is unreachable",
 * becomes an ExtensionError the UI can explain.
 */
import { type ClientResponse, hc } from "hono/client";
import type { AppType } from "../../edge/app";
import type { ApiFailure } from "../../shared/envelope";
import { WORKSPACE_HEADER } from "../../shared/workspaces";
import { ExtensionError } from "./errors";

export type ApiClient = ReturnType<typeof hc<AppType>>;

// biome-ignore lint/suspicious/noExplicitAny: any status and format of a route's responses
type AnyResponse = ClientResponse<any, any, any>;

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

/** Awaits a client call and answers its `data`, or throws an ExtensionError. */
export async function unwrap<R extends AnyResponse>(call: Promise<R>): Promise<ApiData<R>> {
  let res: R;
  try {
    res = await call;
  } catch {
    throw new ExtensionError("OFFLINE", "Can't reach CreatorOps. Check your connection.", 0);
  }
  const body = (await res.json().catch(() => undefined)) as
    | { success: true; data: ApiData<R> }
    | ApiFailure
    | undefined;
  if (body?.success) return body.data;
  const retryAfter = Number(res.headers.get("Retry-After"));
  throw new ExtensionError(
    body?.error.code ?? (res.status >= 500 ? "INTERNAL_ERROR" : "UNKNOWN"),
    body?.error.message ?? `CreatorOps answered ${res.status}`,
    res.status,
    {
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
      ...(body?.error.details ? { details: body.error.details } : {}),
      ...(body?.error.issues ? { issues: body.error.issues } : {}),
    },
  );
}
