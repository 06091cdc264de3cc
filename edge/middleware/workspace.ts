/**
 * Signs the request in and resolves the workspace it acts on, with the caller's role — the
 * session, the user and the membership in one D1 query. Flat routes (`/api/content`, …) take
 * the workspace from the `X-Workspace-Id` header (or the user's only workspace);
 * `/api/workspaces/:id/…` routes from the path. Not a member → 404, so ids of other tenants'
 * workspaces are indistinguishable from ids that do not exist.
 */
import { createMiddleware } from "hono/factory";
import { idSchema } from "../../shared/ids";
import { type Role, roleAtLeast } from "../../shared/roles";
import { WORKSPACE_HEADER } from "../../shared/workspaces";
import type { MemberOf } from "../auth/sessions";
import type { AppEnv } from "../context";
import type { WorkspaceScope } from "../db/scope";
import { type WorkspaceContext, workspaceContext } from "../db/workspace-context";
import { ApiError, forbidden, notFound, validationError } from "../errors";
import { enforceLimit, workspaceRequestLimit } from "../rate-limits";
import { type AuthVariables, authenticate } from "./auth";

export type WorkspaceVariables = AuthVariables & {
  workspace: MemberOf;
  scope: WorkspaceScope;
  /** The use cases' context: scope, workspace, user, env. */
  ctx: WorkspaceContext;
};

type WorkspaceEnv = AppEnv & { Variables: WorkspaceVariables };

function resolveWorkspace(
  minRole: Role,
  /** Where the id comes from, as a validation issue names it. */
  field: string,
  pick: (c: {
    req: { header(n: string): string | undefined; param(n: string): string | undefined };
  }) => string | undefined,
) {
  return createMiddleware<WorkspaceEnv>(async (c, next) => {
    const requested = pick(c);
    if (requested !== undefined) {
      const parsed = idSchema.safeParse(requested);
      if (!parsed.success) {
        // Signed-out callers learn only that they must sign in.
        await authenticate(c, { kind: "none" });
        throw validationError({
          issues: parsed.error.issues.map((issue) => ({ ...issue, path: [field] })),
        });
      }
    }
    const memberships = await authenticate(
      c,
      requested ? { kind: "id", id: requested } : { kind: "only" },
    );
    let workspace: MemberOf | undefined;
    if (requested) {
      workspace = memberships[0];
      if (!workspace) throw notFound("Workspace not found");
    } else if (memberships.length === 1) {
      workspace = memberships[0];
    } else if (memberships.length === 0) {
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
    const ctx = workspaceContext(c.var.db, c.env, workspace, { id: c.var.user.id });
    c.set("workspace", workspace);
    c.set("workspaceId", workspace.id);
    c.set("scope", ctx.scope);
    c.set("ctx", ctx);
    await next();
  });
}

/** For flat workspace-scoped routes: the `X-Workspace-Id` header, or the only workspace. */
export const workspaceFromHeader = (minRole: Role = "member") =>
  resolveWorkspace(minRole, WORKSPACE_HEADER, (c) => c.req.header(WORKSPACE_HEADER) || undefined);

/** For `/api/workspaces/:id/…` routes. */
export const workspaceFromPath = (minRole: Role = "member") =>
  resolveWorkspace(minRole, "id", (c) => c.req.param("id"));
