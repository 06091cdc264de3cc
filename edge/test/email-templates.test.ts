/**
 * What an email says and the checks it passes before any sender sees it: the six templates
 * with hostile values from users and sponsors, the header checks of message.ts, signed
 * unsubscribe links, and the local 08:00 of the daily digest across time zones and DST.
 */
import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { EMAIL_KINDS, type EmailKind } from "../../shared/notifications";
import {
  assertHeaderValue,
  checkedAddress,
  checkedEmail,
  EmailContentError,
  type OutgoingEmail,
  type RenderedEmail,
} from "../email/message";
import { localDay, nextDigestAt } from "../email/preferences";
import { EmailSendError } from "../email/sender";
import {
  contentPublishedEmail,
  deliverableDueEmail,
  digestEmail,
  digestIsEmpty,
  type EmailLinks,
  emailLinks,
  followupReminderEmail,
  invitationEmail,
  invoiceOverdueEmail,
  webPaths,
} from "../email/templates";
import type { DigestData } from "../email/templates/digest";
import {
  listUnsubscribeHeaders,
  readUnsubscribeToken,
  unsubscribeToken,
  unsubscribeUrl,
} from "../email/unsubscribe";

const SCRIPT = "<script>alert(1)</script>";
const SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;";
const QUOTES = `"quotes" & 'apostrophes'`;
const QUOTES_ESCAPED = "&quot;quotes&quot; &amp; &#39;apostrophes&#39;";
const INJECTED = "Headphones review\r\nBcc: evil@example.com";

const RECIPIENT = "priya@example.com";
const ORIGIN = env.APP_ORIGIN;

const links = (kind: EmailKind): Promise<EmailLinks> => emailLinks(env, RECIPIENT, kind);

/** The checks every template's output passes, whatever its data. */
function expectWellFormed(email: RenderedEmail, emailLinksGiven: EmailLinks) {
  expect(email.subject).not.toMatch(/[\r\n\u2028\u2029\u0085]/);
  expect(() => assertHeaderValue("The subject", email.subject)).not.toThrow();
  expect(email.text.trim()).not.toBe("");
  expect(email.html.trim()).not.toBe("");
  expect(email.html.toLowerCase()).not.toContain("<script");
  for (const url of [emailLinksGiven.unsubscribeUrl, emailLinksGiven.settingsUrl]) {
    expect(email.text).toContain(url);
    expect(email.html).toContain(`href="${url}"`);
  }
}

/** A hostile value is escaped in the HTML part and kept as it was in the text part. */
function expectEscaped(email: RenderedEmail, value: string, escaped: string) {
  expect(email.html).toContain(escaped);
  expect(email.html).not.toContain(value);
  expect(email.text).toContain(value);
  expect(email.text).not.toContain(escaped);
}

describe("follow-up reminder email", () => {
  it("escapes hostile deal, workspace and draft values and keeps the subject on one line", async () => {
    const given = await links("followup_reminder");
    const dealUrl = webPaths.deal(ORIGIN, "deal_abc");
    const email = followupReminderEmail(
      {
        workspaceName: QUOTES,
        dealTitle: `${SCRIPT} ${INJECTED}`,
        dealUrl,
        dueAt: new Date("2026-12-01T14:00:00Z"),
        timeZone: "America/New_York",
        followup: {
          to: { name: SCRIPT, email: "sponsor@northwind.example" },
          subject: QUOTES,
          body: `Hi ${SCRIPT},\n\nThanks & regards`,
        },
      },
      given,
    );
    expectWellFormed(email, given);
    expectEscaped(email, SCRIPT, SCRIPT_ESCAPED);
    expectEscaped(email, QUOTES, QUOTES_ESCAPED);
    expect(email.subject).toBe(
      `Follow up with ${SCRIPT}: ${SCRIPT} Headphones review Bcc: evil@example.com`,
    );
    expect(email.text).toContain(dealUrl);
    expect(email.html).toContain(`href="${dealUrl}"`);
    // The due time is written in the recipient's zone (09:00 EST is 14:00Z).
    expect(email.text).toMatch(/Tue, Dec 1, 2026, 9:00\sAM EST/);
  });

  it("says who to follow up with in the subject", async () => {
    const given = await links("followup_reminder");
    const email = followupReminderEmail(
      {
        workspaceName: "Demo Studio",
        dealTitle: "Northwind headphones",
        dealUrl: webPaths.deal(ORIGIN, "deal_1"),
        dueAt: new Date("2026-12-01T09:00:00Z"),
        timeZone: "UTC",
        followup: {
          to: { name: "Priya Shah", email: "priya@northwind.example" },
          subject: "Checking in",
          body: "Hi Priya",
        },
      },
      given,
    );
    expect(email.subject).toBe("Follow up with Priya Shah: Northwind headphones");
    expectWellFormed(email, given);
  });
});

describe("deliverable due email", () => {
  it("escapes hostile values and keeps the subject on one line", async () => {
    const given = await links("deliverable_due");
    const dealUrl = webPaths.deal(ORIGIN, "deal_dlv");
    const email = deliverableDueEmail(
      {
        workspaceName: QUOTES,
        dealTitle: `${SCRIPT} ${INJECTED}`,
        dealUrl,
        deliverable: { platform: "youtube", kind: "dedicated video" },
        milestone: "draft",
        on: new Date("2026-12-02T00:00:00Z"),
      },
      given,
    );
    expectWellFormed(email, given);
    expectEscaped(email, SCRIPT, SCRIPT_ESCAPED);
    expectEscaped(email, QUOTES, QUOTES_ESCAPED);
    expect(email.subject).toBe(
      `Tomorrow: youtube dedicated video draft due — ${SCRIPT} Headphones review Bcc: evil@example.com`,
    );
    expect(email.text).toContain(dealUrl);
    expect(email.html).toContain(`href="${dealUrl}"`);
    expect(email.text).toContain("Wed, Dec 2, 2026");
  });

  it("says the deliverable goes live for the live milestone", async () => {
    const given = await links("deliverable_due");
    const email = deliverableDueEmail(
      {
        workspaceName: "Demo Studio",
        dealTitle: "Northwind headphones",
        dealUrl: webPaths.deal(ORIGIN, "deal_1"),
        deliverable: { platform: "instagram", kind: "reel" },
        milestone: "live",
        on: new Date("2026-12-02T00:00:00Z"),
      },
      given,
    );
    expect(email.subject).toBe("Tomorrow: instagram reel goes live — Northwind headphones");
    expectWellFormed(email, given);
  });
});

describe("invoice overdue email", () => {
  it("escapes hostile sponsor, deal and workspace names and keeps the subject on one line", async () => {
    const given = await links("invoice_overdue");
    const dealUrl = webPaths.deal(ORIGIN, "deal_inv");
    const email = invoiceOverdueEmail(
      {
        workspaceName: SCRIPT,
        dealTitle: `${QUOTES} ${INJECTED}`,
        dealUrl,
        sponsorName: SCRIPT,
        amount: { valueMinor: 250_000, currency: "USD" },
        invoiceSentAt: new Date("2026-10-01T00:00:00Z"),
        termsDays: 30,
        dueAt: new Date("2026-10-31T00:00:00Z"),
      },
      given,
    );
    expectWellFormed(email, given);
    expectEscaped(email, SCRIPT, SCRIPT_ESCAPED);
    expectEscaped(email, QUOTES, QUOTES_ESCAPED);
    expect(email.subject).toBe(
      `Invoice overdue: ${QUOTES} Headphones review Bcc: evil@example.com ($2,500, Net 30)`,
    );
    expect(email.text).toContain(dealUrl);
    expect(email.html).toContain(`href="${dealUrl}"`);
    expect(email.text).toContain(`${SCRIPT} has not paid it yet`);
  });

  it("leaves the amount out when the deal has none", async () => {
    const given = await links("invoice_overdue");
    const email = invoiceOverdueEmail(
      {
        workspaceName: "Demo Studio",
        dealTitle: "Northwind headphones",
        dealUrl: webPaths.deal(ORIGIN, "deal_1"),
        sponsorName: null,
        amount: null,
        invoiceSentAt: new Date("2026-10-01T00:00:00Z"),
        termsDays: 45,
        dueAt: new Date("2026-11-15T00:00:00Z"),
      },
      given,
    );
    expect(email.subject).toBe("Invoice overdue: Northwind headphones (Net 45)");
    expect(email.text).toContain("The sponsor has not paid it yet");
    expectWellFormed(email, given);
  });
});

describe("invitation email", () => {
  it("escapes hostile inviter and workspace names and keeps the subject on one line", async () => {
    const given = await links("invitation");
    const inviteUrl = `${ORIGIN}/invite?token=inv-secret-token`;
    const email = invitationEmail(
      {
        workspaceName: `${SCRIPT} ${INJECTED}`,
        inviterName: QUOTES,
        role: "admin",
        inviteUrl,
        expiresAt: new Date("2026-12-08T09:00:00Z"),
      },
      given,
    );
    expectWellFormed(email, given);
    expectEscaped(email, SCRIPT, SCRIPT_ESCAPED);
    expectEscaped(email, QUOTES, QUOTES_ESCAPED);
    expect(email.subject).toBe(
      `${QUOTES} invited you to ${SCRIPT} Headphones review Bcc: evil@example.com on CreatorOps AI`,
    );
    expect(email.text).toContain(inviteUrl);
    expect(email.html).toContain(`href="${inviteUrl}"`);
    expect(email.text).toContain("as an admin");
  });

  it("names a teammate when the inviter has no name", async () => {
    const given = await links("invitation");
    const email = invitationEmail(
      {
        workspaceName: "Demo Studio",
        inviterName: null,
        role: "member",
        inviteUrl: `${ORIGIN}/invite?token=abc`,
        expiresAt: new Date("2026-12-08T09:00:00Z"),
      },
      given,
    );
    expect(email.subject).toBe("A teammate invited you to Demo Studio on CreatorOps AI");
    expectWellFormed(email, given);
  });
});

describe("content published email", () => {
  it("escapes hostile titles and workspace names and keeps the subject on one line", async () => {
    const given = await links("content_published");
    const contentUrl = webPaths.content(ORIGIN, "cnt_123");
    const email = contentPublishedEmail(
      {
        workspaceName: QUOTES,
        title: `${SCRIPT} ${INJECTED}`,
        contentUrl,
        publishedAt: new Date("2026-07-04T16:00:00Z"),
        timeZone: "Europe/London",
      },
      given,
    );
    expectWellFormed(email, given);
    expectEscaped(email, SCRIPT, SCRIPT_ESCAPED);
    expectEscaped(email, QUOTES, QUOTES_ESCAPED);
    expect(email.subject).toBe(`Published: ${SCRIPT} Headphones review Bcc: evil@example.com`);
    expect(email.text).toContain(contentUrl);
    expect(email.html).toContain(`href="${contentUrl}"`);
    // 16:00Z in London in July is 17:00 BST.
    expect(email.text).toMatch(/5:00\sPM/);
  });
});

describe("daily digest email", () => {
  const item = (title: string, id: string, at = "2026-12-01T15:00:00Z") => ({
    title,
    url: webPaths.deal(ORIGIN, id),
    at: new Date(at),
  });

  const digest = (workspaces: DigestData["workspaces"]): DigestData => ({
    day: "2026-12-01",
    timeZone: "America/New_York",
    workspaces,
    appOrigin: ORIGIN,
  });

  it("is empty with no workspaces or nothing due, overdue or stale", () => {
    expect(digestIsEmpty(digest([]))).toBe(true);
    expect(
      digestIsEmpty(
        digest([
          { name: "Demo Studio", dueToday: [], overdue: [], stale: [] },
          { name: "Side project", dueToday: [], overdue: [], stale: [] },
        ]),
      ),
    ).toBe(true);
  });

  it.each(["dueToday", "overdue", "stale"] as const)("is not empty with one %s item", (key) => {
    const workspace = {
      name: "Demo Studio",
      dueToday: [],
      overdue: [],
      stale: [],
      [key]: [item("Deal", "deal_1")],
    };
    expect(digestIsEmpty(digest([workspace]))).toBe(false);
  });

  it("counts every workspace's items in the subject", async () => {
    const given = await links("digest");
    const email = digestEmail(
      digest([
        {
          name: "Demo Studio",
          dueToday: [item("Acme mic", "deal_a")],
          overdue: [item("Northwind headphones", "deal_b")],
          stale: [],
        },
        {
          name: "Side project",
          dueToday: [],
          overdue: [item("Contoso desk", "deal_c")],
          stale: [],
        },
      ]),
      given,
    );
    expect(email.subject).toBe("Your day: 2 overdue, 1 due today, 0 stale deals");
    expect(email.text).toContain("Your day (2026-12-01): 2 overdue, 1 due today, 0 stale deals.");
    expectWellFormed(email, given);
    for (const id of ["deal_a", "deal_b", "deal_c"]) {
      const url = webPaths.deal(ORIGIN, id);
      expect(email.text).toContain(url);
      expect(email.html).toContain(`href="${url}"`);
    }
    expect(email.html).toContain(`href="${ORIGIN}/deals"`);
    // Empty sections are left out.
    expect(email.text).not.toContain("Stale deals");
    expect(email.text).toContain("Side project — Overdue");
  });

  it("says one stale deal in the singular", async () => {
    const given = await links("digest");
    const email = digestEmail(
      digest([
        { name: "Demo Studio", dueToday: [], overdue: [], stale: [item("Old deal", "deal_s")] },
      ]),
      given,
    );
    expect(email.subject).toBe("Your day: 0 overdue, 0 due today, 1 stale deal");
  });

  it("escapes hostile workspace names and item titles", async () => {
    const given = await links("digest");
    const email = digestEmail(
      digest([
        {
          name: `${SCRIPT} ${INJECTED}`,
          dueToday: [item(QUOTES, "deal_q")],
          overdue: [item(SCRIPT, "deal_s")],
          stale: [],
        },
      ]),
      given,
    );
    expectWellFormed(email, given);
    expectEscaped(email, SCRIPT, SCRIPT_ESCAPED);
    expectEscaped(email, QUOTES, QUOTES_ESCAPED);
    expect(email.subject).toBe("Your day: 1 overdue, 1 due today, 0 stale deals");
  });
});

describe("header checks before sending", () => {
  const email = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
    id: "eml_check",
    from: { email: "notifications@creatorops.test", name: "CreatorOps AI" },
    to: { email: "priya@example.com" },
    subject: "Follow up with Northwind: Headphones review",
    text: "Body\r\nwith lines\n",
    html: "<p>Body</p>\n",
    template: "followup_reminder",
    headers: listUnsubscribeHeaders("https://app.creatorops.test/api/email/unsubscribe?token=t"),
    ...overrides,
  });

  const refused = (value: OutgoingEmail) => {
    expect(() => checkedEmail(value)).toThrow(EmailContentError);
  };

  it("accepts a normal email unchanged (bodies may hold line breaks)", () => {
    expect(checkedEmail(email())).toEqual(email());
  });

  it("answers the addresses as checked: trimmed and lower-cased", () => {
    const checked = checkedEmail(email({ to: { email: " Priya@Example.COM " } }));
    expect(checked.to).toEqual({ email: "priya@example.com" });
  });

  it.each([
    ["CR LF", "Hello\r\nBcc: evil@example.com"],
    ["LF", "Hello\nBcc: evil@example.com"],
    ["CR", "Hello\rBcc: evil@example.com"],
    ["U+2028", "Hello\u2028Bcc: evil@example.com"],
  ])("refuses a subject holding %s", (_what, subject) => {
    refused(email({ subject }));
  });

  it("refuses a subject longer than a header line may be", () => {
    refused(email({ subject: "a".repeat(999) }));
  });

  it("refuses a header value holding a line break", () => {
    refused(
      email({
        headers: { "List-Unsubscribe": "<https://app.test/u>\r\nBcc: evil@example.com" },
      }),
    );
  });

  it("refuses a header name that is not a token", () => {
    refused(email({ headers: { "X-Bad: injected\r\nBcc": "evil@example.com" } }));
  });

  it.each([
    ["a line break", "priya@example.com\r\nBcc: evil@example.com"],
    ["a trailing line break", "priya@example.com\n"],
    ["two addresses", "a@x.com, b@y.com"],
    ["a display name inside", "Priya <priya@example.com>"],
    ["no domain", "priya@"],
  ])("refuses a recipient address with %s", (_what, address) => {
    refused(email({ to: { email: address } }));
  });

  it.each([
    ["a quote", 'Creator"Ops'],
    ["an angle bracket", "CreatorOps <ai>"],
    ["a backslash", "CreatorOps\\AI"],
    ["a line break inside", "CreatorOps\r\nBcc: evil@example.com"],
  ])("refuses a display name with %s", (_what, name) => {
    refused(email({ from: { email: "notifications@creatorops.test", name } }));
  });

  it("refuses a display name ending in a line break (it would reach the sender as given)", () => {
    refused(email({ from: { email: "notifications@creatorops.test", name: "CreatorOps AI\r\n" } }));
  });

  it("reads an address as the API does: trimmed and lower-cased", () => {
    expect(checkedAddress({ email: "Priya@Example.COM" })).toEqual({ email: "priya@example.com" });
    expect(checkedAddress({ email: "priya@example.com", name: "  Priya Shah " })).toEqual({
      email: "priya@example.com",
      name: "Priya Shah",
    });
  });
});

describe("unsubscribe links", () => {
  const secret = env.EMAIL_TOKEN_SECRET as string;

  /** A token with our secret but any claims. */
  const signed = (payload: Record<string, unknown>, key = secret) => sign(payload, key, "HS256");

  it("round-trips the address and kind of every email", async () => {
    for (const kind of EMAIL_KINDS) {
      const token = await unsubscribeToken(env, RECIPIENT, kind);
      expect(await readUnsubscribeToken(env, token)).toEqual({ email: RECIPIENT, kind });
    }
  });

  it("puts the token in a link on the app's origin", async () => {
    const url = new URL(await unsubscribeUrl(env, RECIPIENT, "digest"));
    expect(`${url.origin}${url.pathname}`).toBe(`${ORIGIN}/api/email/unsubscribe`);
    const token = url.searchParams.get("token");
    expect(token).not.toBeNull();
    expect(await readUnsubscribeToken(env, token as string)).toEqual({
      email: RECIPIENT,
      kind: "digest",
    });
  });

  it("refuses a token with one character of its signature changed", async () => {
    const token = await unsubscribeToken(env, RECIPIENT, "digest");
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const at = Math.floor(signature.length / 2);
    const changed = signature[at] === "A" ? "B" : "A";
    const altered = `${header}.${payload}.${signature.slice(0, at)}${changed}${signature.slice(at + 1)}`;
    expect(altered).not.toBe(token);
    expect(await readUnsubscribeToken(env, altered)).toBeNull();
  });

  it("refuses a token whose claims were swapped for another address", async () => {
    const token = await unsubscribeToken(env, RECIPIENT, "digest");
    const [header, , signature] = token.split(".");
    const forged = btoa(
      JSON.stringify({ sub: "victim@example.com", kind: "digest", purpose: "unsubscribe" }),
    )
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    expect(await readUnsubscribeToken(env, `${header}.${forged}.${signature}`)).toBeNull();
  });

  it("refuses a token signed with another secret", async () => {
    const token = await signed(
      { sub: RECIPIENT, kind: "digest", purpose: "unsubscribe" },
      "another-secret-that-is-long-enough",
    );
    expect(await readUnsubscribeToken(env, token)).toBeNull();
  });

  it("refuses an unsigned (alg none) token", async () => {
    const part = (value: object) =>
      btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const token = `${part({ alg: "none", typ: "JWT" })}.${part({ sub: RECIPIENT, kind: "digest", purpose: "unsubscribe" })}.`;
    expect(await readUnsubscribeToken(env, token)).toBeNull();
  });

  it("refuses a token made for another purpose", async () => {
    expect(
      await readUnsubscribeToken(
        env,
        await signed({ sub: RECIPIENT, kind: "digest", purpose: "login" }),
      ),
    ).toBeNull();
    expect(
      await readUnsubscribeToken(env, await signed({ sub: RECIPIENT, kind: "digest" })),
    ).toBeNull();
  });

  it("refuses a kind that is not one of the product's emails", async () => {
    const token = await signed({ sub: RECIPIENT, kind: "marketing", purpose: "unsubscribe" });
    expect(await readUnsubscribeToken(env, token)).toBeNull();
  });

  it("refuses a token without an address", async () => {
    const token = await signed({ sub: 42, kind: "digest", purpose: "unsubscribe" });
    expect(await readUnsubscribeToken(env, token)).toBeNull();
  });

  it("refuses malformed tokens", async () => {
    for (const token of ["", "not-a-token", "a.b.c"]) {
      expect(await readUnsubscribeToken(env, token)).toBeNull();
    }
  });

  it("gives the two RFC 8058 one-click headers", () => {
    const url = "https://app.creatorops.test/api/email/unsubscribe?token=abc";
    expect(listUnsubscribeHeaders(url)).toEqual({
      "List-Unsubscribe": `<${url}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
  });

  it("makes the link wait (retryable) without a secret", async () => {
    for (const missing of [undefined, "", "too-short"]) {
      const noSecret = { ...env, EMAIL_TOKEN_SECRET: missing } as Env;
      const error = await unsubscribeUrl(noSecret, RECIPIENT, "digest").catch(
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(EmailSendError);
      expect((error as EmailSendError).retryable).toBe(true);
      expect(await readUnsubscribeToken(noSecret, "a.b.c")).toBeNull();
    }
  });

  it("rejects (does not throw synchronously) when asked for a token without a secret", async () => {
    const noSecret = { ...env, EMAIL_TOKEN_SECRET: undefined } as Env;
    let pending: Promise<string> | undefined;
    expect(() => {
      pending = unsubscribeToken(noSecret, RECIPIENT, "digest");
    }).not.toThrow();
    const error = await (pending as Promise<string>).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(EmailSendError);
    expect((error as EmailSendError).retryable).toBe(true);
  });
});

describe("the digest's local 08:00", () => {
  const at = (iso: string) => new Date(iso);
  const next = (zone: string, iso: string) => nextDigestAt(zone, at(iso)).toISOString();

  it("is 13:00Z in New York in winter (EST) and 12:00Z in summer (EDT)", () => {
    expect(next("America/New_York", "2026-01-15T05:00:00Z")).toBe("2026-01-15T13:00:00.000Z");
    expect(next("America/New_York", "2026-07-15T05:00:00Z")).toBe("2026-07-15T12:00:00.000Z");
  });

  it("moves to the next day once 08:00 local has come", () => {
    expect(next("America/New_York", "2026-01-15T13:00:00Z")).toBe("2026-01-16T13:00:00.000Z");
    expect(next("America/New_York", "2026-01-15T13:30:00Z")).toBe("2026-01-16T13:00:00.000Z");
    expect(next("America/New_York", "2026-01-15T12:59:59Z")).toBe("2026-01-15T13:00:00.000Z");
  });

  it("follows the start of US daylight saving (2026-03-08)", () => {
    expect(next("America/New_York", "2026-03-07T14:00:00Z")).toBe("2026-03-08T12:00:00.000Z");
    // 01:30 EST, before the clocks jump at 02:00.
    expect(next("America/New_York", "2026-03-08T06:30:00Z")).toBe("2026-03-08T12:00:00.000Z");
  });

  it("follows the end of US daylight saving (2026-11-01)", () => {
    expect(next("America/New_York", "2026-10-31T13:00:00Z")).toBe("2026-11-01T13:00:00.000Z");
    // 01:30 EDT, the first of the two 01:30s.
    expect(next("America/New_York", "2026-11-01T05:30:00Z")).toBe("2026-11-01T13:00:00.000Z");
  });

  it("follows the start of British Summer Time (2026-03-29)", () => {
    expect(next("Europe/London", "2026-03-28T09:00:00Z")).toBe("2026-03-29T07:00:00.000Z");
  });

  it("is 02:15Z in Kathmandu (UTC+05:45)", () => {
    expect(next("Asia/Kathmandu", "2026-05-01T00:00:00Z")).toBe("2026-05-01T02:15:00.000Z");
    expect(next("Asia/Kathmandu", "2026-05-01T02:15:00Z")).toBe("2026-05-02T02:15:00.000Z");
  });

  it("is 08:00Z in UTC", () => {
    expect(next("UTC", "2026-05-01T07:59:00Z")).toBe("2026-05-01T08:00:00.000Z");
    expect(next("UTC", "2026-05-01T08:00:00Z")).toBe("2026-05-02T08:00:00.000Z");
  });

  it("names the local calendar day of an instant", () => {
    expect(localDay("America/New_York", at("2026-03-08T03:00:00Z"))).toBe("2026-03-07");
    expect(localDay("Asia/Tokyo", at("2026-03-08T03:00:00Z"))).toBe("2026-03-08");
    expect(localDay("Asia/Kathmandu", at("2026-12-31T18:14:00Z"))).toBe("2026-12-31");
    expect(localDay("Asia/Kathmandu", at("2026-12-31T18:15:00Z"))).toBe("2027-01-01");
    expect(localDay("UTC", at("2026-12-31T23:59:59Z"))).toBe("2026-12-31");
  });
});
