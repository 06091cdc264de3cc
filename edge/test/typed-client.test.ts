import { SELF } from "cloudflare:test";
import { hc } from "hono/client";
import { expect, it } from "vitest";
import type { AppType } from "../app";
import { BASE, PASSWORD, uniqueEmail, uniqueIp } from "./helpers";

// The extension and dashboard call the API through hc<AppType>; this proves the inferred
// types and the real routes agree (a renamed route or field breaks the typecheck or the test).
it("the typed client signs up and reads /me", async () => {
  const ip = uniqueIp();
  const client = hc<AppType>(BASE, {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => SELF.fetch(input, init),
    headers: { "CF-Connecting-IP": ip },
  });
  const email = uniqueEmail("typed");
  const signup = await client.api.auth.signup.$post({
    json: { email, password: PASSWORD, client: "api" },
  });
  expect(signup.status).toBe(201);
  const created = await signup.json();
  // Only non-web clients get a token; the union type makes callers check for it.
  if (!("token" in created.data)) throw new Error("an api client must receive a token");
  const token = created.data.token;

  const me = await client.api.auth.me.$get({}, { headers: { Authorization: `Bearer ${token}` } });
  const body = await me.json();
  expect(body.data.user.email).toBe(email);
  expect(body.data.workspaces.map((w) => w.role)).toEqual(["owner"]);
});
