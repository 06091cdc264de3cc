/** Breaker probes (temporary). */
import { env } from "cloudflare:workers";
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, invite, addMember, PASSWORD, type RequestOptions, signUp, type TestUser } from "./helpers";
import { drainAiBucket, parseSse } from "./repurpose-helpers";

const as = (u: TestUser, extra: RequestOptions = {}): RequestOptions => ({
  token: u.token,
  workspaceId: u.workspaceId,
  ...extra,
});
const sum = (r: { status: number; body: any }) =>
  `${r.status} ${r.body?.error?.code ?? ""} ${JSON.stringify(r.body).slice(0, 300)}`;

describe.skip("tenancy & membership", () => {
  it("removed member re-accepts old invite token", async () => {
    const owner = await signUp("own");
    const mem = await signUp("mem");
    const inv = await invite(owner, owner.workspaceId, mem.email, "admin");
    const a1 = await api("/api/invitations/accept", { token: mem.token, body: { token: inv.token } });
    expect(a1.status).toBe(200);
    const rm = await api(`/api/workspaces/${owner.workspaceId}/members/${mem.userId}`, {
      token: owner.token,
      method: "DELETE",
    });
    expect(rm.status, sum(rm)).toBe(200);
    const after = await api("/api/content", { token: mem.token, workspaceId: owner.workspaceId });
    expect(after.status, sum(after)).toBe(404);
    const a2 = await api("/api/invitations/accept", { token: mem.token, body: { token: inv.token } });
    console.log("REACCEPT after removal:", sum(a2));
    const back = await api("/api/content", { token: mem.token, workspaceId: owner.workspaceId });
    console.log("content after re-accept:", back.status);
    expect.soft(a2.status, "re-accept after removal should fail").toBe(400);
    expect.soft(back.status, "removed member should not regain access").toBe(404);
  });

  it("admin demotes another admin then removes them", async () => {
    const owner = await signUp("own");
    const a1 = await signUp("adm1");
    const a2 = await signUp("adm2");
    await addMember(owner, owner.workspaceId, a1, "admin");
    await addMember(owner, owner.workspaceId, a2, "admin");
    const direct = await api(`/api/workspaces/${owner.workspaceId}/members/${a2.userId}`, {
      token: a1.token,
      method: "DELETE",
    });
    console.log("admin removes admin directly:", sum(direct));
    const demote = await api(`/api/workspaces/${owner.workspaceId}/members/${a2.userId}`, {
      token: a1.token,
      method: "PATCH",
      body: { role: "member" },
    });
    console.log("admin demotes admin:", sum(demote));
    const rm = await api(`/api/workspaces/${owner.workspaceId}/members/${a2.userId}`, {
      token: a1.token,
      method: "DELETE",
    });
    console.log("then removes:", sum(rm));
    expect.soft(demote.status, "admin demoting admin (remove is owner-only)").toBe(403);
  });

  it("header naming another tenant / malformed / signed out", async () => {
    const a = await signUp("a");
    const b = await signUp("b");
    const r1 = await api("/api/content", { token: a.token, workspaceId: b.workspaceId });
    expect.soft(r1.status, sum(r1)).toBe(404);
    const r2 = await api("/api/content", { token: a.token, workspaceId: "x".repeat(65) });
    expect.soft(r2.status, sum(r2)).toBe(400);
    const r3 = await api("/api/content", { workspaceId: "x".repeat(65) });
    expect.soft(r3.status, sum(r3)).toBe(401);
    const r4 = await api(`/api/workspaces/${"y".repeat(65)}/members`, { token: a.token });
    expect.soft(r4.status, sum(r4)).toBe(400);
    const r5 = await api(`/api/workspaces/${"y".repeat(65)}/members`, {});
    expect.soft(r5.status, sum(r5)).toBe(401);
    const r6 = await api(`/api/workspaces/%E0%A4%A/members`, { token: a.token });
    console.log("bad pct path:", sum(r6));
    const r7 = await api(`/api/workspaces/${b.workspaceId}`, { token: a.token });
    expect.soft(r7.status, sum(r7)).toBe(404);
    const r8 = await api(`/api/audit-log`, { token: a.token, workspaceId: b.workspaceId });
    expect.soft(r8.status, sum(r8)).toBe(404);
    const r9 = await api(`/api/usage`, { token: a.token, workspaceId: b.workspaceId });
    expect.soft(r9.status, sum(r9)).toBe(404);
    // header with whitespace only / unicode
    const r10 = await api("/api/content", { token: a.token, headers: { "X-Workspace-Id": " " } });
    console.log("ws header blank:", sum(r10));
    const r11 = await api("/api/content", { token: a.token, headers: { "X-Workspace-Id": `${a.workspaceId}, ${b.workspaceId}` } });
    console.log("ws header two ids:", sum(r11));
    // lower-case bearer
    const r12 = await api("/api/auth/me", { headers: { Authorization: `bearer ${a.token}` } });
    console.log("lowercase bearer:", r12.status);
    const r13 = await api("/api/auth/me", { headers: { Authorization: `Bearer  ${a.token}  ` } });
    console.log("extra spaces bearer:", r13.status);
  });

  it("cross-tenant content ids", async () => {
    const a = await signUp("a");
    const b = await signUp("b");
    const c = await api("/api/content", as(b, { body: { title: "B secret", body: "b body" } }));
    const id = c.body.data.id;
    const rep = await api(`/api/content/${id}/repurpose`, as(b, { body: { platforms: ["linkedin"] } }));
    const vid = rep.body.data.variants[0].id;
    const tries = [
      await api(`/api/content/${id}`, as(a)),
      await api(`/api/content/${id}`, as(a, { method: "PUT", body: { title: "pwn" } })),
      await api(`/api/content/${id}`, as(a, { method: "DELETE" })),
      await api(`/api/content/${id}/restore`, as(a, { method: "POST" })),
      await api(`/api/content/${id}/variants`, as(a)),
      await api(`/api/content/${id}/variants/${vid}`, as(a, { method: "PUT", body: { body: "pwn" } })),
      await api(`/api/content/${id}/variants/${vid}`, as(a, { method: "DELETE" })),
      await api(`/api/content/${id}/repurpose`, as(a, { body: { platforms: ["x"] } })),
      await api(`/api/jobs/repurpose`, as(a, { body: { contentIds: [id], platforms: ["x"] } })),
    ];
    // a's own item + b's variant id
    const mine = await api("/api/content", as(a, { body: { title: "A" } }));
    tries.push(await api(`/api/content/${mine.body.data.id}/variants/${vid}`, as(a, { method: "PUT", body: { body: "pwn" } })));
    tries.push(await api(`/api/content/${mine.body.data.id}/variants/${vid}`, as(a, { method: "DELETE" })));
    for (const t of tries) expect.soft(t.status, sum(t)).toBe(404);
    const bjob = await api(`/api/jobs/repurpose`, as(b, { body: { contentIds: [id], platforms: ["x"] } }));
    const ajob = await api(`/api/jobs/${bjob.body.data.id}`, as(a));
    expect.soft(ajob.status, sum(ajob)).toBe(404);
    const still = await api(`/api/content/${id}`, as(b));
    expect.soft(still.body.data.title).toBe("B secret");
  });

  it("0/1/2 workspaces, role downgrade immediate, revoked/expired sessions, cookie", async () => {
    const u = await signUp("u");
    const one = await api("/api/content", { token: u.token });
    expect.soft(one.status, sum(one)).toBe(200);
    const ws2 = await api("/api/workspaces", { token: u.token, body: { name: "Second" } });
    const two = await api("/api/content", { token: u.token });
    expect.soft(`${two.status} ${two.body.error?.code}`).toBe("400 WORKSPACE_REQUIRED");
    await api(`/api/workspaces/${ws2.body.data.id}`, { token: u.token, method: "DELETE" });
    const del = await api(`/api/workspaces/${u.workspaceId}`, { token: u.token, method: "DELETE" });
    expect.soft(del.status).toBe(200);
    const zero = await api("/api/content", { token: u.token });
    console.log("zero workspaces:", sum(zero));
    const zeroMe = await api("/api/auth/me", { token: u.token });
    console.log("zero me:", zeroMe.status, JSON.stringify(zeroMe.body.data?.workspaces));

    // role downgrade
    const owner = await signUp("own");
    const adm = await signUp("adm");
    await addMember(owner, owner.workspaceId, adm, "admin");
    const al1 = await api("/api/audit-log", as(adm, { workspaceId: owner.workspaceId }));
    expect.soft(al1.status).toBe(200);
    await api(`/api/workspaces/${owner.workspaceId}/members/${adm.userId}`, {
      token: owner.token,
      method: "PATCH",
      body: { role: "member" },
    });
    const al2 = await api("/api/audit-log", as(adm, { workspaceId: owner.workspaceId }));
    expect.soft(al2.status, sum(al2)).toBe(403);

    // signout revokes bearer
    const s = await api("/api/auth/signin", {
      body: { email: owner.email, password: PASSWORD, client: "api" },
      headers: { "CF-Connecting-IP": owner.ip },
    });
    const tok = s.body.data.token;
    await api("/api/auth/signout", { token: tok, method: "POST" });
    const rv = await api("/api/content", { token: tok, workspaceId: owner.workspaceId });
    expect.soft(rv.status, sum(rv)).toBe(401);
    const rvBad = await api("/api/content", { token: tok, workspaceId: "z".repeat(70) });
    expect.soft(rvBad.status, sum(rvBad)).toBe(401);
    // expired
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?")
      .bind(Date.now() - 1000, adm.userId)
      .run();
    const ex = await api("/api/content", as(adm, { workspaceId: owner.workspaceId }));
    expect.soft(`${ex.status} ${ex.body.error?.code}`).toBe("401 SESSION_EXPIRED");
    const exPath = await api(`/api/workspaces/${owner.workspaceId}/members`, { token: adm.token });
    expect.soft(`${exPath.status} ${exPath.body.error?.code}`).toBe("401 SESSION_EXPIRED");

    // cookie session: web signin
    const w = await SELF.fetch(`${BASE}/api/auth/signin`, {
      method: "POST",
      headers: { "content-type": "application/json", "CF-Connecting-IP": owner.ip },
      body: JSON.stringify({ email: owner.email, password: PASSWORD }),
    });
    const cookie = (w.headers.get("set-cookie") ?? "").split(";")[0];
    const ck = await api("/api/content", { headers: { Cookie: cookie } });
    expect.soft(ck.status, sum(ck)).toBe(200);
    const csrf = await api("/api/content", { headers: { Cookie: cookie }, body: { title: "c" } });
    expect.soft(csrf.status, sum(csrf)).toBe(403);
    const csrfBasic = await api("/api/content", {
      headers: { Cookie: cookie, Authorization: "Basic Zm9vOmJhcg==" },
      body: { title: "csrf via basic" },
    });
    console.log("cookie + Authorization: Basic, no Origin:", sum(csrfBasic));
    const csrfEmptyBearer = await api("/api/content", {
      headers: { Cookie: cookie, Authorization: "Bearer" },
      body: { title: "csrf via empty bearer" },
    });
    console.log("cookie + 'Authorization: Bearer' (no token), no Origin:", sum(csrfEmptyBearer));
  });
});

describe("content input edge cases", () => {
  it("query strings", async () => {
    const u = await signUp("q");
    await api("/api/content", as(u, { body: { title: "t1", status: "drafting" } }));
    const qs = [
      "status=", "status=,", "status=idea,,drafting", "status=idea&status=drafting", "status=IDEA",
      "limit=1e2", "limit=1e3", "limit=", "limit=0x10", "limit=Infinity", "limit=5&limit=6", "limit=1.5", "limit=%20",
      "q=%25", "q=%00", "q=" + encodeURIComponent("é😀中"), "q=" + "a".repeat(201), "q=%20%20",
      "from=2026-12-01&to=2026-11-01", "from=2026-12-01T00:00:00+02:00&to=2026-12-01",
      "from=2026-12-01T00:00:00%2B02:00", "from=2026-12-01T00:00:00+02:00", "from=2026-02-30",
      "from=0000-01-01", "from=9999-12-31T23:59:59-23:59", "to=9999-12-31T23:59:59-23:59&from=0000-01-01T00:00:00%2B23:59",
      "from=2026-12-01T10:00Z", "from=2026-12-01T10:00:00.123456789Z",
      "cursor=%7C", "cursor=" + btoa("1|x").replace(/=+$/, ""), "cursor=" + btoa("8640000000000000|x"), "cursor=!!!",
      "cursor=" + btoa("-1|x"), "cursor=" + btoa("99999999999999999999|x"),
      "platform=x&platform=linkedin", "tag=" + "t".repeat(41), "tag=%20", "sourceKind=youtube&videoId=abc",
      "videoId=" + "a".repeat(21), "foo=bar", "status=archived,idea&from=2020-01-01",
    ];
    for (const q of qs) {
      const r = await api(`/api/content?${q}`, as(u));
      console.log(`GET ?${q} ->`, r.status, r.body?.error?.code ?? `items=${r.body?.data?.items?.length}`, r.body?.error?.issues ? JSON.stringify(r.body.error.issues).slice(0, 150) : "");
      expect.soft(r.status, `?${q} ${sum(r)}`).toBeLessThan(500);
    }
  });

  it("create/put edge cases", async () => {
    const u = await signUp("c");
    const post = (body: unknown, extra: RequestOptions = {}) => api("/api/content", as(u, { body, ...extra }));
    const cases: [string, unknown][] = [
      ["bidi-only title", { title: "\u202E" }],
      ["bidi+spaces title", { title: "\u2066  \u2069" }],
      ["title trailing space after strip", { title: "hi \u202E" }],
      ["null byte title", { title: "a\u0000b", body: "x\u0000y" }],
      ["lone surrogate", { title: "a\ud800b", body: "\udc00" }],
      ["youtube desc bidi", { title: "yt", source: { kind: "youtube", videoId: "abcdefgh", description: "evil\u202Etxt.exe" } }],
      ["tags bidi", { title: "t", tags: ["\u202Etag"] }],
      ["tag only bidi", { title: "t", tags: ["\u202E"] }],
      ["scheduled w/o time", { title: "t", status: "scheduled" }],
      ["scheduled past", { title: "t", status: "scheduled", scheduledAt: "2020-01-01T00:00:00Z" }],
      ["scheduled offset", { title: "t", status: "scheduled", scheduledAt: "2099-01-01T00:00:00+02:00" }],
      ["scheduled far future -23:59", { title: "t", status: "scheduled", scheduledAt: "9999-12-31T23:59:59-23:59" }],
      ["published new", { title: "t", status: "published" }],
      ["idea w/ past time", { title: "t", status: "idea", scheduledAt: "2020-01-01T00:00:00Z" }],
      ["year 0000", { title: "t", status: "idea", scheduledAt: "0000-01-01T00:00:00Z" }],
      ["platforms dup", { title: "t", platforms: ["x", "x", "x", "x", "x", "x", "x"] }],
      ["duration float", { title: "t", source: { kind: "youtube", videoId: "abcdefgh1", durationSeconds: 1.5 } }],
      ["source url js", { title: "t", source: { kind: "web", url: "javascript:alert(1)" } }],
      ["source url ftp", { title: "t", source: { kind: "web", url: "ftp://x" } }],
      ["source url HTTPS caps", { title: "t", source: { kind: "web", url: "HTTPS://x.com" } }],
      ["thumb data", { title: "t", source: { kind: "web", thumbnailUrl: "data:image/png;base64,AAAA" } }],
      ["array body", []],
      ["null body", null],
      ["__proto__", JSON.parse('{"title":"p","__proto__":{"status":"published"}}')],
    ];
    for (const [label, body] of cases) {
      const r = await post(body);
      console.log(`POST ${label} ->`, sum(r).slice(0, 260));
      expect.soft(r.status, `${label}: ${sum(r)}`).toBeLessThan(500);
      if (r.status === 201 && label.includes("bidi")) {
        const d = r.body.data;
        expect.soft(/[\u202A-\u202E\u2066-\u2069]/.test(JSON.stringify([d.title, d.body])), `${label} bidi left`).toBe(false);
        expect.soft(d.title.trim().length, `${label}: empty title saved ${JSON.stringify(d.title)}`).toBeGreaterThan(0);
      }
      if (r.status === 201 && label === "null byte title") {
        const g = await api(`/api/content/${r.body.data.id}`, as(u));
        console.log("null byte roundtrip:", JSON.stringify(g.body.data?.title), JSON.stringify(g.body.data?.body));
      }
      if (r.status === 201 && label === "year 0000") {
        const g = await api(`/api/content/${r.body.data.id}`, as(u));
        console.log("year0 roundtrip:", sum(g).slice(0, 200));
        const l = await api(`/api/content?from=0000-01-01`, as(u));
        console.log("year0 list:", sum(l).slice(0, 200));
      }
    }
    // raw bodies
    for (const raw of ["{", "", "null", '"str"', "1e999", `{"title":"x","body":${"[".repeat(5000)}${"]".repeat(5000)}}`]) {
      const r = await api("/api/content", as(u, { rawBody: raw, headers: { "Content-Type": "application/json" } }));
      console.log(`RAW ${raw.slice(0, 20)} ->`, sum(r).slice(0, 160));
      expect.soft(r.status, `raw ${raw.slice(0, 20)} ${sum(r)}`).toBeLessThan(500);
    }
    // sizes
    const bigCjk = "中".repeat(100_000);
    const r1 = await post({ title: "cjk", body: bigCjk });
    console.log("100k CJK body ->", r1.status, r1.body?.error?.code);
    const r2 = await post({ title: "ascii", body: "a".repeat(100_000), notes: "n".repeat(50_000) });
    console.log("100k ascii body + 50k notes ->", r2.status, r2.body?.error?.code);
    const r3 = await post({ title: "emoji", body: "😀".repeat(50_001) });
    console.log("50001 emoji body ->", r3.status, r3.body?.error?.code, JSON.stringify(r3.body?.error?.issues));
    const r4 = await post({ title: "x".repeat(300) + "😀" });
    console.log("300+emoji title ->", r4.status, r4.body?.error?.code);

    // PUT cases
    const item = (await post({ title: "put me", status: "drafting" })).body.data;
    const put = (b: unknown) => api(`/api/content/${item.id}`, as(u, { method: "PUT", body: b }));
    const puts: [string, unknown][] = [
      ["empty", {}],
      ["all undefined-ish nulls", { body: null, notes: null, scheduledAt: null }],
      ["title null", { title: null }],
      ["bidi title", { title: "\u202E\u202E" }],
      ["bidi body", { body: "a\u202Eb" }],
      ["to published from drafting", { status: "published" }],
      ["to scheduled no time", { status: "scheduled" }],
      ["to scheduled past", { status: "scheduled", scheduledAt: "2020-01-01T00:00:00Z" }],
      ["to scheduled future", { status: "scheduled", scheduledAt: "2099-01-01T00:00:00+02:00" }],
      ["clear time while scheduled", { scheduledAt: null }],
      ["publish", { status: "published" }],
      ["published -> drafting", { status: "drafting" }],
      ["status bogus", { status: "deleted" }],
    ];
    for (const [label, b] of puts) {
      const r = await put(b);
      console.log(`PUT ${label} ->`, sum(r).slice(0, 300));
      expect.soft(r.status, `${label} ${sum(r)}`).toBeLessThan(500);
    }
  });
});
