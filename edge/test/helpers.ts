/** Shared test helpers: real requests through the Worker (SELF), unique users per test. */
import { SELF } from "cloudflare:test";

export const BASE = "https://api.creatorops.test";

export interface ApiResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Raw body sent as-is (for malformed JSON and wrong content types). */
  rawBody?: string;
  token?: string;
  workspaceId?: string;
  headers?: Record<string, string>;
}

export async function api<T = any>(
  path: string,
  options: RequestOptions = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.workspaceId) headers["X-Workspace-Id"] = options.workspaceId;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] ??= "application/json";
  }
  const res = await SELF.fetch(`${BASE}${path}`, {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // leave non-JSON bodies as text so assertions can show them
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

let counter = 0;
export function uniqueEmail(label = "creator"): string {
  counter += 1;
  return `${label}-${counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

/** A fresh IP per caller, so the per-IP sign-up/sign-in limits of one test never leak into another. */
export function uniqueIp(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

export const PASSWORD = "correct horse battery";

export interface TestUser {
  email: string;
  password: string;
  token: string;
  userId: string;
  /** The personal workspace created at sign-up. */
  workspaceId: string;
  ip: string;
}

export async function signUp(label = "creator"): Promise<TestUser> {
  const email = uniqueEmail(label);
  const ip = uniqueIp();
  const res = await api("/api/auth/signup", {
    body: { email, password: PASSWORD, client: "api" },
    headers: { "CF-Connecting-IP": ip },
  });
  if (res.status !== 201)
    throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    email,
    password: PASSWORD,
    token: res.body.data.token,
    userId: res.body.data.user.id,
    workspaceId: res.body.data.workspaceId,
    ip,
  };
}

/** Invites `member` into `owner`'s workspace with `role` and accepts; returns nothing on success. */
export async function addMember(
  owner: TestUser,
  workspaceId: string,
  member: TestUser,
  role: "admin" | "member",
) {
  const invite = await api(`/api/workspaces/${workspaceId}/invitations`, {
    token: owner.token,
    body: { email: member.email, role },
  });
  if (invite.status !== 201)
    throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
  const token = new URL(invite.body.data.inviteUrl).searchParams.get("token");
  const accepted = await api("/api/invitations/accept", { token: member.token, body: { token } });
  if (accepted.status !== 200)
    throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
}

/** Creates a pending invitation (as `inviter`, an admin or owner) and returns its id and token. */
export async function invite(
  inviter: TestUser,
  workspaceId: string,
  email: string,
  role: "admin" | "member" = "member",
): Promise<{ id: string; token: string }> {
  const res = await api(`/api/workspaces/${workspaceId}/invitations`, {
    token: inviter.token,
    body: { email, role },
  });
  if (res.status !== 201) {
    throw new Error(`invite failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const token = new URL(res.body.data.inviteUrl).searchParams.get("token");
  if (!token) throw new Error("invite URL has no token");
  return { id: res.body.data.invitation.id, token };
}

/** Request options acting as `user` in their own workspace (token + `X-Workspace-Id`). */
export const as = (user: TestUser, extra: RequestOptions = {}): RequestOptions => ({
  token: user.token,
  workspaceId: user.workspaceId,
  ...extra,
});
