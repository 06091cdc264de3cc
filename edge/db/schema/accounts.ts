/** Accounts: people, their Google links and their sessions. */
import { sql } from "drizzle-orm";
import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { AUTH_CLIENTS } from "../../../shared/auth";
import { createdAt, time, updatedAt } from "./columns";

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name"),
  /** `pbkdf2-sha256$<iterations>$<salt>$<hash>`; null for accounts that only use Google. */
  passwordHash: text("password_hash"),
  emailVerifiedAt: time("email_verified_at"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const oauthAccounts = sqliteTable(
  "oauth_accounts",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider", { enum: ["google"] }).notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    email: text("email"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("oauth_accounts_provider_account").on(t.provider, t.providerAccountId),
    index("oauth_accounts_user").on(t.userId),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** SHA-256 of the token; the token itself is never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    client: text("client", { enum: AUTH_CLIENTS }).notNull(),
    expiresAt: time("expires_at").notNull(),
    lastUsedAt: time("last_used_at").notNull(),
    revokedAt: time("revoked_at"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
  },
  (t) => [
    index("sessions_user").on(t.userId),
    index("sessions_expires").on(t.expiresAt),
    // Housekeeping removes revoked sessions; few are revoked, so the index stays small.
    index("sessions_revoked").on(t.revokedAt).where(sql`revoked_at IS NOT NULL`),
  ],
);
