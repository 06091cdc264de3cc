/**
 * Workspaces themselves: a user's list, creating one (its creator becomes its owner), showing,
 * updating and deleting it. Who may do what (admin to update, owner to delete) is checked by
 * the caller before these run; here is what each does to the data, with its audit entry.
 */

import { count } from "drizzle-orm";
import type { z } from "zod";
import { DEFAULT_STAGES } from "../../shared/crm";
import type { PlanId } from "../../shared/plans";
import type { Role } from "../../shared/roles";
import type { BrandVoice, updateWorkspaceSchema, WorkspaceSettings } from "../../shared/workspaces";
import { audit, auditOutsideWorkspaces } from "../db/audit";
import type { Db } from "../db/client";
import { listMemberships } from "../db/cross-workspace";
import { dealStages, deals, workspaceMembers, workspaces } from "../db/schema";
import { WorkspaceScope } from "../db/scope";
import type { Actor, WorkspaceContext } from "../db/workspace-context";
import { notFound } from "../errors";
import { newId } from "../lib/ids";

/** A workspace as its member sees it in a list: with their own role in it. */
export interface WorkspaceSummary {
  id: string;
  name: string;
  plan: PlanId;
  role: Role;
}

export type WorkspaceChanges = z.output<typeof updateWorkspaceSchema>;

/**
 * The workspaces `userId` belongs to, oldest first: `{ id, name, plan, role, createdAt }[]`.
 * Crosses workspaces by design, so it reads through `listMemberships`. Throws nothing.
 */
export function listMyWorkspaces(db: Db, userId: string) {
  return listMemberships(db, userId);
}

/**
 * The statements that bring workspace `id` into being: its row, `ownerId` as its owner and the
 * `workspace.created` entry. Returned unrun, for the caller's batch, so a workspace never
 * exists without an owner (sign-up adds the user and the session to the same batch).
 */
export function workspaceCreation(
  db: Db,
  workspace: { id: string; name: string; ownerId: string },
) {
  const scope = new WorkspaceScope(db, workspace.id);
  return [
    // The row is what the scope is bound to, so it is created here rather than through it.
    db
      .insert(workspaces)
      .values({ id: workspace.id, name: workspace.name, createdBy: workspace.ownerId }),
    scope.insert(workspaceMembers, { userId: workspace.ownerId, role: "owner" }),
    // Every workspace starts with the default pipeline (shared/crm.ts DEFAULT_STAGES).
    scope.insert(
      dealStages,
      DEFAULT_STAGES.map((stage, position) => ({ id: newId("stg"), ...stage, position })),
    ),
    audit(scope, {
      actorId: workspace.ownerId,
      action: "workspace.created",
      targetType: "workspace",
      targetId: workspace.id,
    }),
  ] as const;
}

/**
 * Creates a workspace named `name` on the free plan, owned by `user` (one transaction).
 * Answers `{ id, name, plan: "free", role: "owner" }`. Throws nothing of its own.
 */
export async function createWorkspace(
  db: Db,
  user: Actor,
  input: { name: string },
): Promise<WorkspaceSummary> {
  const id = newId("ws");
  await db.batch(workspaceCreation(db, { id, name: input.name, ownerId: user.id }));
  return { id, name: input.name, plan: "free", role: "owner" };
}

/**
 * The workspace with its brand voice and settings (defaults when never set), the caller's role
 * and how many members it has:
 * `{ id, name, plan, brandVoice, settings, role, memberCount, createdAt }` (createdAt ISO).
 * Throws 404 NOT_FOUND when the workspace was deleted since the context was made.
 */
export async function getWorkspace(ctx: WorkspaceContext) {
  const [row, [members]] = await Promise.all([
    ctx.scope.workspace(),
    ctx.db
      .select({ count: count() })
      .from(workspaceMembers)
      .where(ctx.scope.where(workspaceMembers)),
  ]);
  if (!row) throw notFound("Workspace not found");
  return {
    id: row.id,
    name: row.name,
    plan: row.plan,
    brandVoice: row.brandVoice ?? ({ description: "", samples: [] } satisfies BrandVoice),
    settings: row.settings ?? ({} satisfies WorkspaceSettings),
    role: ctx.workspace.role,
    memberCount: members?.count ?? 0,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Changes the name, brand voice and/or settings, and records `workspace.updated` with the
 * names of the fields sent. Answers `{ id, name, plan, brandVoice, settings }` as stored
 * (brandVoice and settings null when never set). Throws 404 NOT_FOUND when the workspace was
 * deleted since the context was made.
 */
export async function updateWorkspace(ctx: WorkspaceContext, changes: WorkspaceChanges) {
  const [updated] = await ctx.scope
    .updateWorkspace({ ...changes, updatedAt: new Date() })
    .returning({
      id: workspaces.id,
      name: workspaces.name,
      plan: workspaces.plan,
      brandVoice: workspaces.brandVoice,
      settings: workspaces.settings,
    });
  if (!updated) throw notFound("Workspace not found");
  await audit(ctx.scope, {
    actorId: ctx.user?.id ?? null,
    action: "workspace.updated",
    targetType: "workspace",
    targetId: ctx.workspace.id,
    metadata: { fields: Object.keys(changes) },
  });
  return updated;
}

/**
 * Deletes the workspace with everything in it: members, invitations, content, deals, its
 * audit log (ON DELETE CASCADE). The `workspace.deleted` entry, written in the same
 * transaction, belongs to no workspace so that it outlives it. Answers `{ id, deleted: true }`.
 * Throws nothing of its own (deleting twice deletes nothing the second time).
 */
export async function deleteWorkspace(ctx: WorkspaceContext) {
  const { id, name } = ctx.workspace;
  await ctx.db.batch([
    // Deals first: a deal's stage is ON DELETE RESTRICT, and the cascade from the workspace
    // would reach the stages before the deals that use them.
    ctx.scope.delete(deals),
    ctx.scope.deleteWorkspace(),
    auditOutsideWorkspaces(ctx.db, {
      actorId: ctx.user?.id ?? null,
      action: "workspace.deleted",
      targetType: "workspace",
      targetId: id,
      metadata: { name },
    }),
  ]);
  return { id, deleted: true as const };
}
