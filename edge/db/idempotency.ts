/**
 * Idempotent creation, one mechanism for every write a client may retry (captures now; the
 * CRM's writes and Gmail captures next): a retry with the same `Idempotency-Key` answers the
 * first result instead of writing again. The key row is written in the same batch as the
 * write it guards, so a crash never leaves a key without its result (or a result without its
 * key), and of two racing requests with one key the second batch fails on the primary key,
 * is rolled back, and answers what the first stored.
 */
import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/encoding";
import { idempotencyKeys } from "./schema";
import type { WorkspaceScope } from "./scope";
import { isUniqueViolation } from "./unique";

/**
 * A key is remembered for 7 days, then free again (housekeeping removes it). Longer than the
 * usual 24 hours: the extension keeps an unsent capture through a closed browser, and a retry
 * after a long weekend must still answer the first result rather than write it twice.
 */
export const KEY_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** What a guarded write answers: its HTTP status (201 created, 200 found) and its data. */
export interface WriteOutcome<T> {
  status: 200 | 201;
  data: T;
}

/** The request a key guards: the same key with another method, path or body is refused. */
export interface KeyedRequest {
  key: string;
  method: string;
  path: string;
  body: unknown;
}

/** The key row to add to the guarded write's batch; nothing when the request had no key. */
export type Remember<T> = (outcome: WriteOutcome<T>) => BatchItem<"sqlite">[];

/**
 * Runs `write` once per key. `write` gets `remember`, whose statements it must put in the same
 * `db.batch` as its own insert. Without a key, `write` simply runs.
 *
 * @throws ApiError 400 IDEMPOTENCY_KEY_REUSED when the key was used for a different request.
 */
export async function withIdempotency<T>(
  scope: WorkspaceScope,
  request: KeyedRequest | undefined,
  write: (remember: Remember<T>) => Promise<WriteOutcome<T>>,
): Promise<WriteOutcome<T>> {
  if (!request) return write(() => []);
  const fingerprint = await sha256Hex(
    `${request.method} ${request.path} ${JSON.stringify(request.body)}`,
  );
  const stored = await storedOutcome<T>(scope, request.key, fingerprint);
  if (stored) return stored;
  const remember: Remember<T> = (outcome) => {
    const now = Date.now();
    return [
      scope.insert(idempotencyKeys, {
        key: request.key,
        method: request.method,
        path: request.path,
        requestHash: fingerprint,
        statusCode: outcome.status,
        // Stored as the envelope it was answered with.
        responseBody: JSON.stringify({ success: true, data: outcome.data }),
        createdAt: new Date(now),
        expiresAt: new Date(now + KEY_TTL_MS),
      }),
    ];
  };
  try {
    return await write(remember);
  } catch (error) {
    // Lost a race with an identical request: answer what the winner stored.
    if (isUniqueViolation(error, "idempotency_keys")) {
      const winner = await storedOutcome<T>(scope, request.key, fingerprint);
      if (winner) return winner;
    }
    throw error;
  }
}

async function storedOutcome<T>(
  scope: WorkspaceScope,
  key: string,
  fingerprint: string,
): Promise<WriteOutcome<T> | undefined> {
  const [row] = await scope.select(idempotencyKeys, eq(idempotencyKeys.key, key)).limit(1);
  if (!row) return undefined;
  if (row.expiresAt.getTime() <= Date.now()) {
    // Past its 7 days the key is free again; housekeeping may not have removed it yet.
    await scope.delete(idempotencyKeys, eq(idempotencyKeys.key, key));
    return undefined;
  }
  if (row.requestHash !== fingerprint) {
    throw new ApiError(
      400,
      "IDEMPOTENCY_KEY_REUSED",
      "This Idempotency-Key was already used for a different request. Use a new key.",
    );
  }
  const envelope = JSON.parse(row.responseBody ?? "null") as { data: T } | null;
  return { status: row.statusCode === 201 ? 201 : 200, data: envelope?.data as T };
}
