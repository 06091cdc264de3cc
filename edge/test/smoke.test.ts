import { expect, it } from "vitest";
import { addMember, api, signUp } from "./helpers";

it("health answers the envelope", async () => {
  const res = await api("/api/health");
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ success: true, data: { ok: true } });
});

it("signs up, invites, lists members", async () => {
  const owner = await signUp("owner");
  const member = await signUp("member");
  await addMember(owner, owner.workspaceId, member, "member");
  const members = await api(`/api/workspaces/${owner.workspaceId}/members`, {
    token: member.token,
  });
  expect(members.status).toBe(200);
  expect(members.body.data.map((m: any) => m.role).sort()).toEqual(["member", "owner"]);
  const me = await api("/api/auth/me", { token: member.token });
  expect(me.body.data.workspaces).toHaveLength(2);
  const audit = await api("/api/audit-log", { token: owner.token });
  expect(audit.status).toBe(200);
  expect(audit.body.data.items.map((i: any) => i.action)).toContain("invitation.accepted");
});
