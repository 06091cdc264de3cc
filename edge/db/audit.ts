import { newId } from "../lib/ids";
import type { Db } from "./client";
import { auditLog } from "./schema";

export interface AuditEntry {
  workspaceId: string | null;
  actorId: string;
  action: string;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, unknown>;
}

/** An audit insert, to run in the same batch as the change it records. */
export function audit(db: Db, entry: AuditEntry) {
  return db.insert(auditLog).values({ id: newId("aud"), ...entry });
}
