/**
 * A workspace's members: the list, role changes and removals. Two rules live here: only an
 * owner grants or takes away ownership (or removes an admin or owner), and a workspace always
 * keeps at least one owner — checked in the same statement as the change, so two owners
 * demoting each other at once cannot both win.
 */
import { asc, eq, gt, ne, or, type SQL } from "drizzle-orm";
import { type Role, roleAtLeast } from "../../shared/roles";
import { audit } from "../db/audit";
import { calendarTokens, followups, users, workspaceMembers } from "../db/schema";
import type { WorkspaceScope } from "../db/scope";
import type { WorkspaceContext } from "../db/workspace-context";
import { ApiError, forbidden, notFound } from "../errors";

/**
 * Everyone in the workspace, longest-standing first:
 * `{ userId, email, name, role, joinedAt }[]`. Throws nothing.
 */
export function listMembers(ctx: WorkspaceContext) {
  return ctx.db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: workspaceMembers.role,
      joinedAt: workspaceMembers.createdAt,
    })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(ctx.scope.where(workspaceMembers))
    .orderBy(asc(workspaceMembers.createdAt));
}

/**
 * Gives member `userId` the role `role` and records `member.role_changed` (from → to).
 * Answers `{ userId, role }`. The caller has checked that the acting user is an admin or owner.
 * Throws 404 NOT_FOUND (no such member here), 403 FORBIDDEN (granting or taking away ownership,
 * or changing another admin's role, by anyone but an owner), 409 LAST_OWNER (demoting the last
 * owner).
 */
export async function changeMemberRole(ctx: WorkspaceContext, userId: string, role: Role) {
  const target = await findMember(ctx.scope, userId);
  if ((role === "owner" || target.role === "owner") && ctx.workspace.role !== "owner") {
    throw forbidden("Only an owner can change ownership");
  }
  // Like removing one, demoting another admin is an owner's call (an admin may step down).
  if (target.role === "admin" && userId !== ctx.user?.id && ctx.workspace.role !== "owner") {
    throw forbidden("Only an owner can change another admin's role");
  }
  const [changed] = await ctx.scope
    .update(
      workspaceMembers,
      { role },
      eq(workspaceMembers.userId, userId),
      ...(role === "owner" ? [] : [anotherOwnerRemains(ctx.scope)]),
    )
    .returning({ userId: workspaceMembers.userId });
  if (!changed) throw lastOwner();
  await audit(ctx.scope, {
    actorId: ctx.user?.id ?? null,
    action: "member.role_changed",
    targetType: "user",
    targetId: userId,
    metadata: { from: target.role, to: role },
  });
  return { userId, role };
}

/**
 * Removes member `userId`: the acting user leaving (`member.left`; anyone may) or removing
 * someone else (`member.removed`; admins remove members, only owners remove admins and
 * owners). Answers `{ userId, removed: true }`. Throws 404 NOT_FOUND (no such member here),
 * 403 FORBIDDEN (role too low for that target), 409 LAST_OWNER (the last owner leaving or
 * being removed).
 */
export async function removeMember(ctx: WorkspaceContext, userId: string) {
  const actor = ctx.workspace.role;
  const leaving = ctx.user !== null && userId === ctx.user.id;
  const target = await findMember(ctx.scope, userId);
  if (!leaving) {
    if (!actor || !roleAtLeast(actor, "admin"))
      throw forbidden("Only admins and owners can remove members");
    if (target.role !== "member" && actor !== "owner")
      throw forbidden("Only an owner can remove an admin or owner");
  }
  const [removed] = await ctx.scope
    .delete(workspaceMembers, eq(workspaceMembers.userId, userId), anotherOwnerRemains(ctx.scope))
    .returning({ userId: workspaceMembers.userId });
  if (!removed) throw lastOwner();
  // Their calendar feed URL dies with the membership, so joining again never revives it, and
  // their follow-ups go back to nobody (reminders go to the assignee).
  await ctx.db.batch([
    ctx.scope.delete(calendarTokens, eq(calendarTokens.userId, userId)),
    ctx.scope.update(followups, { assigneeId: null }, eq(followups.assigneeId, userId)),
  ]);
  await audit(ctx.scope, {
    actorId: ctx.user?.id ?? null,
    action: leaving ? "member.left" : "member.removed",
    targetType: "user",
    targetId: userId,
  });
  return { userId, removed: true as const };
}

async function findMember(scope: WorkspaceScope, userId: string) {
  const [member] = await scope.db
    .select({ role: workspaceMembers.role })
    .from(workspaceMembers)
    .where(scope.where(workspaceMembers, eq(workspaceMembers.userId, userId)))
    .limit(1);
  if (!member) throw notFound("Member not found");
  return member;
}

/**
 * For a change that takes a member's ownership away: the row matches only if it is not an
 * owner's, or another owner remains. The count reads the workspace's owners in the statement
 * making the change.
 */
function anotherOwnerRemains(scope: WorkspaceScope): SQL {
  return or(
    ne(workspaceMembers.role, "owner"),
    gt(scope.count(workspaceMembers, eq(workspaceMembers.role, "owner")), 1),
  ) as SQL;
}

const lastOwner = () =>
  new ApiError(
    409,
    "LAST_OWNER",
    "A workspace needs at least one owner. Make someone else owner first.",
  );
