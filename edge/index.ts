import { app } from "./app";
import { consumeJobs, recordDeadJobs } from "./jobs/consumer";
import { runCron } from "./jobs/cron";

export { RateLimiter } from "./durable-objects/rate-limiter";

const DEAD_LETTER_QUEUE = "creatorops-jobs-dlq";

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    if (batch.queue === DEAD_LETTER_QUEUE) await recordDeadJobs(batch, env);
    else await consumeJobs(batch, env);
  },

  async scheduled(controller, env) {
    await runCron(controller.cron, controller.scheduledTime, env);
  },
} satisfies ExportedHandler<Env>;
