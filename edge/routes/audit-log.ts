import { desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { pageQuerySchema } from "../../shared/pagination";
import type { AppEnv } from "../context";
import { auditLog, users } from "../db/schema";
import { decodeCursor, encodeCursor, pastCursor } from "../lib/cursor";
import { requireUser } from "../middleware/auth";
import { valid } from "../middleware/validate";
import { workspaceFromHeader } from "../middleware/workspace";

/** Who did what in the current workspace, newest first (admins and owners). */
export const auditLogRoutes = new Hono<AppEnv>().get(
  "/",
  requireUser,
  workspaceFromHeader("admin"),
  valid("query", pageQuerySchema),
  async (c) => {
    const { limit, cursor: cursorText } = c.req.valid("query");
    const cursor = decodeCursor(cursorText);
    const rows = await c.var.db
      .select({
        id: auditLog.id,
        action: auditLog.action,
        targetType: auditLog.targetType,
        targetId: auditLog.targetId,
        metadata: auditLog.metadata,
        actorId: auditLog.actorId,
        actorEmail: users.email,
        createdAt: auditLog.createdAt,
      })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorId))
      .where(
        c.var.scope.where(
          auditLog,
          cursor ? pastCursor(auditLog.createdAt, auditLog.id, cursor, "desc") : undefined,
        ),
      )
      .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json({
      success: true as const,
      data: {
        items: page,
        nextCursor:
          rows.length > limit && last
            ? encodeCursor({ at: last.createdAt.getTime(), id: last.id })
            : null,
      },
    });
  },
);
