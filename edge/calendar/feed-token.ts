/**
 * Calendar feed tokens: one secret per member and workspace, carried in the feed URL because a
 * calendar app cannot send headers. Only the token's SHA-256 is stored (like sessions and
 * invitations); issuing again replaces the row, so the old URL answers 404 at once.
 */
import { CALENDAR_FEED_PATH, type CalendarFeedToken } from "../../shared/calendar";
import { audit } from "../db/audit";
import type { Db } from "../db/client";
import { calendarFeedByTokenHash } from "../db/cross-workspace";
import { calendarTokens } from "../db/schema";
import { type WorkspaceContext, workspaceContext } from "../db/workspace-context";
import { ApiError, notFound } from "../errors";
import { randomToken, sha256Hex } from "../lib/encoding";
import { newId } from "../lib/ids";

/**
 * Issues the acting member's feed token for `ctx`'s workspace, replacing any earlier one (an
 * upsert on the unique (workspace, user) pair), and records `calendar_feed.token_issued` in the
 * same batch. Answers `{ url, createdAt }`: `url` is absolute, on `APP_ORIGIN` (the Worker's
 * public origin, which serves `/api/*`), and holds the only copy of the token.
 * @throws ApiError 401 UNAUTHORIZED when no user acts (system work has no feed).
 */
export async function issueCalendarFeedToken(ctx: WorkspaceContext): Promise<CalendarFeedToken> {
  const userId = ctx.user?.id;
  if (!userId) throw new ApiError(401, "UNAUTHORIZED", "Sign in to create a calendar feed");
  const token = randomToken();
  const tokenHash = await sha256Hex(token);
  const createdAt = new Date();
  await ctx.db.batch([
    ctx.scope
      .insert(calendarTokens, { id: newId("cal"), userId, tokenHash, createdAt })
      .onConflictDoUpdate({
        target: [calendarTokens.workspaceId, calendarTokens.userId],
        set: { tokenHash, createdAt },
      }),
    audit(ctx.scope, {
      actorId: userId,
      action: "calendar_feed.token_issued",
      targetType: "user",
      targetId: userId,
    }),
  ]);
  const url = new URL(CALENDAR_FEED_PATH, ctx.env.APP_ORIGIN);
  url.searchParams.set("token", token);
  return { url: url.href, createdAt: createdAt.toISOString() };
}

/**
 * The workspace context a feed token opens: its workspace, acted on by the member who issued it.
 * One D1 query (edge/db/cross-workspace.ts `calendarFeedByTokenHash`).
 * @throws ApiError 404 NOT_FOUND when the token matches no feed — never issued, rotated, or its
 *   member removed from the workspace; one answer for all, so a token reveals nothing.
 */
export async function calendarFeedContext(
  db: Db,
  env: Env,
  token: string,
): Promise<WorkspaceContext> {
  const feed = await calendarFeedByTokenHash(db, await sha256Hex(token));
  if (!feed) throw notFound("Calendar feed not found");
  const { id, name, plan, role, userId } = feed;
  return workspaceContext(db, env, { id, name, plan, role }, { id: userId });
}
