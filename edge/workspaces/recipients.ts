/**
 * Who a workspace's email goes to. Reminders name a person (a follow-up's assignee, a deal's
 * owner); when that person has left the workspace the email goes to the next one named, and
 * then to the workspace's owner, so a reminder never goes to someone who can no longer open
 * the deal — and is never silently dropped while the workspace has an owner.
 */
import { asc, eq, inArray, or } from "drizzle-orm";
import type { EmailKind } from "../../shared/notifications";
import { emailPreferences, users, workspaceMembers } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { KIND_COLUMN } from "../email/preferences";

export interface Recipient {
  userId: string;
  email: string;
  name: string | null;
  /** IANA time zone from their email settings (UTC without settings). */
  timeZone: string;
  /** Whether they want this kind of email. */
  wants: boolean;
}

/**
 * The first of `userIds` (in order; nulls skipped) who is still a member, else the workspace's
 * first owner — with their address, time zone and whether they want `kind`. One query.
 * Answers undefined when nobody qualifies.
 */
export async function reminderRecipient(
  ctx: WorkspaceContext,
  userIds: (string | null | undefined)[],
  kind: EmailKind,
): Promise<Recipient | undefined> {
  const named = userIds.filter((id): id is string => Boolean(id));
  const column = emailPreferences[KIND_COLUMN[kind]];
  const rows = await ctx.db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: workspaceMembers.role,
      timeZone: emailPreferences.timeZone,
      wants: column,
    })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .leftJoin(emailPreferences, eq(emailPreferences.email, users.email))
    .where(
      ctx.scope.where(
        workspaceMembers,
        or(
          named.length ? inArray(workspaceMembers.userId, named) : undefined,
          eq(workspaceMembers.role, "owner"),
        ),
      ),
    )
    .orderBy(asc(workspaceMembers.createdAt));
  const pick =
    named.map((id) => rows.find((row) => row.userId === id)).find(Boolean) ??
    rows.find((row) => row.role === "owner");
  if (!pick) return undefined;
  return {
    userId: pick.userId,
    email: pick.email,
    name: pick.name,
    timeZone: pick.timeZone ?? "UTC",
    wants: pick.wants ?? true,
  };
}
