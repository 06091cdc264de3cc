/** Sign-in with email and password: a new session for the client that asks. */

import { eq } from "drizzle-orm";
import type { AuthClient } from "../../shared/auth";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "../auth/password";
import { newSession, type SessionUser } from "../auth/sessions";
import type { Db } from "../db/client";
import { sessions, users } from "../db/schema";
import { ApiError } from "../errors";
import { AUTH_LIMITS, enforceLimit } from "../rate-limits";
import type { IssuedSession } from "./signup";

export interface SignInInput {
  /** Already trimmed and lower-cased (`emailSchema`), so every spelling shares one limit. */
  email: string;
  password: string;
  client: AuthClient;
  /** Where the request came from: attempts are limited per IP as well as per email. */
  ip: string;
  userAgent?: string | undefined;
}

/**
 * Checks the password and opens a session for `client`.
 * Answers `{ user: { id, email, name }, session: { token, expiresAt } }`.
 * Throws 429 RATE_LIMITED (30 attempts per 10 minutes per IP, 5 per 5 minutes per email —
 * the right password included, so guessing cannot outrun the lock) and 401
 * INVALID_CREDENTIALS, the same for an unknown email as for a wrong password: unknown emails
 * still cost one hash, so neither the answer nor its timing tells which emails have accounts.
 */
export async function signIn(
  db: Db,
  env: Env,
  input: SignInInput,
): Promise<{ user: SessionUser; session: IssuedSession }> {
  await enforceLimit(env, `signin:ip:${input.ip}`, AUTH_LIMITS.signinPerIp);
  await enforceLimit(env, `signin:email:${input.email}`, AUTH_LIMITS.signinPerEmail);

  const [user] = await db.select().from(users).where(eq(users.email, input.email)).limit(1);
  const passwordOk = await verifyPassword(
    input.password,
    user?.passwordHash ?? DUMMY_PASSWORD_HASH,
  );
  if (!user?.passwordHash || !passwordOk) {
    throw new ApiError(401, "INVALID_CREDENTIALS", "Email or password is incorrect");
  }
  const session = await newSession(user.id, input.client, input.userAgent);
  await db.insert(sessions).values(session.row);
  return {
    user: { id: user.id, email: user.email, name: user.name },
    session: { token: session.token, expiresAt: session.row.expiresAt },
  };
}
