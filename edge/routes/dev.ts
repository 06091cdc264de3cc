import { Hono } from "hono";
import { type EmailKind, type OutboxEmail, outboxQuerySchema } from "../../shared/notifications";
import type { AppEnv } from "../context";
import { outboxForUser } from "../db/cross-workspace";
import { notFound } from "../errors";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { requireUser } from "../middleware/auth";
import { valid } from "../middleware/validate";

/**
 * Local development only. `GET /api/dev/outbox`: what would have been sent — the emails
 * addressed to the signed-in user (with their text and HTML) or about their workspaces (who,
 * what and when only), newest first, `{ items, nextCursor }`. Answers 404 unless `EMAIL_SENDER` is `outbox`, so a deployment that sends real
 * email has no such route.
 */
export const devRoutes = new Hono<AppEnv>().get(
  "/outbox",
  async (c, next) => {
    if (c.env.EMAIL_SENDER !== "outbox") throw notFound("Not found");
    await next();
  },
  requireUser,
  valid("query", outboxQuerySchema),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const rows = await outboxForUser(c.var.db, c.var.user, {
      limit: limit + 1,
      before: decodeCursor(cursor),
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const items: OutboxEmail[] = page.map((row) => ({
      id: row.id,
      to: row.toEmail,
      subject: row.subject,
      template: row.template as EmailKind,
      // Only your own emails with their text: another member's carries links signed for them
      // (unsubscribe) or for an invitee, which the outbox must not hand to anyone else.
      text: row.toEmail === c.var.user.email ? row.bodyText : null,
      html: row.toEmail === c.var.user.email ? row.bodyHtml : null,
      status: row.status,
      dedupeKey: row.dedupeKey,
      createdAt: row.createdAt.toISOString(),
    }));
    return c.json({
      success: true as const,
      data: {
        items,
        nextCursor:
          rows.length > limit && last
            ? encodeCursor({ at: last.createdAt.getTime(), id: last.id })
            : null,
      },
    });
  },
);
