/**
 * Invitations: an admin invites an email with a role, the invitee accepts with the link's
 * secret token. Only the token's SHA-256 is stored; a token is single-use, expires after a
 * week, and inviting the same email again replaces the earlier link.
 */
import { asc, eq, gt, isNull, type SQL } from "drizzle-orm";
import type { SessionUser } from "../auth/sessions";
import { audit } from "../db/audit";
import type { Db } from "../db/client";
import { invitationByTokenHash, redeemInvitation } from "../db/cross-workspace";
import { emailOutbox, invitations, users, workspaceMembers } from "../db/schema";
import { loadWorkspaceContext, type WorkspaceContext } from "../db/workspace-context";
import { type EmailRequest, recordEmail } from "../email/deliver";
import { emailWanted } from "../email/preferences";
import { emailLinks, invitationEmail } from "../email/templates";
import { ApiError, forbidden, notFound } from "../errors";
import { randomToken, sha256Hex } from "../lib/encoding";
import { newId } from "../lib/ids";
import { errorText, logLine } from "../log";
import type { WorkspaceSummary } from "./workspaces";

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** An invitation as admins see it (never its token or hash). */
export interface InvitationView {
  id: string;
  email: string;
  role: (typeof invitations.$inferSelect)["role"];
  /** ISO times. */
  expiresAt: string;
  createdAt: string;
}

const invitationView = (
  row: Pick<typeof invitations.$inferSelect, "id" | "email" | "role" | "expiresAt" | "createdAt">,
): InvitationView => ({
  id: row.id,
  email: row.email,
  role: row.role,
  expiresAt: row.expiresAt.toISOString(),
  createdAt: row.createdAt.toISOString(),
});

/**
 * The invitations still waiting for an answer (not accepted, revoked or expired), oldest
 * first: `InvitationView[]`. Throws nothing.
 */
export async function listPendingInvitations(ctx: WorkspaceContext): Promise<InvitationView[]> {
  const pending = await ctx.db
    .select()
    .from(invitations)
    .where(
      ctx.scope.where(
        invitations,
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    )
    .orderBy(asc(invitations.createdAt));
  return pending.map(invitationView);
}

/**
 * Invites `email` (already normalised) as `role` for a week, revoking any earlier pending
 * invitation of that email, records `invitation.created` and the invitation email in the
 * delivery log — one transaction — then queues the email. Answers `{ invitation:
 * InvitationView, inviteUrl, email: "queued" | "turned_off" | "not_sent" }`: the link stays in
 * the answer for the inviter to copy (the email may be turned off, or unsendable without
 * EMAIL_TOKEN_SECRET). Throws 409 CONFLICT when `email` already belongs to a member.
 */
export async function inviteMember(
  ctx: WorkspaceContext,
  input: { email: string; role: "admin" | "member" },
  inviter: { name: string | null } = { name: null },
) {
  const { email, role } = input;
  const [existing] = await ctx.db
    .select({ userId: users.id })
    .from(users)
    .innerJoin(workspaceMembers, eq(workspaceMembers.userId, users.id))
    .where(ctx.scope.where(workspaceMembers, eq(users.email, email)))
    .limit(1);
  if (existing)
    throw new ApiError(409, "CONFLICT", `${email} is already a member of this workspace`);

  const token = randomToken();
  const now = Date.now();
  const inviteUrl = `${ctx.env.APP_ORIGIN}/invite?token=${encodeURIComponent(token)}`;
  const row = {
    id: newId("inv"),
    email,
    role,
    tokenHash: await sha256Hex(token),
    invitedBy: ctx.user?.id ?? null,
    expiresAt: new Date(now + INVITATION_TTL_MS),
    createdAt: new Date(now),
  };
  const mail = await invitationEmailRequest(ctx, {
    invitationId: row.id,
    email,
    role,
    inviteUrl,
    inviterName: inviter.name,
    expiresAt: row.expiresAt,
  });
  await ctx.db.batch([
    // Inviting the same email again replaces the earlier link — and its email, if not sent yet.
    ctx.scope.update(
      invitations,
      { revokedAt: new Date(now) },
      eq(invitations.email, email),
      isNull(invitations.acceptedAt),
      isNull(invitations.revokedAt),
    ),
    unsentInvitationEmails(ctx, eq(emailOutbox.toEmail, email)),
    ctx.scope.insert(invitations, row),
    audit(ctx.scope, {
      actorId: ctx.user?.id ?? null,
      action: "invitation.created",
      targetType: "invitation",
      targetId: row.id,
      metadata: { role },
    }),
    ...(mail.request ? [recordEmail(ctx.db, mail.request)] : []),
  ]);
  let emailStatus = mail.status;
  if (mail.request) {
    try {
      await ctx.env.JOBS.send({ kind: "send_email", dedupeKey: mail.request.dedupeKey });
    } catch (error) {
      // The invitation stands and its link is in this answer; the email is what was lost.
      emailStatus = "not_sent";
      logLine("error", {
        action: "invitation.email_not_queued",
        workspaceId: ctx.workspace.id,
        error: errorText(error),
      });
    }
  }
  return { invitation: invitationView(row), inviteUrl, email: emailStatus };
}

const invitationEmailKey = (invitationId: string) => `invitation:${invitationId}`;

/** Marks this workspace's invitation emails matching `which` skipped, if they are not sent yet. */
function unsentInvitationEmails(ctx: WorkspaceContext, which: SQL) {
  return ctx.scope.update(
    emailOutbox,
    { status: "skipped", lastError: "invitation revoked before its email was sent" },
    eq(emailOutbox.template, "invitation"),
    eq(emailOutbox.status, "queued"),
    which,
  );
}

/**
 * The invitation email to record with the invitation, or why there is none: the address
 * turned invitations off (`turned_off`), or unsubscribe links cannot be signed (`not_sent`,
 * EMAIL_TOKEN_SECRET missing — logged).
 */
async function invitationEmailRequest(
  ctx: WorkspaceContext,
  invite: {
    invitationId: string;
    email: string;
    role: "admin" | "member";
    inviteUrl: string;
    inviterName: string | null;
    expiresAt: Date;
  },
): Promise<{ status: "queued" | "turned_off" | "not_sent"; request?: EmailRequest }> {
  const { wanted } = await emailWanted(ctx.db, invite.email, "invitation");
  if (!wanted) return { status: "turned_off" };
  try {
    const links = await emailLinks(ctx.env, invite.email, "invitation");
    return {
      status: "queued",
      request: {
        dedupeKey: invitationEmailKey(invite.invitationId),
        workspaceId: ctx.workspace.id,
        template: "invitation",
        to: invite.email,
        rendered: invitationEmail(
          {
            workspaceName: ctx.workspace.name,
            inviterName: invite.inviterName,
            role: invite.role,
            inviteUrl: invite.inviteUrl,
            expiresAt: invite.expiresAt,
          },
          links,
        ),
      },
    };
  } catch (error) {
    logLine("error", {
      action: "invitation.email_not_rendered",
      workspaceId: ctx.workspace.id,
      error: errorText(error),
    });
    return { status: "not_sent" };
  }
}

/**
 * Revokes pending invitation `invitationId` of this workspace and records
 * `invitation.revoked`. Answers `{ id, revoked: true }`. Throws 404 NOT_FOUND when there is
 * no pending invitation by that id here (another workspace's, accepted, or already revoked).
 */
export async function revokeInvitation(ctx: WorkspaceContext, invitationId: string) {
  const [revoked] = await ctx.scope
    .update(
      invitations,
      { revokedAt: new Date() },
      eq(invitations.id, invitationId),
      isNull(invitations.acceptedAt),
      isNull(invitations.revokedAt),
    )
    .returning({ id: invitations.id });
  if (!revoked) throw notFound("Invitation not found");
  await ctx.db.batch([
    audit(ctx.scope, {
      actorId: ctx.user?.id ?? null,
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: invitationId,
    }),
    // A link revoked (a mistyped address?) before its email went out is never emailed.
    unsentInvitationEmails(ctx, eq(emailOutbox.dedupeKey, invitationEmailKey(invitationId))),
  ]);
  return { id: invitationId, revoked: true as const };
}

const invalid = () =>
  new ApiError(
    400,
    "INVITATION_INVALID",
    "This invitation link is invalid, already used or expired. Ask for a new one.",
  );

/**
 * `user` accepts the invitation whose secret is `token`: they join its workspace with its
 * role, and `invitation.accepted` is recorded once. Accepting again answers the same, so a
 * double click is harmless. Answers `{ workspace: { id, name, plan, role } }`.
 * Throws 400 INVITATION_INVALID (unknown token, revoked, expired, or used by someone else —
 * one answer for all, so a token reveals nothing) and 403 FORBIDDEN (the invitation was sent
 * to another email; it stays usable by its invitee).
 */
export async function acceptInvitation(
  db: Db,
  env: Env,
  user: Pick<SessionUser, "id" | "email">,
  token: string,
): Promise<{ workspace: WorkspaceSummary }> {
  // By its secret, whatever workspace it belongs to: the user is no member of it yet.
  const invitation = await invitationByTokenHash(db, await sha256Hex(token));
  if (!invitation || invitation.revokedAt || invitation.expiresAt.getTime() <= Date.now())
    throw invalid();
  if (invitation.acceptedAt && invitation.acceptedBy !== user.id) throw invalid();
  if (invitation.email !== user.email) {
    throw forbidden(
      `This invitation was sent to ${invitation.email}. Sign in with that email to accept it.`,
    );
  }

  const claimed = await redeemInvitation(db, invitation.id, user.id, new Date());
  // The user now acts in the invitation's workspace, as a member of it.
  const ctx = await loadWorkspaceContext(db, env, invitation.workspaceId, user.id);
  const role = ctx?.workspace.role;
  if (!ctx || !role) throw invalid();
  if (claimed) {
    await audit(ctx.scope, {
      actorId: user.id,
      action: "invitation.accepted",
      targetType: "invitation",
      targetId: invitation.id,
    });
  }
  const { id, name, plan } = ctx.workspace;
  return { workspace: { id, name, plan, role } };
}
