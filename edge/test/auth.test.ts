import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, PASSWORD, signUp, uniqueEmail, uniqueIp } from "./helpers";

const APP_ORIGIN = "http://localhost:8787";

interface SignupBody {
  email: string;
  password: string;
  name?: string;
  client?: "web" | "extension" | "api";
}

const signup = (body: SignupBody, ip = uniqueIp()) =>
  api("/api/auth/signup", { body, headers: { "CF-Connecting-IP": ip } });

const signin = (body: { email: string; password: string; client?: string }, ip = uniqueIp()) =>
  api("/api/auth/signin", { body, headers: { "CF-Connecting-IP": ip } });

/** The `co_session` token from a Set-Cookie header, and the cookie's attributes. */
function sessionCookie(headers: Headers) {
  const cookie = headers.getSetCookie().find((value) => value.startsWith("co_session="));
  if (!cookie) throw new Error(`no co_session cookie in ${JSON.stringify(headers.getSetCookie())}`);
  const [pair = "", ...attributes] = cookie.split(";").map((part) => part.trim());
  return { token: pair.slice("co_session=".length), attributes, raw: cookie };
}

async function userRow(email: string) {
  return env.DB.prepare("SELECT id, email, password_hash FROM users WHERE email = ?")
    .bind(email)
    .first<{ id: string; email: string; password_hash: string }>();
}

describe("sign-up", () => {
  it("creates the user and a personal workspace they own", async () => {
    const email = uniqueEmail("signup");
    const res = await signup({ email, password: PASSWORD, name: "Ada", client: "api" });
    expect(res.status).toBe(201);
    expect(res.body.success).toBe(true);
    const data = res.body.data;
    expect(data.user).toMatchObject({ email, name: "Ada" });
    expect(data.user.id).toMatch(/^usr_/);
    expect(data.workspaceId).toMatch(/^ws_/);
    expect(typeof data.token).toBe("string");
    expect(Date.parse(data.expiresAt)).toBeGreaterThan(Date.now());

    const me = await api("/api/auth/me", { token: data.token });
    expect(me.status).toBe(200);
    expect(me.body.data.user).toEqual({ id: data.user.id, email, name: "Ada" });
    expect(me.body.data.workspaces).toEqual([
      expect.objectContaining({ id: data.workspaceId, role: "owner", plan: "free" }),
    ]);

    const members = await api(`/api/workspaces/${data.workspaceId}/members`, { token: data.token });
    expect(members.body.data).toEqual([
      expect.objectContaining({ userId: data.user.id, role: "owner" }),
    ]);
  });

  it("normalises the email (trimmed, lower-cased)", async () => {
    const email = uniqueEmail("Mixed");
    const res = await signup({
      email: `  ${email.toUpperCase()}  `,
      password: PASSWORD,
      client: "api",
    });
    expect(res.status).toBe(201);
    expect(res.body.data.user.email).toBe(email.toLowerCase());
    expect(await userRow(email.toLowerCase())).not.toBeNull();
    // Sign-in with yet another spelling finds the same account.
    const again = await signin({
      email: ` ${email.toUpperCase()}`,
      password: PASSWORD,
      client: "api",
    });
    expect(again.status).toBe(200);
    expect(again.body.data.user.id).toBe(res.body.data.user.id);
  });

  it("stores a PBKDF2 hash, never the password", async () => {
    const email = uniqueEmail("hash");
    const password = "a very particular passphrase";
    expect((await signup({ email, password, client: "api" })).status).toBe(201);
    const row = await userRow(email);
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(row?.password_hash).not.toContain(password);

    // Two users with the same password get different hashes (random salt).
    const other = uniqueEmail("hash");
    expect((await signup({ email: other, password, client: "api" })).status).toBe(201);
    expect((await userRow(other))?.password_hash).not.toBe(row?.password_hash);
  });

  it("refuses a second account for the same email in another case → 409 EMAIL_TAKEN", async () => {
    const email = uniqueEmail("dupe");
    expect((await signup({ email, password: PASSWORD })).status).toBe(201);
    const again = await signup({ email: email.toUpperCase(), password: "another password 123" });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ success: false, error: { code: "EMAIL_TAKEN" } });
    // The first account is untouched: its password still works, the second one does not.
    expect((await signin({ email, password: PASSWORD })).status).toBe(200);
    expect((await signin({ email, password: "another password 123" })).status).toBe(401);
  });

  it("limits sign-ups per IP (10 per hour)", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 10; i++) {
      const res = await signup(
        { email: uniqueEmail("burst"), password: PASSWORD, client: "api" },
        ip,
      );
      expect(res.status).toBe(201);
    }
    const limited = await signup(
      { email: uniqueEmail("burst"), password: PASSWORD, client: "api" },
      ip,
    );
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    // Another IP is not affected.
    expect((await signup({ email: uniqueEmail("burst"), password: PASSWORD })).status).toBe(201);
  });
});

describe("sign-in", () => {
  it("answers 401 INVALID_CREDENTIALS for a wrong password and for an unknown email alike", async () => {
    const user = await signUp("signin");
    const wrong = await signin({ email: user.email, password: "not the password" });
    const unknown = await signin({ email: uniqueEmail("nobody"), password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe("INVALID_CREDENTIALS");
    expect(unknown.body.error.code).toBe("INVALID_CREDENTIALS");
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    expect(wrong.body.data).toBeUndefined();
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it("signs in with the right password and issues a new working session", async () => {
    const user = await signUp("signin-ok");
    const res = await signin({ email: user.email, password: PASSWORD, client: "api" });
    expect(res.status).toBe(200);
    expect(res.body.data.user).toMatchObject({ id: user.userId, email: user.email });
    expect(res.body.data.token).not.toBe(user.token);
    const me = await api("/api/auth/me", { token: res.body.data.token });
    expect(me.status).toBe(200);
    expect(me.body.data.user.id).toBe(user.userId);
  });

  it("gives extension clients a token that outlives a web session", async () => {
    const user = await signUp("clients");
    const web = await signin({ email: user.email, password: PASSWORD, client: "web" });
    const extension = await signin({ email: user.email, password: PASSWORD, client: "extension" });
    expect(web.status).toBe(200);
    expect(extension.status).toBe(200);
    expect(web.body.data.token).toBeUndefined();
    expect(typeof extension.body.data.token).toBe("string");
    expect(extension.headers.getSetCookie().some((c) => c.startsWith("co_session="))).toBe(false);
    const webExpiry = Date.parse(web.body.data.expiresAt);
    const extensionExpiry = Date.parse(extension.body.data.expiresAt);
    expect(extensionExpiry).toBeGreaterThan(webExpiry);
    // The session itself carries that expiry.
    const me = await api("/api/auth/me", { token: extension.body.data.token });
    expect(me.body.data.sessionExpiresAt).toBe(extension.body.data.expiresAt);
  });

  it("locks an email after 5 wrong passwords: even the right one gets 429 with Retry-After", async () => {
    const user = await signUp("brute");
    for (let i = 0; i < 5; i++) {
      // A different IP each time, so only the per-email bucket can stop the 6th attempt.
      const res = await signin({ email: user.email, password: `wrong password ${i}` });
      expect(res.status).toBe(401);
    }
    const sixth = await signin({ email: user.email, password: PASSWORD });
    expect(sixth.status).toBe(429);
    expect(sixth.body).toMatchObject({ success: false, error: { code: "RATE_LIMITED" } });
    const retryAfter = Number(sixth.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(5 * 60);
    // The lock is per email, case-insensitively: another spelling is the same bucket…
    const upper = await signin({ email: user.email.toUpperCase(), password: PASSWORD });
    expect(upper.status).toBe(429);
    // …and other accounts are unaffected.
    const other = await signUp("bystander");
    expect((await signin({ email: other.email, password: PASSWORD })).status).toBe(200);
  });

  it("limits sign-in attempts per IP across many emails (30 per 10 minutes)", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 30; i++) {
      const res = await signin({ email: uniqueEmail("spray"), password: "guess guess guess" }, ip);
      expect(res.status).toBe(401);
    }
    const user = await signUp("spray-victim");
    const limited = await signin({ email: user.email, password: PASSWORD }, ip);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    // The same account from another IP still signs in.
    expect((await signin({ email: user.email, password: PASSWORD })).status).toBe(200);
  });
});

describe("sessions", () => {
  it("rejects requests without a token or with an unknown one → 401 UNAUTHORIZED", async () => {
    const none = await api("/api/auth/me");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("UNAUTHORIZED");
    const bogus = await api("/api/auth/me", { token: "not-a-real-session-token" });
    expect(bogus.status).toBe(401);
    expect(bogus.body.error.code).toBe("UNAUTHORIZED");
  });

  it("answers 401 SESSION_EXPIRED once the session's expiry has passed", async () => {
    const user = await signUp("expiry");
    expect((await api("/api/auth/me", { token: user.token })).status).toBe(200);
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?")
      .bind(Date.now() - 1000, user.userId)
      .run();
    const res = await api("/api/auth/me", { token: user.token });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("SESSION_EXPIRED");
  });

  it("sign-out revokes the session server-side", async () => {
    const user = await signUp("signout");
    const second = await signin({ email: user.email, password: PASSWORD, client: "api" });
    const out = await api("/api/auth/signout", { token: user.token, method: "POST" });
    expect(out.status).toBe(200);
    expect(out.body.data).toEqual({ signedOut: true });

    const after = await api("/api/auth/me", { token: user.token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("UNAUTHORIZED");
    const row = await env.DB.prepare("SELECT revoked_at FROM sessions WHERE token_hash = ?")
      .bind(await sha256Hex(user.token))
      .first<{ revoked_at: number | null }>();
    expect(row?.revoked_at).toBeTypeOf("number");
    // Only that session: the user's other session keeps working.
    expect((await api("/api/auth/me", { token: second.body.data.token })).status).toBe(200);
  });

  it("accepts the session as a bearer token and as the co_session cookie", async () => {
    const email = uniqueEmail("cookie");
    const res = await signup({ email, password: PASSWORD, client: "web" });
    expect(res.status).toBe(201);
    expect(res.body.data.token).toBeUndefined();
    const cookie = sessionCookie(res.headers);
    expect(cookie.token.length).toBeGreaterThanOrEqual(40);
    const attributes = cookie.attributes.map((a) => a.toLowerCase());
    expect(attributes).toEqual(
      expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/"]),
    );

    const viaCookie = await api("/api/auth/me", {
      headers: { Cookie: `co_session=${cookie.token}` },
    });
    expect(viaCookie.status).toBe(200);
    expect(viaCookie.body.data.user.email).toBe(email);

    const viaBearer = await api("/api/auth/me", { token: cookie.token });
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body.data.user.id).toBe(viaCookie.body.data.user.id);

    // The scheme name is case-insensitive (RFC 9110 §11.1).
    const lowerCase = await api("/api/auth/me", {
      headers: { Authorization: `bearer ${cookie.token}` },
    });
    expect(lowerCase.status).toBe(200);
  });

  it("refuses cookie-authenticated writes without the app's Origin → 403 CSRF_REJECTED", async () => {
    const res = await signup({ email: uniqueEmail("csrf"), password: PASSWORD, client: "web" });
    const { token } = sessionCookie(res.headers);
    const cookie = `co_session=${token}`;

    const noOrigin = await api("/api/workspaces", {
      body: { name: "Forged" },
      headers: { Cookie: cookie },
    });
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.body.error.code).toBe("CSRF_REJECTED");

    const evil = await api("/api/workspaces", {
      body: { name: "Forged" },
      headers: { Cookie: cookie, Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
    });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe("CSRF_REJECTED");

    // An Authorization header that does not sign in (Basic, an empty Bearer) leaves the request
    // cookie-authenticated, so the check still applies.
    for (const authorization of ["Basic Zm9vOmJhcg==", "Bearer "]) {
      const other = await api("/api/workspaces", {
        body: { name: "Forged" },
        headers: { Cookie: cookie, Authorization: authorization },
      });
      expect(other.status, authorization).toBe(403);
      expect(other.body.error.code).toBe("CSRF_REJECTED");
    }

    // Nothing was created by the refused requests.
    const list = await api("/api/workspaces", { headers: { Cookie: cookie } });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);

    const fromApp = await api("/api/workspaces", {
      body: { name: "From the dashboard" },
      headers: { Cookie: cookie, Origin: APP_ORIGIN },
    });
    expect(fromApp.status).toBe(201);

    const sameOrigin = await api("/api/workspaces", {
      body: { name: "Same origin" },
      headers: { Cookie: cookie, "Sec-Fetch-Site": "same-origin" },
    });
    expect(sameOrigin.status).toBe(201);

    // Bearer requests are exempt: browsers never attach them on their own.
    const bearer = await api("/api/workspaces", { token, body: { name: "Via bearer" } });
    expect(bearer.status).toBe(201);
  });

  it("signs a cookie session out (with Origin) and clears the cookie", async () => {
    const res = await signup({
      email: uniqueEmail("cookie-out"),
      password: PASSWORD,
      client: "web",
    });
    const { token } = sessionCookie(res.headers);
    const cookie = `co_session=${token}`;
    const refused = await api("/api/auth/signout", { method: "POST", headers: { Cookie: cookie } });
    expect(refused.status).toBe(403);
    expect((await api("/api/auth/me", { headers: { Cookie: cookie } })).status).toBe(200);

    const out = await api("/api/auth/signout", {
      method: "POST",
      headers: { Cookie: cookie, Origin: APP_ORIGIN },
    });
    expect(out.status).toBe(200);
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith("co_session="));
    expect(cleared).toMatch(/^co_session=;/);
    expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    expect((await api("/api/auth/me", { headers: { Cookie: cookie } })).status).toBe(401);
  });
});

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
