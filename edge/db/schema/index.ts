/**
 * The whole product's data model, one file per domain (drizzle's "schema in multiple files").
 * Every workspace-scoped table carries `workspace_id` and leads its indexes with it, so scoped
 * lists never scan other tenants; reads and writes of those tables go through WorkspaceScope.
 */
export * from "./accounts";
export * from "./ai";
export * from "./billing";
export * from "./calendar";
export * from "./content";
export * from "./crm";
export * from "./email";
export * from "./idempotency";
export * from "./jobs";
export * from "./workspaces";
