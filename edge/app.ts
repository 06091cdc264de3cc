import { Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./context";
import { ApiError, onError, onNotFound } from "./errors";
import { database } from "./middleware/database";
import {
  corsForKnownOrigins,
  csrfForCookieSessions,
  limitBodySize,
  requestLog,
  requireJsonBodies,
} from "./middleware/http";
import { auditLogRoutes } from "./routes/audit-log";
import { authRoutes } from "./routes/auth";
import { calendarRoutes } from "./routes/calendar";
import { contentRoutes } from "./routes/content";
import { dealRoutes } from "./routes/deals";
import { devRoutes } from "./routes/dev";
import { emailRoutes } from "./routes/email";
import { followupRoutes } from "./routes/followups";
import { healthRoutes } from "./routes/health";
import { invitationRoutes } from "./routes/invitations";
import { jobRoutes } from "./routes/jobs";
import { sponsorRoutes } from "./routes/sponsors";
import { usageRoutes } from "./routes/usage";
import { workspaceRoutes } from "./routes/workspaces";

const app = new Hono<AppEnv>();

app.use(requestId({ headerName: "X-Request-Id" }));
app.use(requestLog);
app.use(database);
app.use(
  secureHeaders({
    // The API answers JSON only: nothing may be framed, sniffed or run from it.
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    strictTransportSecurity: "max-age=63072000; includeSubDomains",
  }),
);
app.use(corsForKnownOrigins);
app.use(
  methodNotAllowed({
    app,
    onMethodNotAllowed: (_c, methods) => {
      throw new ApiError(
        405,
        "METHOD_NOT_ALLOWED",
        `Use ${methods.join(", ")} on this route`,
        undefined,
        {
          Allow: methods.join(", "),
        },
      );
    },
  }),
);
app.use(limitBodySize);
app.use(requireJsonBodies);
app.use(csrfForCookieSessions);

const routes = app
  .route("/api/health", healthRoutes)
  .route("/api/auth", authRoutes)
  .route("/api/workspaces", workspaceRoutes)
  .route("/api/invitations", invitationRoutes)
  .route("/api/audit-log", auditLogRoutes)
  .route("/api/content", contentRoutes)
  .route("/api/sponsors", sponsorRoutes)
  .route("/api/deals", dealRoutes)
  .route("/api/followups", followupRoutes)
  .route("/api/jobs", jobRoutes)
  .route("/api/usage", usageRoutes)
  .route("/api/calendar.ics", calendarRoutes)
  .route("/api/email", emailRoutes)
  .route("/api/dev", devRoutes);

app.onError(onError);
app.notFound(onNotFound);

export { app };
/** The API's type, for `hc<AppType>` in the extension and dashboard. */
export type AppType = typeof routes;
