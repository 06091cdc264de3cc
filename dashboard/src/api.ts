// The dashboard's one door to the API: same origin, cookie session, the envelope unwrapped.
import type { ApiEnvelope, ErrorCode } from "../../shared/envelope";

export interface Me {
  user: { id: string; email: string; name: string | null };
  workspaces: { id: string; name: string; role: string; plan: string }[];
}

/** A failed call: the API's own code and message, or NETWORK_ERROR when nothing answered. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: ErrorCode | "NETWORK_ERROR",
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: body === undefined ? "GET" : "POST",
      credentials: "same-origin",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      "Could not reach CreatorOps. Check your connection and try again.",
      0,
      "NETWORK_ERROR",
    );
  }
  const envelope = (await response.json().catch(() => null)) as ApiEnvelope<T> | null;
  if (!envelope) {
    throw new ApiError(
      `Unexpected response (${response.status})`,
      response.status,
      "INTERNAL_ERROR",
    );
  }
  if (!envelope.success) {
    const { message, code, details } = envelope.error;
    throw new ApiError(message, response.status, code, details);
  }
  return envelope.data;
}

export const messageOf = (error: unknown, fallback: string): string =>
  error instanceof Error && error.message ? error.message : fallback;

export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`Missing #${id}`);
  return found as T;
}

export function setBusy(button: HTMLButtonElement, busy: boolean, label: string): void {
  button.disabled = busy;
  button.setAttribute("aria-busy", String(busy));
  button.textContent = label;
}
