/**
 * Resolves the workspace a request acts on and checks the caller's membership and role.
 * Flat routes (`/api/content`, …) take it from the `X-Workspace-Id` header (or the user's only
 * workspace); `/api/workspaces/:id/…` routes from the path. Not a member → 404, so ids of
 * other tenants' workspaces are indistinguishable from ids that do not exist.
 */
import { and, eq } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import type { PlanId } from "../../shared/plans";
import { type Role, roleAtLeast } from "../../shared/roles";
import { idSchema, WORKSPACE_HEADER } from "../../shared/workspaces";
import type { AppEnv } from "../context";
import { workspaceMembers, workspaces } from "../db/schema";
import { WorkspaceScope } from "../db/scope";
import { ApiError, forbidden, notFound, validationError } from "../errors";
import { enforceLimit, workspaceRequestLimit } from "../rate-limits";
import type { AuthVariables } from "./auth";

export interface CurrentWorkspace {
  id: string;
  name: string;
  plan: PlanId;
  role: Role;
}

export type WorkspaceVariables = AuthVariables & {
  workspace: CurrentWorkspace;
  scope: WorkspaceScope;
};

type WorkspaceEnv = AppEnv & { Variables: WorkspaceVariables };

async function membership(c: { var: AppEnv["Variables"] & AuthVariables }, workspaceId?: string) {
  const rows = await c.var.db
    .select({
      id: workspaces.id,
      name: workspaces.name,
      plan: workspaces.plan,
      role: workspaceMembers.role,
    })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(
      and(
        eq(workspaceMembers.userId, c.var.user.id),
        workspaceId ? eq(workspaceMembers.workspaceId, workspaceId) : undefined,
      ),
    )
    .limit(2);
  return rows;
}

function resolveWorkspace(
  minRole: Role,
  pick: (c: {
    req: { header(n: string): string | undefined; param(n: string): string | undefined };
  }) => string | undefined,
) {
  return createMiddleware<WorkspaceEnv>(async (c, next) => {
    const requested = pick(c);
    if (requested !== undefined) {
      const parsed = idSchema.safeParse(requested);
      if (!parsed.success) throw validationError(parsed.error);
    }
    const rows = await membership(c, requested);
    let workspace: CurrentWorkspace | undefined;
    if (requested) {
      workspace = rows[0];
      if (!workspace) throw notFound("Workspace not found");
    } else if (rows.length === 1) {
      workspace = rows[0];
    } else if (rows.length === 0) {
      throw notFound("You are not a member of any workspace");
    } else {
      throw new ApiError(
        400,
        "WORKSPACE_REQUIRED",
        `You belong to several workspaces: choose one with the ${WORKSPACE_HEADER} header`,
      );
    }
    if (!workspace) throw notFound("Workspace not found");
    if (!roleAtLeast(workspace.role, minRole))
      throw forbidden(`This needs the ${minRole} role or higher`);
    await enforceLimit(c.env, `workspace:${workspace.id}`, workspaceRequestLimit(workspace.plan));
    c.set("workspace", workspace);
    c.set("workspaceId", workspace.id);
    c.set("scope", new WorkspaceScope(c.var.db, workspace.id));
    await next();
  });
}

/** For flat workspace-scoped routes: the `X-Workspace-Id` header, or the only workspace. */
export const workspaceFromHeader = (minRole: Role = "member") =>
  resolveWorkspace(minRole, (c) => c.req.header(WORKSPACE_HEADER) || undefined);

/** For `/api/workspaces/:id/…` routes. */
export const workspaceFromPath = (minRole: Role = "member") =>
  resolveWorkspace(minRole, (c) => c.req.param("id"));
