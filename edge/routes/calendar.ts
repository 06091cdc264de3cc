import { Hono } from "hono";
import { calendarFeedQuerySchema } from "../../shared/calendar";
import { calendarFeed } from "../calendar/feed";
import { calendarFeedContext } from "../calendar/feed-token";
import type { AppEnv } from "../context";
import { valid } from "../middleware/validate";
import { enforceLimit, workspaceRequestLimit } from "../rate-limits";

/**
 * `GET /api/calendar.ics?token=…`: a workspace's calendar feed (edge/calendar/feed.ts) for
 * calendar apps, which send no headers: the secret token in the URL is the only credential (an
 * Authorization header is not read). A missing or malformed token is a 400 VALIDATION_ERROR; a
 * token that opens no feed (never issued, rotated, member removed) a 404 NOT_FOUND. The request
 * log records the route, never the URL, so the token is not logged.
 */
export const calendarRoutes = new Hono<AppEnv>().get(
  "/",
  valid("query", calendarFeedQuerySchema),
  async (c) => {
    const ctx = await calendarFeedContext(c.var.db, c.env, c.req.valid("query").token);
    c.set("userId", ctx.user?.id);
    c.set("workspaceId", ctx.workspace.id);
    // A feed is a request of the workspace like any other: it spends from the same budget.
    await enforceLimit(
      c.env,
      `workspace:${ctx.workspace.id}`,
      workspaceRequestLimit(ctx.workspace.plan),
    );
    const ics = await calendarFeed(ctx);
    return c.body(ics, 200, {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": 'inline; filename="creatorops.ics"',
      // Only the subscriber's own client may keep it, briefly: a rotated URL stops at once.
      "Cache-Control": "private, max-age=300",
    });
  },
);
