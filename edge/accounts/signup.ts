/**
 * Sign-up: a new account is a user, their personal workspace (they own it) and a first
 * session, created together so a user never exists without a workspace.
 */

import { sql } from "drizzle-orm";
import type { AuthClient } from "../../shared/auth";
import { hashPassword } from "../auth/password";
import { newSession, type SessionUser } from "../auth/sessions";
import type { Db } from "../db/client";
import { emailPreferences, sessions, users } from "../db/schema";
import { isUniqueViolation } from "../db/unique";
import { initialPreferences } from "../email/preferences";
import { ApiError } from "../errors";
import { newId } from "../lib/ids";
import { AUTH_LIMITS, enforceLimit } from "../rate-limits";
import { workspaceCreation } from "../workspaces/workspaces";

export interface SignUpInput {
  /** Already trimmed and lower-cased (`emailSchema`). */
  email: string;
  password: string;
  /** Defaults to the email's local part. */
  name?: string | undefined;
  client: AuthClient;
  /** IANA time zone for emails; UTC when absent. */
  timeZone?: string | undefined;
  /** Where the request came from: sign-ups are limited per IP. */
  ip: string;
  userAgent?: string | undefined;
}

/** A session to hand to the client: the token is secret, only its hash is stored. */
export interface IssuedSession {
  token: string;
  expiresAt: Date;
}

/**
 * Creates the account: the user (PBKDF2 password hash), "<name>'s workspace" owned by them,
 * its `workspace.created` entry and a session for `client` — one transaction.
 * Answers `{ user: { id, email, name }, workspaceId, session: { token, expiresAt } }`.
 * Throws 429 RATE_LIMITED (10 sign-ups an hour per IP, with Retry-After) and 409 EMAIL_TAKEN
 * (an account with this email exists; nothing is written).
 */
export async function signUp(
  db: Db,
  env: Env,
  input: SignUpInput,
): Promise<{ user: SessionUser; workspaceId: string; session: IssuedSession }> {
  await enforceLimit(env, `signup:ip:${input.ip}`, AUTH_LIMITS.signupPerIp);

  const userId = newId("usr");
  const workspaceId = newId("ws");
  const name = input.name ?? input.email.split("@")[0] ?? input.email;
  const session = await newSession(userId, input.client, input.userAgent);
  try {
    await db.batch([
      db.insert(users).values({
        id: userId,
        email: input.email,
        name,
        passwordHash: await hashPassword(input.password),
      }),
      // Email settings: every email on, in the caller's time zone. An address that unsubscribed
      // from invitations before signing up keeps its choices.
      db
        .insert(emailPreferences)
        .values(initialPreferences({ id: userId, email: input.email }, new Date(), input.timeZone))
        .onConflictDoUpdate({
          target: emailPreferences.email,
          set: {
            userId,
            // Unsubscribing never chose a zone: the one sign-up gives is the first real one.
            timeZone: sql`excluded.time_zone`,
            digestNextAt: sql`CASE WHEN ${emailPreferences.digest} THEN excluded.digest_next_at END`,
          },
        }),
      ...workspaceCreation(db, { id: workspaceId, name: `${name}'s workspace`, ownerId: userId }),
      db.insert(sessions).values(session.row),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, "users.email")) {
      throw new ApiError(
        409,
        "EMAIL_TAKEN",
        "An account with this email already exists. Sign in instead.",
      );
    }
    throw error;
  }
  return {
    user: { id: userId, email: input.email, name },
    workspaceId,
    session: { token: session.token, expiresAt: session.row.expiresAt },
  };
}
