import { z } from "zod";
import { timeZoneSchema } from "./notifications";

/** Trimmed and lower-cased so one person has one account whatever they type. */
export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((email) => email.toLowerCase());

export const passwordSchema = z
  .string()
  .min(10, "Use at least 10 characters")
  .max(256, "Use at most 256 characters");

/** Who asks for the session: the dashboard gets a cookie, the extension and API clients a token. */
export const AUTH_CLIENTS = ["web", "extension", "api"] as const;
export const authClientSchema = z.enum(AUTH_CLIENTS).default("web");
export type AuthClient = z.infer<typeof authClientSchema>;

export const signupSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().min(1).max(100).optional(),
  client: authClientSchema,
  /**
   * IANA time zone for the daily digest and reminders (the browser's). One this runtime does
   * not know falls back to UTC rather than refusing the account; it can be set later.
   */
  timeZone: timeZoneSchema.optional().catch(undefined),
});
export type SignupInput = z.input<typeof signupSchema>;

export const signinSchema = z.object({
  email: emailSchema,
  // Sign-in accepts any stored password length; only sign-up enforces the policy.
  password: z.string().min(1).max(256),
  client: authClientSchema,
});
export type SigninInput = z.input<typeof signinSchema>;
