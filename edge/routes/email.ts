import { Hono } from "hono";
import { unsubscribeQuerySchema } from "../../shared/notifications";
import type { AppEnv } from "../context";
import { unsubscribe } from "../email/preferences";
import { webPaths } from "../email/templates";
import { readUnsubscribeToken } from "../email/unsubscribe";
import { confirmPage, donePage, invalidLinkPage } from "../email/unsubscribe-page";
import { ApiError } from "../errors";
import { valid } from "../middleware/validate";

/** Whether the caller is a browser showing our page (it asked for HTML) rather than a mail client. */
const wantsHtml = (accept: string | undefined) => /\btext\/html\b/.test(accept ?? "");

/**
 * The unsubscribe link of every email (`/api/email/unsubscribe?token=…`), usable without
 * signing in: the signed token names the address and the kind of email.
 * - `GET`: a confirm page (changes nothing — link scanners follow GETs); a missing, cut-off or
 *   forged token: the invalid-link page (400).
 * - `POST`: turns that kind of email off. Mail clients send RFC 8058's one-click body
 *   `List-Unsubscribe=One-Click` form-encoded (exempt from the JSON-only rule); the confirm page's
 *   form sends the same. Answers the done page to a browser, `{ unsubscribed: true, kind }` to
 *   anything else. A token that is malformed, altered or not ours: 400 UNSUBSCRIBE_LINK_INVALID.
 * The request log records the route, never the URL, so tokens are not logged.
 */
export const emailRoutes = new Hono<AppEnv>()
  // Opened in a browser: a link cut short by a mail client gets the same page as a forged one.
  .get("/unsubscribe", async (c) => {
    const query = unsubscribeQuerySchema.safeParse({ token: c.req.query("token") });
    const target = query.success ? await readUnsubscribeToken(c.env, query.data.token) : null;
    if (!target) return c.html(invalidLinkPage(), 400);
    return c.html(confirmPage(target.email, target.kind, c.req.url));
  })
  .post("/unsubscribe", valid("query", unsubscribeQuerySchema), async (c) => {
    const target = await readUnsubscribeToken(c.env, c.req.valid("query").token);
    if (!target) {
      if (wantsHtml(c.req.header("Accept"))) return c.html(invalidLinkPage(), 400);
      throw new ApiError(400, "UNSUBSCRIBE_LINK_INVALID", "This unsubscribe link is not valid");
    }
    await unsubscribe(c.var.db, target.email, target.kind);
    if (wantsHtml(c.req.header("Accept")))
      return c.html(donePage(target.email, target.kind, webPaths.settings(c.env.APP_ORIGIN)));
    return c.json({ success: true as const, data: { unsubscribed: true, kind: target.kind } });
  });
