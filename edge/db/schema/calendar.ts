/** Calendar feeds: the secret token in a member's feed URL (`GET /api/calendar.ics?token=`). */
import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { createdAt } from "./columns";
import { workspaces } from "./workspaces";

/**
 * One feed token per member and workspace: a calendar app cannot send headers, so the URL
 * carries the secret. Only its SHA-256 is stored; rotating replaces the row, so the old URL
 * stops answering at once.
 */
export const calendarTokens = sqliteTable(
  "calendar_tokens",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("calendar_tokens_hash").on(t.tokenHash),
    uniqueIndex("calendar_tokens_member").on(t.workspaceId, t.userId),
    index("calendar_tokens_user").on(t.userId),
  ],
);
