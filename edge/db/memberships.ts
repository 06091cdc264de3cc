import { asc, eq } from "drizzle-orm";
import type { Db } from "./client";
import { workspaceMembers, workspaces } from "./schema";

/** The workspaces a user belongs to, with their role in each (oldest first). */
export function listMemberships(db: Db, userId: string) {
  return db
    .select({
      id: workspaces.id,
      name: workspaces.name,
      plan: workspaces.plan,
      role: workspaceMembers.role,
      createdAt: workspaces.createdAt,
    })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(eq(workspaceMembers.userId, userId))
    .orderBy(asc(workspaces.createdAt), asc(workspaces.id));
}
