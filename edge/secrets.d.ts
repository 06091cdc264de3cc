// Optional secrets (`wrangler secret put`, `.dev.vars` locally). `wrangler types` only sees
// secrets present in a local .dev.vars, so the optional ones are declared here; every
// binding and var still comes from `wrangler types` (worker-configuration.d.ts).
declare namespace Cloudflare {
  interface Env {
    /** API key of the OpenAI-compatible provider; without it the offline repurposer answers. */
    AI_API_KEY?: string;
  }
}
