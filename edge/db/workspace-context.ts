/**
 * The workspace a use case acts on, bound once: its scope (the one door to its data), who
 * acts and with which role, its plan, and the Worker's bindings. HTTP requests get one from
 * the workspace middleware, queue consumers and cron jobs from `loadWorkspaceContext`; both
 * build it with `workspaceContext`, so a use case runs the same way from either.
 */
import type { PlanId } from "../../shared/plans";
import type { Role } from "../../shared/roles";
import type { Db } from "./client";
import { workspaceForJob } from "./cross-workspace";
import { WorkspaceScope } from "./scope";

export interface CurrentWorkspace {
  id: string;
  name: string;
  plan: PlanId;
  /** The acting user's role; null for work no member asked for (or whose member left). */
  role: Role | null;
}

export interface Actor {
  id: string;
}

export interface WorkspaceContext {
  db: Db;
  env: Env;
  scope: WorkspaceScope;
  workspace: CurrentWorkspace;
  /** Who acts: the signed-in user, or the user who queued the job; null for system work. */
  user: Actor | null;
}

export function workspaceContext(
  db: Db,
  env: Env,
  workspace: CurrentWorkspace,
  user: Actor | null,
): WorkspaceContext {
  return { db, env, scope: new WorkspaceScope(db, workspace.id), workspace, user };
}

/**
 * The context for a job acting in `workspaceId` on behalf of `userId`; undefined when the
 * workspace no longer exists (deleted since the job was queued).
 */
export async function loadWorkspaceContext(
  db: Db,
  env: Env,
  workspaceId: string,
  userId: string | null,
): Promise<WorkspaceContext | undefined> {
  const row = await workspaceForJob(db, workspaceId, userId);
  if (!row) return undefined;
  return workspaceContext(db, env, row, userId ? { id: userId } : null);
}
