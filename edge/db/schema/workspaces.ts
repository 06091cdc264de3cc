import { index, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { PLAN_IDS } from "../../../shared/plans";
import { ROLES, type Role } from "../../../shared/roles";
import type { BrandVoice, WorkspaceSettings } from "../../../shared/workspaces";
import { users } from "./accounts";
import { createdAt, json, time, updatedAt } from "./columns";

export const workspaces = sqliteTable(
  "workspaces",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    plan: text("plan", { enum: PLAN_IDS }).notNull().default("free"),
    brandVoice: json<BrandVoice>("brand_voice"),
    settings: json<WorkspaceSettings>("settings"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("workspaces_created_by").on(t.createdBy)],
);

export const workspaceMembers = sqliteTable(
  "workspace_members",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    index("workspace_members_user").on(t.userId),
  ],
);

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role").$type<Role>().notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: time("expires_at").notNull(),
    acceptedAt: time("accepted_at"),
    acceptedBy: text("accepted_by").references(() => users.id, { onDelete: "set null" }),
    revokedAt: time("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("invitations_workspace").on(t.workspaceId, t.createdAt),
    index("invitations_email").on(t.email),
    index("invitations_invited_by").on(t.invitedBy),
    index("invitations_accepted_by").on(t.acceptedBy),
    index("invitations_expires").on(t.expiresAt),
  ],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").references(() => workspaces.id, { onDelete: "cascade" }),
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    metadata: json<Record<string, unknown>>("metadata"),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_log_workspace").on(t.workspaceId, t.createdAt, t.id),
    index("audit_log_actor").on(t.actorId),
  ],
);
