import type { RequestIdVariables } from "hono/request-id";
import type { Db } from "./db/client";

/** Hono's environment for the whole app; route-level middleware adds typed variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: RequestIdVariables & {
    db: Db;
    /** Set by the auth middleware, read by the request log. */
    userId?: string;
    workspaceId?: string;
  };
}
