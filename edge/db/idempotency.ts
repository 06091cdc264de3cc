/**
 * Idempotency keys: a client that retries a write with the same `Idempotency-Key` gets the
 * first answer back. The key row is written in the same batch as the write it guards, so a
 * crash can never leave a key without its result (or a result without its key), and of two
 * racing requests with one key, the second batch fails on the primary key and is rolled back.
 */
import { and, eq } from "drizzle-orm";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/encoding";
import type { Db } from "./client";
import { idempotencyKeys } from "./schema";

const KEY_TTL_MS = 24 * 60 * 60 * 1000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export async function requestFingerprint(
  method: string,
  path: string,
  body: unknown,
): Promise<string> {
  return sha256Hex(`${method} ${path} ${JSON.stringify(body)}`);
}

/** The stored answer for this key, or undefined when the key is new (or expired). */
export async function findStoredResponse(
  db: Db,
  workspaceId: string,
  key: string,
  fingerprint: string,
): Promise<StoredResponse | undefined> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.workspaceId, workspaceId), eq(idempotencyKeys.key, key)))
    .limit(1);
  if (!row) return undefined;
  if (row.expiresAt.getTime() <= Date.now()) {
    // Past its 24 hours the key is free again; housekeeping may not have removed it yet.
    await db
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.workspaceId, workspaceId), eq(idempotencyKeys.key, key)));
    return undefined;
  }
  if (row.requestHash !== fingerprint) {
    throw new ApiError(
      400,
      "IDEMPOTENCY_KEY_REUSED",
      "This Idempotency-Key was already used for a different request. Use a new key.",
    );
  }
  return { status: row.statusCode ?? 200, body: JSON.parse(row.responseBody ?? "null") };
}

/** The key row to insert in the same batch as the guarded write. */
export function storeResponse(
  db: Db,
  record: { workspaceId: string; key: string; method: string; path: string; fingerprint: string },
  response: StoredResponse,
) {
  const now = Date.now();
  return db.insert(idempotencyKeys).values({
    workspaceId: record.workspaceId,
    key: record.key,
    method: record.method,
    path: record.path,
    requestHash: record.fingerprint,
    statusCode: response.status,
    responseBody: JSON.stringify(response.body),
    createdAt: new Date(now),
    expiresAt: new Date(now + KEY_TTL_MS),
  });
}
