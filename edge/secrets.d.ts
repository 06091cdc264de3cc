// Optional secrets (`wrangler secret put`, `.dev.vars` locally). `wrangler types` only sees
// secrets present in a local .dev.vars, so the optional ones are declared here; every
// binding and var still comes from `wrangler types` (worker-configuration.d.ts).
declare namespace Cloudflare {
  interface Env {
    /** API key of the OpenAI-compatible provider; without it the offline repurposer answers. */
    AI_API_KEY?: string;
    /**
     * Signs unsubscribe links (HMAC-SHA256). `npm run dev` writes a random one into .dev.vars;
     * set it with `wrangler secret put` when deploying. Emails are not sent without it.
     */
    EMAIL_TOKEN_SECRET?: string;
    /** MailChannels Email API key (`X-Api-Key`), with EMAIL_SENDER = "mailchannels". */
    MAILCHANNELS_API_KEY?: string;
    /** PEM (PKCS#8) private key MailChannels signs with, for MAILCHANNELS_DKIM_DOMAIN. */
    MAILCHANNELS_DKIM_PRIVATE_KEY?: string;
  }
}
