import type { EmailSender } from "./sender";

/**
 * Local development's sender: nothing leaves the machine. The email is already in the delivery
 * log (`email_outbox`); keeping its content there is the whole of sending.
 * `GET /api/dev/outbox` lists it.
 */
export function outboxSender(): EmailSender {
  return {
    name: "outbox",
    async send(email) {
      return { providerMessageId: `outbox:${email.id}`, keepsContent: true };
    },
  };
}
