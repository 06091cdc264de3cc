/**
 * The three email senders and the switch between them. MailChannels is faked at the fetch
 * boundary with its real request and response shapes; Cloudflare's `send_email` binding is a
 * stand-in object implementing the structured `send()` form the sender uses.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cloudflareSender, type SendEmailBinding } from "../email/cloudflare";
import { MAILCHANNELS_SEND_URL, mailChannelsSender } from "../email/mailchannels";
import type { OutgoingEmail } from "../email/message";
import { outboxSender } from "../email/outbox";
import { EmailSendError, emailSender } from "../email/sender";

afterEach(() => {
  vi.restoreAllMocks();
});

/** An RSA PKCS#8 private key as PEM, made here (MailChannels only receives its body). */
async function generatedPem(): Promise<string> {
  const pair = (await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const der = new Uint8Array(
    (await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer,
  );
  let binary = "";
  for (const byte of der) binary += String.fromCharCode(byte);
  const base64 = btoa(binary);
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

const UNSUBSCRIBE_URL = "https://app.creatorops.test/api/email/unsubscribe?token=abc.def.ghi";

function outgoing(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    id: "eml_test123",
    from: { email: "notifications@creatorops.test", name: "CreatorOps AI" },
    to: { email: "priya@example.com" },
    subject: "Follow up with Northwind: Headphones review",
    text: "Your follow-up is due.\n\nOpen the deal: https://app.creatorops.test/deals/deal_1\n",
    html: "<!doctype html><p>Your follow-up is due.</p>",
    template: "followup_reminder",
    headers: {
      "List-Unsubscribe": `<${UNSUBSCRIBE_URL}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    ...overrides,
  };
}

function mailChannelsEnv(overrides: Partial<Env> = {}): Env {
  return {
    ...env,
    EMAIL_SENDER: "mailchannels",
    MAILCHANNELS_API_KEY: "mc-test-key",
    MAILCHANNELS_DKIM_DOMAIN: "creatorops.test",
    MAILCHANNELS_DKIM_SELECTOR: "mcdkim",
    MAILCHANNELS_DKIM_PRIVATE_KEY: undefined,
    ...overrides,
  } as Env;
}

interface SeenRequest {
  url: string;
  method: string | undefined;
  headers: Headers;
  body: any;
}

/** Fakes MailChannels: records each request and answers `respond()`'s response. */
function fakeMailChannels(respond: () => Response | Promise<Response>) {
  const seen: SeenRequest[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    seen.push({
      url,
      method: init?.method,
      headers: new Headers(init?.headers),
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    });
    return respond();
  });
  return { seen, spy };
}

/** MailChannels' 202 answer for an accepted message. */
const accepted = () =>
  new Response(
    JSON.stringify({
      request_id: "req_01J9ZX",
      results: [{ index: 0, message_id: "mc-msg-7f3a", status: "sent", reason: null }],
    }),
    { status: 202, headers: { "Content-Type": "application/json" } },
  );

/** The one thing `list` holds (fails the test when it holds more or fewer). */
function onlyOne<T>(list: T[]): T {
  expect(list).toHaveLength(1);
  return list[0] as T;
}

/** Runs `send` and answers the EmailSendError it must throw. */
async function sendError(send: () => Promise<unknown>): Promise<EmailSendError> {
  const error = await send().then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(EmailSendError);
  return error as EmailSendError;
}

describe("MailChannels sender", () => {
  it("posts the exact MailChannels request, DKIM key body included", async () => {
    const pem = await generatedPem();
    const { seen } = fakeMailChannels(accepted);
    const sender = mailChannelsSender(mailChannelsEnv({ MAILCHANNELS_DKIM_PRIVATE_KEY: pem }));

    const sent = await sender.send(outgoing());

    expect(sent).toEqual({ providerMessageId: "mc-msg-7f3a", keepsContent: false });
    const request = onlyOne(seen);
    expect(request.url).toBe("https://api.mailchannels.net/tx/v1/send");
    expect(MAILCHANNELS_SEND_URL).toBe("https://api.mailchannels.net/tx/v1/send");
    expect(request.method).toBe("POST");
    expect(request.headers.get("Content-Type")).toBe("application/json");
    expect(request.headers.get("X-Api-Key")).toBe("mc-test-key");

    const keyBody = pem
      .replace("-----BEGIN PRIVATE KEY-----", "")
      .replace("-----END PRIVATE KEY-----", "")
      .replace(/\s+/g, "");
    expect(keyBody).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(request.body).toEqual({
      personalizations: [
        {
          to: [{ email: "priya@example.com" }],
          dkim_domain: "creatorops.test",
          dkim_selector: "mcdkim",
          dkim_private_key: keyBody,
        },
      ],
      from: { email: "notifications@creatorops.test", name: "CreatorOps AI" },
      subject: "Follow up with Northwind: Headphones review",
      content: [
        {
          type: "text/plain",
          value:
            "Your follow-up is due.\n\nOpen the deal: https://app.creatorops.test/deals/deal_1\n",
        },
        { type: "text/html", value: "<!doctype html><p>Your follow-up is due.</p>" },
      ],
      headers: {
        "List-Unsubscribe": `<${UNSUBSCRIBE_URL}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    });
    // text/plain first, then text/html, as MailChannels requires.
    expect(request.body.content.map((part: { type: string }) => part.type)).toEqual([
      "text/plain",
      "text/html",
    ]);
  });

  it("passes a fixed PEM's body on one line without its BEGIN and END lines", async () => {
    const pem =
      "-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\r\n  BKcwggSjAgEAAoIBAQC7\r\n-----END PRIVATE KEY-----";
    const { seen } = fakeMailChannels(accepted);
    await mailChannelsSender(mailChannelsEnv({ MAILCHANNELS_DKIM_PRIVATE_KEY: pem })).send(
      outgoing(),
    );
    expect(onlyOne(seen).body.personalizations[0].dkim_private_key).toBe(
      "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
    );
  });

  it.each([
    ["the private key", { MAILCHANNELS_DKIM_PRIVATE_KEY: undefined }],
    ["the domain", { MAILCHANNELS_DKIM_DOMAIN: "" }],
    ["the selector", { MAILCHANNELS_DKIM_SELECTOR: "" }],
  ] as const)("asks for no DKIM signing when %s is missing", async (_missing, overrides) => {
    const { seen } = fakeMailChannels(accepted);
    const sender = mailChannelsSender(
      mailChannelsEnv({
        MAILCHANNELS_DKIM_PRIVATE_KEY:
          "-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----",
        ...overrides,
      }),
    );
    await sender.send(outgoing());
    const [personalization] = onlyOne(seen).body.personalizations;
    expect(personalization).toEqual({ to: [{ email: "priya@example.com" }] });
    expect(Object.keys(personalization)).not.toContain("dkim_domain");
    expect(Object.keys(personalization)).not.toContain("dkim_selector");
    expect(Object.keys(personalization)).not.toContain("dkim_private_key");
  });

  it("resolves on 202 with keepsContent false, also when the body has no message id", async () => {
    fakeMailChannels(() => new Response(null, { status: 202 }));
    const sent = await mailChannelsSender(mailChannelsEnv()).send(outgoing());
    expect(sent).toEqual({ providerMessageId: null, keepsContent: false });
  });

  it.each([400, 403])("treats a %i answer as a permanent refusal", async (status) => {
    fakeMailChannels(
      () =>
        new Response(JSON.stringify({ errors: ["The sender domain is not allowed"] }), {
          status,
          headers: { "Content-Type": "application/json", "Retry-After": "60" },
        }),
    );
    const error = await sendError(() => mailChannelsSender(mailChannelsEnv()).send(outgoing()));
    expect(error.retryable).toBe(false);
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(error.message).toContain(String(status));
  });

  it("treats a 429 as retryable and keeps its Retry-After seconds", async () => {
    fakeMailChannels(
      () =>
        new Response(JSON.stringify({ errors: ["Too many requests"] }), {
          status: 429,
          headers: { "Content-Type": "application/json", "Retry-After": "120" },
        }),
    );
    const error = await sendError(() => mailChannelsSender(mailChannelsEnv()).send(outgoing()));
    expect(error.retryable).toBe(true);
    expect(error.retryAfterSeconds).toBe(120);
  });

  it.each([500, 503])("treats a %i answer as retryable", async (status) => {
    fakeMailChannels(() => new Response("upstream failure", { status }));
    const error = await sendError(() => mailChannelsSender(mailChannelsEnv()).send(outgoing()));
    expect(error.retryable).toBe(true);
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(error.message).toContain(String(status));
  });

  it("treats a fetch that fails (network) as retryable", async () => {
    const spy = vi
      .spyOn(globalThis, "fetch")
      .mockRejectedValue(new TypeError("Network connection lost."));
    const error = await sendError(() => mailChannelsSender(mailChannelsEnv()).send(outgoing()));
    expect(error.retryable).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("refuses to send without an API key, retryably, and never calls fetch", async () => {
    const { spy } = fakeMailChannels(accepted);
    const error = await sendError(() =>
      mailChannelsSender(mailChannelsEnv({ MAILCHANNELS_API_KEY: undefined })).send(outgoing()),
    );
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("MAILCHANNELS_API_KEY");
    expect(spy).not.toHaveBeenCalled();
  });
});

/** A stand-in for the `send_email` binding: records each message and answers or throws. */
function standInBinding(answer: () => Promise<{ messageId: string }>) {
  const given: Parameters<SendEmailBinding["send"]>[0][] = [];
  const binding: SendEmailBinding = {
    async send(message) {
      given.push(message);
      return answer();
    },
  };
  return { binding, given };
}

function bindingError(message: string, code?: string): Error {
  const error = new Error(message) as Error & { code?: string };
  if (code) error.code = code;
  return error;
}

describe("Cloudflare Email Service sender", () => {
  it("hands the binding the structured message and keeps its messageId", async () => {
    const { binding, given } = standInBinding(async () => ({ messageId: "cf-msg-0001" }));
    const sent = await cloudflareSender(env, binding).send(outgoing());

    expect(sent).toEqual({ providerMessageId: "cf-msg-0001", keepsContent: false });
    expect(given).toEqual([
      {
        from: { email: "notifications@creatorops.test", name: "CreatorOps AI" },
        to: "priya@example.com",
        subject: "Follow up with Northwind: Headphones review",
        text: "Your follow-up is due.\n\nOpen the deal: https://app.creatorops.test/deals/deal_1\n",
        html: "<!doctype html><p>Your follow-up is due.</p>",
        headers: {
          "List-Unsubscribe": `<${UNSUBSCRIBE_URL}>`,
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
      },
    ]);
  });

  it("gives the sender as a plain address when it has no display name", async () => {
    const { binding, given } = standInBinding(async () => ({ messageId: "cf-msg-0002" }));
    await cloudflareSender(env, binding).send(
      outgoing({ from: { email: "notifications@creatorops.test" } }),
    );
    expect(onlyOne(given).from).toBe("notifications@creatorops.test");
  });

  it.each([
    [
      "a rate limit code",
      bindingError("Rate limit exceeded for this account", "E_RATE_LIMIT_EXCEEDED"),
    ],
    [
      "a code alone speaking of the rate limit",
      bindingError("Request refused", "E_RATE_LIMIT_EXCEEDED"),
    ],
    ["an internal error", bindingError("An internal error occurred, please try again")],
    ["an unavailable service", bindingError("Service temporarily unavailable")],
  ])("retries after %s", async (_what, thrown) => {
    const { binding } = standInBinding(async () => {
      throw thrown;
    });
    const error = await sendError(() => cloudflareSender(env, binding).send(outgoing()));
    expect(error.retryable).toBe(true);
  });

  it.each([
    [
      "an unverified sender",
      bindingError("Sender address is not verified", "E_SENDER_NOT_VERIFIED"),
    ],
    ["an invalid recipient", bindingError("invalid recipient")],
  ])("gives up on %s", async (_what, thrown) => {
    const { binding } = standInBinding(async () => {
      throw thrown;
    });
    const error = await sendError(() => cloudflareSender(env, binding).send(outgoing()));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(thrown.message);
  });

  it("waits (retryable) when there is no EMAIL binding", async () => {
    expect((env as { EMAIL?: unknown }).EMAIL).toBeUndefined();
    const error = await sendError(() => cloudflareSender(env).send(outgoing()));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("EMAIL");
  });
});

describe("outbox sender", () => {
  it("keeps the content and names the delivery log row as the provider id", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const sender = outboxSender();
    expect(sender.name).toBe("outbox");
    const sent = await sender.send(outgoing({ id: "eml_outbox42" }));
    expect(sent).toEqual({ providerMessageId: "outbox:eml_outbox42", keepsContent: true });
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe("choosing the sender", () => {
  it.each(["outbox", "mailchannels", "cloudflare"] as const)(
    "EMAIL_SENDER %s picks that sender",
    (name) => {
      expect(emailSender({ ...env, EMAIL_SENDER: name } as Env).name).toBe(name);
    },
  );

  it("uses the outbox locally, as wrangler.toml says", () => {
    expect(env.EMAIL_SENDER).toBe("outbox");
    expect(emailSender(env).name).toBe("outbox");
  });

  it.each(["", "smtp", "MailChannels", "sendgrid"])(
    "refuses EMAIL_SENDER %j with a retryable error",
    (name) => {
      let thrown: unknown;
      try {
        emailSender({ ...env, EMAIL_SENDER: name } as Env);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(EmailSendError);
      expect((thrown as EmailSendError).retryable).toBe(true);
    },
  );
});
