import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("health answers the envelope", async () => {
  const res = await SELF.fetch("https://api.test/api/health");
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ success: true, data: { ok: true } });
});
