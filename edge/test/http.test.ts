import { createExecutionContext, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../index";
import { MAX_BODY_BYTES } from "../middleware/http";
import { api, BASE, signUp, uniqueIp } from "./helpers";

const APP_ORIGIN = "http://localhost:8787";

describe("envelope for routing errors", () => {
  it("answers an unknown route with a 404 NOT_FOUND envelope", async () => {
    const res = await api("/api/does-not-exist");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      success: false,
      error: {
        code: "NOT_FOUND",
        message: expect.any(String),
        requestId: res.headers.get("X-Request-Id"),
      },
    });
  });

  it("answers a wrong method on a known path with 405 METHOD_NOT_ALLOWED and Allow", async () => {
    const res = await api("/api/auth/me", { method: "PUT", body: {} });
    expect(res.status).toBe(405);
    expect(res.body).toMatchObject({ success: false, error: { code: "METHOD_NOT_ALLOWED" } });
    expect(res.headers.get("Allow")?.split(/,\s*/)).toContain("GET");
    expect(res.headers.get("Allow")).not.toMatch(/PUT/);

    const signup = await api("/api/auth/signup", { method: "GET" });
    expect(signup.status).toBe(405);
    expect(signup.headers.get("Allow")?.split(/,\s*/)).toEqual(["POST"]);
  });
});

describe("request ids", () => {
  it("gives every response an X-Request-Id, unique per request and echoed in errors", async () => {
    const responses = await Promise.all([
      api("/api/health"),
      api("/api/health"),
      api("/api/auth/me"),
      api("/api/nope"),
    ]);
    const ids = responses.map((res) => res.headers.get("X-Request-Id"));
    for (const id of ids) expect(id).toMatch(/^[\w-]{8,}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(responses[2]?.body.error.requestId).toBe(ids[2]);
    expect(responses[3]?.body.error.requestId).toBe(ids[3]);
  });
});

describe("security headers", () => {
  it("sets nosniff, a locked-down CSP, HSTS and frame protection on success and error responses", async () => {
    for (const path of ["/api/health", "/api/nope"]) {
      const res = await api(path);
      const headers = res.headers;
      expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
      const csp = headers.get("Content-Security-Policy") ?? "";
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(headers.get("Strict-Transport-Security")).toMatch(/max-age=\d+/);
      expect(headers.get("X-Frame-Options")).toMatch(/DENY|SAMEORIGIN/i);
      expect(headers.get("Referrer-Policy")).toBeTruthy();
    }
  });
});

describe("CORS", () => {
  const preflight = (origin: string) =>
    SELF.fetch(`${BASE}/api/workspaces`, {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization",
      },
    });

  it("allows preflights from the app's origin, with credentials", async () => {
    const res = await preflight(APP_ORIGIN);
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(APP_ORIGIN);
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBe("true");
    expect(res.headers.get("Access-Control-Allow-Methods")).toMatch(/POST/);
    expect(res.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toMatch(/authorization/);
  });

  it("grants the extension's origin (its id is fixed by the manifest key)", async () => {
    const extension = "chrome-extension://ganjieegogcemmclpjclochpcabemknd";
    const res = await preflight(extension);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(extension);
  });

  it("gives other origins no CORS grant", async () => {
    for (const origin of [
      "https://evil.example",
      "http://localhost:8788",
      "null",
      "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ]) {
      const res = await preflight(origin);
      // Without Allow-Origin the browser refuses the cross-origin request outright.
      expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    }
  });

  it("marks simple responses for the app's origin and exposes X-Request-Id", async () => {
    const allowed = await api("/api/health", { headers: { Origin: APP_ORIGIN } });
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe(APP_ORIGIN);
    expect(allowed.headers.get("Access-Control-Expose-Headers")).toMatch(/X-Request-Id/i);
    const denied = await api("/api/health", { headers: { Origin: "https://evil.example" } });
    expect(denied.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe("request bodies", () => {
  it("refuses bodies over 1 MB with 413 PAYLOAD_TOO_LARGE", async () => {
    const user = await signUp("big");
    expect(MAX_BODY_BYTES).toBe(1024 * 1024);
    const name = "x".repeat(MAX_BODY_BYTES);
    const res = await api("/api/workspaces", { token: user.token, body: { name } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ success: false, error: { code: "PAYLOAD_TOO_LARGE" } });
    // Just under the limit goes through to validation (the name is far too long for it).
    const underLimit = await api("/api/workspaces", {
      token: user.token,
      body: { name: "x".repeat(MAX_BODY_BYTES - 1024) },
    });
    expect(underLimit.status).toBe(400);
    expect(underLimit.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("refuses bodies over 1 MB even without a Content-Length (streamed)", async () => {
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`{"email":"${"a".repeat(MAX_BODY_BYTES + 1024)}"}`));
        controller.close();
      },
    });
    // Straight into the Worker's fetch handler: a chunked body has no Content-Length to check.
    const request = new Request(`${BASE}/api/auth/signup`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: stream,
    });
    expect(request.headers.get("Content-Length")).toBeNull();
    const res = await worker.fetch(request, env, createExecutionContext());
    expect(res.status).toBe(413);
    const body = await res.json<{ error: { code: string } }>();
    expect(body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("refuses non-JSON bodies with 400 UNSUPPORTED_CONTENT_TYPE", async () => {
    const form = await api("/api/auth/signin", {
      rawBody: "email=a%40example.com&password=whatever123",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      method: "POST",
    });
    expect(form.status).toBe(400);
    expect(form.body.error.code).toBe("UNSUPPORTED_CONTENT_TYPE");

    const text = await api("/api/auth/signin", {
      rawBody: JSON.stringify({ email: "a@example.com", password: "whatever123" }),
      headers: { "Content-Type": "text/plain" },
      method: "POST",
    });
    expect(text.status).toBe(400);
    expect(text.body.error.code).toBe("UNSUPPORTED_CONTENT_TYPE");

    // A parameterised JSON media type is fine (it reaches the handler: wrong credentials).
    const charset = await api("/api/auth/signin", {
      rawBody: JSON.stringify({ email: "nobody-charset@example.com", password: "whatever123" }),
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "CF-Connecting-IP": uniqueIp(),
      },
      method: "POST",
    });
    expect(charset.status).toBe(401);
    expect(charset.body.error.code).toBe("INVALID_CREDENTIALS");
  });

  it("answers malformed JSON with 400 VALIDATION_ERROR", async () => {
    const res = await api("/api/auth/signin", {
      rawBody: '{"email": "a@example.com", "password": ',
      headers: { "Content-Type": "application/json" },
      method: "POST",
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, error: { code: "VALIDATION_ERROR" } });
    expect(res.body.error.requestId).toBe(res.headers.get("X-Request-Id"));
  });
});
