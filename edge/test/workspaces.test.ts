import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, api, signUp, type TestUser, uniqueEmail } from "./helpers";

interface Member {
  userId: string;
  email: string;
  role: string;
}

interface AuditItem {
  id: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  actorId: string | null;
  actorEmail: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: string;
}

async function members(user: TestUser, workspaceId: string): Promise<Member[]> {
  const res = await api<{ data: Member[] }>(`/api/workspaces/${workspaceId}/members`, {
    token: user.token,
  });
  expect(res.status).toBe(200);
  return res.body.data;
}

const roleOf = async (viewer: TestUser, workspaceId: string, userId: string) =>
  (await members(viewer, workspaceId)).find((m) => m.userId === userId)?.role;

async function createInvitation(
  by: TestUser,
  workspaceId: string,
  email: string,
  role: "admin" | "member" = "member",
) {
  const res = await api(`/api/workspaces/${workspaceId}/invitations`, {
    token: by.token,
    body: { email, role },
  });
  expect(res.status).toBe(201);
  const token = new URL(res.body.data.inviteUrl).searchParams.get("token");
  expect(token).toBeTruthy();
  return { id: res.body.data.invitation.id as string, token: token as string, body: res.body.data };
}

const accept = (user: TestUser, token: string) =>
  api("/api/invitations/accept", { token: user.token, body: { token } });

async function membershipCount(workspaceId: string, userId?: string) {
  const row = await env.DB.prepare(
    `SELECT COUNT(*) AS n FROM workspace_members WHERE workspace_id = ?${userId ? " AND user_id = ?" : ""}`,
  )
    .bind(...(userId ? [workspaceId, userId] : [workspaceId]))
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function auditItems(user: TestUser, workspaceId: string): Promise<AuditItem[]> {
  const res = await api("/api/audit-log?limit=100", { token: user.token, workspaceId });
  expect(res.status).toBe(200);
  return res.body.data.items;
}

describe("workspaces", () => {
  it("creates, lists, renames and shows a workspace", async () => {
    const owner = await signUp("ws-owner");
    const created = await api("/api/workspaces", {
      token: owner.token,
      body: { name: "  Studio  " },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ name: "Studio", plan: "free", role: "owner" });
    const id = created.body.data.id as string;

    const list = await api("/api/workspaces", { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((w: { id: string }) => w.id)).toEqual([owner.workspaceId, id]);
    expect(list.body.data[1]).toMatchObject({ id, name: "Studio", role: "owner" });

    const renamed = await api(`/api/workspaces/${id}`, {
      token: owner.token,
      method: "PATCH",
      body: {
        name: "Studio B",
        brandVoice: { description: "Warm and nerdy", samples: ["Hey friends!"] },
      },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ id, name: "Studio B" });

    const shown = await api(`/api/workspaces/${id}`, { token: owner.token });
    expect(shown.status).toBe(200);
    expect(shown.body.data).toMatchObject({
      id,
      name: "Studio B",
      plan: "free",
      role: "owner",
      memberCount: 1,
      brandVoice: { description: "Warm and nerdy", samples: ["Hey friends!"] },
      settings: {},
    });
  });

  it("lets only the owner delete a workspace, and deleting removes every membership", async () => {
    const owner = await signUp("del-owner");
    const admin = await signUp("del-admin");
    const member = await signUp("del-member");
    const created = await api("/api/workspaces", { token: owner.token, body: { name: "Doomed" } });
    const id = created.body.data.id as string;
    await addMember(owner, id, admin, "admin");
    await addMember(owner, id, member, "member");
    expect(await membershipCount(id)).toBe(3);

    for (const user of [admin, member]) {
      const refused = await api(`/api/workspaces/${id}`, { token: user.token, method: "DELETE" });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe("FORBIDDEN");
    }
    expect((await api(`/api/workspaces/${id}`, { token: owner.token })).status).toBe(200);

    const deleted = await api(`/api/workspaces/${id}`, { token: owner.token, method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ id, deleted: true });

    expect(await membershipCount(id)).toBe(0);
    const row = await env.DB.prepare("SELECT id FROM workspaces WHERE id = ?").bind(id).first();
    expect(row).toBeNull();
    for (const user of [owner, admin, member]) {
      expect((await api(`/api/workspaces/${id}`, { token: user.token })).status).toBe(404);
      const list = await api("/api/workspaces", { token: user.token });
      expect(list.body.data.map((w: { id: string }) => w.id)).toEqual([user.workspaceId]);
    }
  });

  it("lists members with their roles (any member may)", async () => {
    const owner = await signUp("list-owner");
    const member = await signUp("list-member");
    await addMember(owner, owner.workspaceId, member, "member");
    const list = await members(member, owner.workspaceId);
    expect(list).toHaveLength(2);
    expect(list).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: owner.userId, email: owner.email, role: "owner" }),
        expect.objectContaining({ userId: member.userId, email: member.email, role: "member" }),
      ]),
    );
    // Members cannot see the invitations (admin+).
    const invitations = await api(`/api/workspaces/${owner.workspaceId}/invitations`, {
      token: member.token,
    });
    expect(invitations.status).toBe(403);
    // …and cannot rename the workspace.
    const patch = await api(`/api/workspaces/${owner.workspaceId}`, {
      token: member.token,
      method: "PATCH",
      body: { name: "Mine now" },
    });
    expect(patch.status).toBe(403);
    expect(patch.body.error.code).toBe("FORBIDDEN");
  });
});

describe("roles", () => {
  it("admin promotes a member to admin, but cannot grant or take ownership; the owner can", async () => {
    const owner = await signUp("roles-owner");
    const admin = await signUp("roles-admin");
    const member = await signUp("roles-member");
    const ws = owner.workspaceId;
    await addMember(owner, ws, admin, "admin");
    await addMember(owner, ws, member, "member");
    const setRole = (by: TestUser, target: TestUser, role: string) =>
      api(`/api/workspaces/${ws}/members/${target.userId}`, {
        token: by.token,
        method: "PATCH",
        body: { role },
      });

    const promoted = await setRole(admin, member, "admin");
    expect(promoted.status).toBe(200);
    expect(promoted.body.data).toEqual({ userId: member.userId, role: "admin" });
    expect(await roleOf(owner, ws, member.userId)).toBe("admin");

    const grantOwner = await setRole(admin, member, "owner");
    expect(grantOwner.status).toBe(403);
    expect(grantOwner.body.error.code).toBe("FORBIDDEN");
    expect(await roleOf(owner, ws, member.userId)).toBe("admin");

    const demoteOwner = await setRole(admin, owner, "member");
    expect(demoteOwner.status).toBe(403);
    expect(await roleOf(owner, ws, owner.userId)).toBe("owner");

    // Demoting another admin is an owner's call, as removing one is; an admin may step down.
    const demoteAdmin = await setRole(admin, member, "member");
    expect(demoteAdmin.status).toBe(403);
    expect(demoteAdmin.body.error.code).toBe("FORBIDDEN");
    expect(await roleOf(owner, ws, member.userId)).toBe("admin");

    const byOwner = await setRole(owner, member, "owner");
    expect(byOwner.status).toBe(200);
    expect(await roleOf(owner, ws, member.userId)).toBe("owner");

    // Members cannot change roles at all.
    const plain = await signUp("roles-plain");
    await addMember(owner, ws, plain, "member");
    const byMember = await setRole(plain, plain, "admin");
    expect(byMember.status).toBe(403);
    expect(await roleOf(owner, ws, plain.userId)).toBe("member");
  });

  it("the last owner can neither step down nor leave → 409 LAST_OWNER; with a second owner both work", async () => {
    const owner = await signUp("last-owner");
    const ws = owner.workspaceId;
    const demote = await api(`/api/workspaces/${ws}/members/${owner.userId}`, {
      token: owner.token,
      method: "PATCH",
      body: { role: "admin" },
    });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe("LAST_OWNER");
    const leave = await api(`/api/workspaces/${ws}/members/${owner.userId}`, {
      token: owner.token,
      method: "DELETE",
    });
    expect(leave.status).toBe(409);
    expect(leave.body.error.code).toBe("LAST_OWNER");
    expect(await roleOf(owner, ws, owner.userId)).toBe("owner");

    const heir = await signUp("heir");
    await addMember(owner, ws, heir, "admin");
    const crowned = await api(`/api/workspaces/${ws}/members/${heir.userId}`, {
      token: owner.token,
      method: "PATCH",
      body: { role: "owner" },
    });
    expect(crowned.status).toBe(200);
    const left = await api(`/api/workspaces/${ws}/members/${owner.userId}`, {
      token: owner.token,
      method: "DELETE",
    });
    expect(left.status).toBe(200);
    expect(left.body.data).toEqual({ userId: owner.userId, removed: true });
    expect((await members(heir, ws)).map((m) => m.userId)).toEqual([heir.userId]);
    // Now the heir is the last owner.
    const heirLeaves = await api(`/api/workspaces/${ws}/members/${heir.userId}`, {
      token: heir.token,
      method: "DELETE",
    });
    expect(heirLeaves.status).toBe(409);
    expect(heirLeaves.body.error.code).toBe("LAST_OWNER");
  });

  it("two owners stepping each other down at once leave exactly one owner", async () => {
    const first = await signUp("owner-a");
    const second = await signUp("owner-b");
    await addMember(first, first.workspaceId, second, "admin");
    const promote = await api(`/api/workspaces/${first.workspaceId}/members/${second.userId}`, {
      method: "PATCH",
      token: first.token,
      body: { role: "owner" },
    });
    expect(promote.status).toBe(200);

    const [aDemotesB, bDemotesA] = await Promise.all([
      api(`/api/workspaces/${first.workspaceId}/members/${second.userId}`, {
        method: "PATCH",
        token: first.token,
        body: { role: "member" },
      }),
      api(`/api/workspaces/${first.workspaceId}/members/${first.userId}`, {
        method: "PATCH",
        token: second.token,
        body: { role: "member" },
      }),
    ]);
    expect([aDemotesB.status, bDemotesA.status].sort()).toEqual([200, 409]);
    const owners = await env.DB.prepare(
      "SELECT count(*) AS n FROM workspace_members WHERE workspace_id = ? AND role = 'owner'",
    )
      .bind(first.workspaceId)
      .first<{ n: number }>();
    expect(owners?.n).toBe(1);
  });

  it("removes members: admins remove members, only owners remove admins, members cannot remove anyone", async () => {
    const owner = await signUp("rm-owner");
    const admin = await signUp("rm-admin");
    const admin2 = await signUp("rm-admin2");
    const member = await signUp("rm-member");
    const member2 = await signUp("rm-member2");
    const ws = owner.workspaceId;
    await addMember(owner, ws, admin, "admin");
    await addMember(owner, ws, admin2, "admin");
    await addMember(owner, ws, member, "member");
    await addMember(owner, ws, member2, "member");
    const remove = (by: TestUser, target: TestUser) =>
      api(`/api/workspaces/${ws}/members/${target.userId}`, { token: by.token, method: "DELETE" });

    const byMember = await remove(member, member2);
    expect(byMember.status).toBe(403);
    const adminRemovesAdmin = await remove(admin, admin2);
    expect(adminRemovesAdmin.status).toBe(403);
    const adminRemovesOwner = await remove(admin, owner);
    expect(adminRemovesOwner.status).toBe(403);
    expect(await membershipCount(ws)).toBe(5);

    const adminRemovesMember = await remove(admin, member2);
    expect(adminRemovesMember.status).toBe(200);
    expect(await membershipCount(ws, member2.userId)).toBe(0);
    // The removed user no longer sees the workspace.
    expect((await api(`/api/workspaces/${ws}`, { token: member2.token })).status).toBe(404);

    const ownerRemovesAdmin = await remove(owner, admin2);
    expect(ownerRemovesAdmin.status).toBe(200);
    expect(await membershipCount(ws, admin2.userId)).toBe(0);

    // Removing someone who is not a member is a 404.
    const again = await remove(owner, admin2);
    expect(again.status).toBe(404);
  });

  it("a member can leave on their own", async () => {
    const owner = await signUp("leave-owner");
    const member = await signUp("leaver");
    await addMember(owner, owner.workspaceId, member, "member");
    const left = await api(`/api/workspaces/${owner.workspaceId}/members/${member.userId}`, {
      token: member.token,
      method: "DELETE",
    });
    expect(left.status).toBe(200);
    expect(await membershipCount(owner.workspaceId, member.userId)).toBe(0);
    const me = await api("/api/auth/me", { token: member.token });
    expect(me.body.data.workspaces.map((w: { id: string }) => w.id)).toEqual([member.workspaceId]);
    const actions = (await auditItems(owner, owner.workspaceId)).map((i) => i.action);
    expect(actions).toContain("member.left");
  });
});

describe("invitations", () => {
  it("create → accept → membership with the invited role", async () => {
    const owner = await signUp("inv-owner");
    const invitee = await signUp("invitee");
    const inv = await createInvitation(
      owner,
      owner.workspaceId,
      invitee.email.toUpperCase(),
      "admin",
    );
    expect(inv.body.invitation).toMatchObject({ email: invitee.email, role: "admin" });
    expect(inv.body.inviteUrl).toMatch(/^http:\/\/localhost:8787\/invite\?token=/);
    expect(Date.parse(inv.body.invitation.expiresAt)).toBeGreaterThan(
      Date.now() + 6 * 24 * 3600_000,
    );

    const pending = await api(`/api/workspaces/${owner.workspaceId}/invitations`, {
      token: owner.token,
    });
    expect(pending.body.data.map((i: { id: string }) => i.id)).toEqual([inv.id]);
    // Only the token's hash is stored.
    const stored = await env.DB.prepare("SELECT token_hash FROM invitations WHERE id = ?")
      .bind(inv.id)
      .first<{ token_hash: string }>();
    expect(stored?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.token_hash).not.toContain(inv.token);

    const accepted = await accept(invitee, inv.token);
    expect(accepted.status).toBe(200);
    expect(accepted.body.data.workspace).toMatchObject({ id: owner.workspaceId, role: "admin" });
    expect(await roleOf(owner, owner.workspaceId, invitee.userId)).toBe("admin");
    // Accepted invitations are no longer pending.
    const after = await api(`/api/workspaces/${owner.workspaceId}/invitations`, {
      token: owner.token,
    });
    expect(after.body.data).toEqual([]);
  });

  it("refuses an invitation for another email → 403, without using it up", async () => {
    const owner = await signUp("inv-wrong");
    const invitee = await signUp("meant");
    const stranger = await signUp("stranger");
    const inv = await createInvitation(owner, owner.workspaceId, invitee.email);
    const wrong = await accept(stranger, inv.token);
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe("FORBIDDEN");
    expect(await membershipCount(owner.workspaceId, stranger.userId)).toBe(0);
    // The rightful invitee can still accept.
    expect((await accept(invitee, inv.token)).status).toBe(200);
  });

  it("a revoked invitation → 400 INVITATION_INVALID", async () => {
    const owner = await signUp("inv-revoke");
    const invitee = await signUp("revoked");
    const inv = await createInvitation(owner, owner.workspaceId, invitee.email);
    const revoked = await api(`/api/workspaces/${owner.workspaceId}/invitations/${inv.id}`, {
      token: owner.token,
      method: "DELETE",
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.data).toEqual({ id: inv.id, revoked: true });
    const res = await accept(invitee, inv.token);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVITATION_INVALID");
    expect(await membershipCount(owner.workspaceId, invitee.userId)).toBe(0);
    // Revoking twice: nothing left to revoke.
    const twice = await api(`/api/workspaces/${owner.workspaceId}/invitations/${inv.id}`, {
      token: owner.token,
      method: "DELETE",
    });
    expect(twice.status).toBe(404);
  });

  it("an expired invitation → 400 INVITATION_INVALID", async () => {
    const owner = await signUp("inv-expired");
    const invitee = await signUp("late");
    const inv = await createInvitation(owner, owner.workspaceId, invitee.email);
    await env.DB.prepare("UPDATE invitations SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1000, inv.id)
      .run();
    const res = await accept(invitee, inv.token);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVITATION_INVALID");
  });

  it("a used token cannot be reused by another user → 400 INVITATION_INVALID", async () => {
    const owner = await signUp("inv-reuse");
    const invitee = await signUp("first");
    const other = await signUp("second");
    const inv = await createInvitation(owner, owner.workspaceId, invitee.email);
    expect((await accept(invitee, inv.token)).status).toBe(200);
    const reused = await accept(other, inv.token);
    expect(reused.status).toBe(400);
    expect(reused.body.error.code).toBe("INVITATION_INVALID");
    expect(await membershipCount(owner.workspaceId, other.userId)).toBe(0);
  });

  it("accepting twice is answered like the first time, with one membership", async () => {
    const owner = await signUp("inv-twice");
    const invitee = await signUp("twice");
    const inv = await createInvitation(owner, owner.workspaceId, invitee.email);
    const first = await accept(invitee, inv.token);
    const second = await accept(invitee, inv.token);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual(first.body.data);
    expect(await membershipCount(owner.workspaceId, invitee.userId)).toBe(1);
    const accepts = (await auditItems(owner, owner.workspaceId)).filter(
      (i) => i.action === "invitation.accepted",
    );
    expect(accepts).toHaveLength(1);
  });

  it("a member removed after accepting cannot rejoin with the same link → 400 INVITATION_INVALID", async () => {
    const owner = await signUp("inv-removed");
    const invitee = await signUp("removed");
    const inv = await createInvitation(owner, owner.workspaceId, invitee.email, "admin");
    expect((await accept(invitee, inv.token)).status).toBe(200);
    const removed = await api(`/api/workspaces/${owner.workspaceId}/members/${invitee.userId}`, {
      token: owner.token,
      method: "DELETE",
    });
    expect(removed.status).toBe(200);

    const again = await accept(invitee, inv.token);
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe("INVITATION_INVALID");
    expect(await membershipCount(owner.workspaceId, invitee.userId)).toBe(0);
    const content = await api("/api/content", {
      token: invitee.token,
      workspaceId: owner.workspaceId,
    });
    expect(content.status).toBe(404);
  });

  it("re-inviting the same email revokes the earlier link", async () => {
    const owner = await signUp("inv-again");
    const invitee = await signUp("again");
    const old = await createInvitation(owner, owner.workspaceId, invitee.email, "admin");
    const fresh = await createInvitation(owner, owner.workspaceId, invitee.email, "member");
    expect(fresh.token).not.toBe(old.token);
    const pending = await api(`/api/workspaces/${owner.workspaceId}/invitations`, {
      token: owner.token,
    });
    expect(pending.body.data.map((i: { id: string }) => i.id)).toEqual([fresh.id]);

    const viaOld = await accept(invitee, old.token);
    expect(viaOld.status).toBe(400);
    expect(viaOld.body.error.code).toBe("INVITATION_INVALID");
    const viaFresh = await accept(invitee, fresh.token);
    expect(viaFresh.status).toBe(200);
    expect(await roleOf(owner, owner.workspaceId, invitee.userId)).toBe("member");
  });

  it("inviting an existing member → 409 CONFLICT", async () => {
    const owner = await signUp("inv-member");
    const member = await signUp("already");
    await addMember(owner, owner.workspaceId, member, "member");
    for (const email of [member.email, ` ${member.email.toUpperCase()} `, owner.email]) {
      const res = await api(`/api/workspaces/${owner.workspaceId}/invitations`, {
        token: owner.token,
        body: { email, role: "admin" },
      });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("CONFLICT");
    }
    // Someone who is not a member yet can be invited.
    const fine = await api(`/api/workspaces/${owner.workspaceId}/invitations`, {
      token: owner.token,
      body: { email: uniqueEmail("new"), role: "member" },
    });
    expect(fine.status).toBe(201);
  });

  it("a garbage token → 400 INVITATION_INVALID", async () => {
    const user = await signUp("garbage");
    const res = await accept(user, "x".repeat(43));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVITATION_INVALID");
  });
});

describe("tenant isolation", () => {
  it("a user of another workspace gets 404 on every route of it", async () => {
    const owner = await signUp("tenant-a");
    const outsider = await signUp("tenant-b");
    const ws = owner.workspaceId;
    const attempts = [
      api(`/api/workspaces/${ws}`, { token: outsider.token }),
      api(`/api/workspaces/${ws}`, {
        token: outsider.token,
        method: "PATCH",
        body: { name: "Pwned" },
      }),
      api(`/api/workspaces/${ws}`, { token: outsider.token, method: "DELETE" }),
      api(`/api/workspaces/${ws}/members`, { token: outsider.token }),
      api(`/api/workspaces/${ws}/members/${owner.userId}`, {
        token: outsider.token,
        method: "DELETE",
      }),
      api(`/api/workspaces/${ws}/members/${owner.userId}`, {
        token: outsider.token,
        method: "PATCH",
        body: { role: "member" },
      }),
      api(`/api/workspaces/${ws}/invitations`, { token: outsider.token }),
      api(`/api/workspaces/${ws}/invitations`, {
        token: outsider.token,
        body: { email: outsider.email },
      }),
      api("/api/audit-log", { token: outsider.token, workspaceId: ws }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
    }
    // An id that does not exist looks exactly the same.
    const missing = await api("/api/workspaces/ws_doesnotexist", { token: outsider.token });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      (await api(`/api/workspaces/${ws}`, { token: outsider.token })).body.error.message,
    );

    // Nothing changed.
    const shown = await api(`/api/workspaces/${ws}`, { token: owner.token });
    expect(shown.status).toBe(200);
    expect(shown.body.data.name).not.toBe("Pwned");
    expect(await membershipCount(ws)).toBe(1);
    expect(await roleOf(owner, ws, owner.userId)).toBe("owner");
  });

  it("an admin of one workspace cannot revoke another workspace's invitation by id", async () => {
    const a = await signUp("inv-tenant-a");
    const b = await signUp("inv-tenant-b");
    const invitee = await signUp("inv-tenant-target");
    const inv = await createInvitation(a, a.workspaceId, invitee.email);
    // B uses their own workspace in the path but A's invitation id.
    const res = await api(`/api/workspaces/${b.workspaceId}/invitations/${inv.id}`, {
      token: b.token,
      method: "DELETE",
    });
    expect(res.status).toBe(404);
    expect((await accept(invitee, inv.token)).status).toBe(200);
  });
});

describe("audit log", () => {
  it("needs X-Workspace-Id when the user has several workspaces → 400 WORKSPACE_REQUIRED", async () => {
    const user = await signUp("multi");
    const only = await api("/api/audit-log", { token: user.token });
    expect(only.status).toBe(200);

    const second = await api("/api/workspaces", { token: user.token, body: { name: "Second" } });
    const ambiguous = await api("/api/audit-log", { token: user.token });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error.code).toBe("WORKSPACE_REQUIRED");

    const chosen = await api("/api/audit-log", {
      token: user.token,
      workspaceId: second.body.data.id,
    });
    expect(chosen.status).toBe(200);
    expect(chosen.body.data.items.map((i: AuditItem) => i.action)).toEqual(["workspace.created"]);
    expect(chosen.body.data.items[0].targetId).toBe(second.body.data.id);
  });

  it("is for admins and owners only", async () => {
    const owner = await signUp("audit-owner");
    const member = await signUp("audit-member");
    const admin = await signUp("audit-admin");
    await addMember(owner, owner.workspaceId, member, "member");
    await addMember(owner, owner.workspaceId, admin, "admin");
    const byMember = await api("/api/audit-log", {
      token: member.token,
      workspaceId: owner.workspaceId,
    });
    expect(byMember.status).toBe(403);
    expect(byMember.body.error.code).toBe("FORBIDDEN");
    const byAdmin = await api("/api/audit-log", {
      token: admin.token,
      workspaceId: owner.workspaceId,
    });
    expect(byAdmin.status).toBe(200);
  });

  it("records who did what, newest first", async () => {
    const owner = await signUp("audit-actions");
    const member = await signUp("audit-target");
    const ws = owner.workspaceId;
    await api(`/api/workspaces/${ws}`, {
      token: owner.token,
      method: "PATCH",
      body: { name: "Renamed" },
    });
    await addMember(owner, ws, member, "member");
    await api(`/api/workspaces/${ws}/members/${member.userId}`, {
      token: owner.token,
      method: "PATCH",
      body: { role: "admin" },
    });
    await api(`/api/workspaces/${ws}/members/${member.userId}`, {
      token: owner.token,
      method: "DELETE",
    });

    const items = await auditItems(owner, ws);
    expect(items.map((i) => i.action)).toEqual([
      "member.removed",
      "member.role_changed",
      "invitation.accepted",
      "invitation.created",
      "workspace.updated",
      "workspace.created",
    ]);
    const byAction = Object.fromEntries(items.map((i) => [i.action, i]));
    expect(byAction["workspace.updated"]).toMatchObject({
      actorId: owner.userId,
      actorEmail: owner.email,
      metadata: { fields: ["name"] },
    });
    expect(byAction["member.role_changed"]).toMatchObject({
      targetType: "user",
      targetId: member.userId,
      metadata: { from: "member", to: "admin" },
    });
    expect(byAction["invitation.accepted"]).toMatchObject({ actorId: member.userId });
    expect(byAction["member.removed"]).toMatchObject({
      actorId: owner.userId,
      targetId: member.userId,
    });
    // Another workspace's log does not see these.
    const other = await signUp("audit-other");
    const otherItems = await auditItems(other, other.workspaceId);
    expect(otherItems.map((i) => i.action)).toEqual(["workspace.created"]);
  });

  it("paginates with nextCursor, without repeating or skipping entries", async () => {
    const owner = await signUp("audit-pages");
    const ws = owner.workspaceId;
    // 1 (sign-up) + 6 renames + 6 invitations = 13 entries, several written in the same instant.
    for (let i = 0; i < 6; i++) {
      await api(`/api/workspaces/${ws}`, {
        token: owner.token,
        method: "PATCH",
        body: { name: `Name ${i}` },
      });
      await api(`/api/workspaces/${ws}/invitations`, {
        token: owner.token,
        body: { email: uniqueEmail("page") },
      });
    }
    const all = await auditItems(owner, ws);
    expect(all).toHaveLength(13);

    for (const limit of [1, 2, 5]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/api/audit-log?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const res = await api(query, { token: owner.token, workspaceId: ws });
        expect(res.status).toBe(200);
        expect(res.body.data.items.length).toBeLessThanOrEqual(limit);
        seen.push(...res.body.data.items.map((i: AuditItem) => i.id));
        cursor = res.body.data.nextCursor;
        pages += 1;
        expect(pages).toBeLessThanOrEqual(13);
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(all.map((i) => i.id));
      expect(pages).toBe(Math.ceil(13 / limit));
    }
  });

  it("pages correctly when many entries share one timestamp", async () => {
    const owner = await signUp("audit-ties");
    const ws = owner.workspaceId;
    // Entries written in one statement share created_at exactly; the cursor must break ties by id.
    await env.DB.prepare(
      `INSERT INTO audit_log (id, workspace_id, actor_id, action)
       SELECT 'aud_tie_' || ? || '_' || value, ?, ?, 'test.tie' FROM json_each('[1,2,3,4,5,6,7]')`,
    )
      .bind(crypto.randomUUID(), ws, owner.userId)
      .run();
    const all = await auditItems(owner, ws);
    expect(all).toHaveLength(8);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/audit-log?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const res = await api(query, { token: owner.token, workspaceId: ws });
      expect(res.status).toBe(200);
      seen.push(...res.body.data.items.map((i: AuditItem) => i.id));
      cursor = res.body.data.nextCursor;
    } while (cursor && seen.length <= all.length);
    expect(seen).toEqual(all.map((i) => i.id));
  });

  it("rejects a tampered cursor → 400 VALIDATION_ERROR", async () => {
    const owner = await signUp("audit-cursor");
    const res = await api("/api/audit-log?cursor=not-a-cursor", { token: owner.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
  });
});
