/**
 * Audit entries: who did what, written in the same batch as the change they record. An entry
 * of a workspace goes through its scope (stamped with its id like every scoped write); only a
 * workspace's deletion, whose row is gone once the batch commits, is recorded outside one.
 */
import { newId } from "../lib/ids";
import type { Db } from "./client";
import { auditLog } from "./schema";
import type { WorkspaceScope } from "./scope";

export interface AuditEntry {
  /** Who acted; null for system work (a cron job, a webhook). */
  actorId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, unknown>;
}

/** An audit insert into the scope's workspace, to run in the same batch as the change. */
export function audit(scope: WorkspaceScope, entry: AuditEntry) {
  return scope.insert(auditLog, { id: newId("aud"), ...entry });
}

/**
 * An entry that belongs to no workspace (`workspace.deleted`: the workspace and, by cascade,
 * its log are gone). No workspace id to stamp or compare, so no scope.
 */
export function auditOutsideWorkspaces(db: Db, entry: AuditEntry) {
  return db.insert(auditLog).values({ id: newId("aud"), workspaceId: null, ...entry });
}
