/**
 * The one typed API client (Hono `hc<AppType>`). Only the background imports it: it alone
 * holds the session token. Every call is unwrapped from the envelope, and every failure —
 * including "the API is unreachable" — becomes an ExtensionError the UI can explain.
 */
import { hc } from "hono/client";
import type { AppType } from "../../edge/app";
import type { ApiEnvelope } from "../../shared/envelope";
import { WORKSPACE_HEADER } from "../../shared/workspaces";
import { ExtensionError } from "./errors";

export type ApiClient = ReturnType<typeof hc<AppType>>;

export function apiClient(origin: string, auth?: { token: string; workspaceId?: string | null }) {
  const headers: Record<string, string> = {};
  if (auth) headers.Authorization = `Bearer ${auth.token}`;
  if (auth?.workspaceId) headers[WORKSPACE_HEADER] = auth.workspaceId;
  return hc<AppType>(origin, { headers });
}

/** Awaits a client call and answers its `data`, or throws an ExtensionError. */
export async function unwrap<T>(
  call: Promise<{ status: number; headers: Headers; json(): Promise<unknown> }>,
): Promise<T> {
  let res: Awaited<typeof call>;
  try {
    res = await call;
  } catch {
    throw new ExtensionError("OFFLINE", "Can't reach CreatorOps. Check your connection.", 0);
  }
  const body = (await res.json().catch(() => undefined)) as ApiEnvelope<T> | undefined;
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
