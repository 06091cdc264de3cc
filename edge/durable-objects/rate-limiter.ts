import { DurableObject } from "cloudflare:workers";

const ALARM_SLACK_MS = 60_000;

/** A token bucket: `capacity` requests at once, refilled continuously at `refillPerSecond`. */
export interface BucketRule {
  capacity: number;
  refillPerSecond: number;
}

export interface BucketResult {
  allowed: boolean;
  remaining: number;
  /** Whole seconds until `cost` tokens are available again (0 when allowed). */
  retryAfterSeconds: number;
}

/**
 * One instance per key (a workspace, an IP, an email). Durable Objects run one request at a
 * time per instance, so the read-modify-write below needs no locking. State lives in the
 * object's SQLite storage and is deleted by an alarm once the bucket is full again, so
 * one-off keys (an IP that tried once) do not accumulate.
 */
export class RateLimiter extends DurableObject<Env> {
  /** When the clean-up alarm is set for, as far as this instance knows. */
  private alarmAt: number | undefined;

  async consume(rule: BucketRule, cost = 1): Promise<BucketResult> {
    const now = Date.now();
    // Created here rather than in the constructor: alarm() drops the whole database, and the
    // same instance may serve again afterwards.
    this.ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS bucket (id INTEGER PRIMARY KEY CHECK (id = 1), tokens REAL NOT NULL, updated_at INTEGER NOT NULL)",
    );
    const row = this.ctx.storage.sql
      .exec<{ tokens: number; updated_at: number }>(
        "SELECT tokens, updated_at FROM bucket WHERE id = 1",
      )
      .toArray()[0];
    const elapsedSeconds = row ? Math.max(0, now - row.updated_at) / 1000 : 0;
    const available = row
      ? Math.min(rule.capacity, row.tokens + elapsedSeconds * rule.refillPerSecond)
      : rule.capacity;

    const allowed = available >= cost;
    const tokens = allowed ? available - cost : available;
    this.ctx.storage.sql.exec(
      "INSERT INTO bucket (id, tokens, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at",
      tokens,
      now,
    );
    // Clean-up alarm for when the bucket will be full again. Moving it costs a storage write,
    // so it is only pushed later when it would otherwise fire early.
    const fullAt = now + Math.ceil(((rule.capacity - tokens) / rule.refillPerSecond) * 1000);
    if (this.alarmAt === undefined || this.alarmAt < fullAt) {
      this.alarmAt = fullAt + ALARM_SLACK_MS;
      await this.ctx.storage.setAlarm(this.alarmAt);
    }

    return {
      allowed,
      remaining: Math.floor(tokens),
      retryAfterSeconds: allowed ? 0 : Math.ceil((cost - tokens) / rule.refillPerSecond),
    };
  }

  override async alarm(): Promise<void> {
    this.alarmAt = undefined;
    // The bucket is full by now (or a later consume() moved the alarm): forget this key.
    await this.ctx.storage.deleteAll();
  }
}
