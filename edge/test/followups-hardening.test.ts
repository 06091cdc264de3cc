/**
 * Follow-ups, their safety check, the AI reading of captured emails and the calendar feed where
 * a breaking pass found them weak: details hidden from the check (one-letter domains, Unicode
 * dots, odd separators, unknown currencies), ordinary words it must not refuse, header
 * injection, races (marking sent, drafting while a deal closes, captures sharing a key), closed
 * stages and removed members. OpenAI is faked at `fetch`; races run at use-case level, because
 * requests through SELF reach the Worker one after another.
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { isoTimeSchema } from "../../shared/content";
import { captureEmailSchema } from "../../shared/crm";
import type { AiDealTerms, AiProvider } from "../ai/provider";
import { acceptAiTerms } from "../crm/ai-extraction";
import { captureEmail } from "../crm/capture-email";
import { updateDeal } from "../crm/deals";
import { draftFollowup } from "../crm/followup-draft";
import { unsupportedDetails } from "../crm/followup-safety";
import { updateFollowup } from "../crm/followups";
import { createDb } from "../db/client";
import { dueFollowups } from "../db/cross-workspace";
import { type ApiResult, addMember, api, as, signUp, type TestUser } from "./helpers";
import {
  chatCompletionOf,
  cleanUpAfterTest,
  contextOf,
  fakeOpenAi,
  setPlan,
  sleep,
  usage,
  useOpenAiProvider,
} from "./repurpose-helpers";

afterEach(cleanUpAfterTest);

let counter = 0;
const uid = (label: string) => `${label}-${++counter}-${crypto.randomUUID().slice(0, 8)}`;
const DAY = 86_400_000;

function expectStatus(res: ApiResult, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
}

/** OpenAI's `chat.completion` whose message is `content` as JSON. */

/** The paid provider, answering every request with `content`. */
function useModelAnswer(content: unknown) {
  useOpenAiProvider();
  return fakeOpenAi({ answer: (request) => chatCompletionOf(request.body.model, content) })
    .requests;
}

async function createDeal(user: TestUser, body: Record<string, unknown>, workspaceId?: string) {
  const res = await api("/api/deals", as(user, { body, ...(workspaceId ? { workspaceId } : {}) }));
  expectStatus(res, 201);
  return res.body.data as { id: string; title: string };
}

const draft = (user: TestUser, dealId: string, body: Record<string, unknown> = {}) =>
  api(`/api/deals/${dealId}/followup`, as(user, { body }));

async function stagesOf(user: TestUser) {
  const res = await api("/api/deals/stages", as(user));
  expectStatus(res, 200);
  return res.body.data as { id: string; name: string; kind: string }[];
}

async function activityKinds(user: TestUser, dealId: string): Promise<string[]> {
  const res = await api(`/api/deals/${dealId}/activities?limit=100`, as(user));
  expectStatus(res, 200);
  return res.body.data.items.map((a: { kind: string }) => a.kind);
}

async function feedText(user: TestUser, workspaceId = user.workspaceId) {
  const issued = await api("/api/auth/me/calendar-token", {
    method: "POST",
    token: user.token,
    workspaceId,
  });
  expectStatus(issued, 201);
  const res = await SELF.fetch(issued.body.data.url);
  return { status: res.status, text: await res.text(), url: issued.body.data.url as string };
}

/** A paid provider in-process (no fetch): answers after `ms`, counting its calls. */
function slowPaidProvider(ms: number, answer: { followup?: object; terms?: AiDealTerms }) {
  const meta = {
    provider: "openai-compatible" as const,
    model: "fake-model",
    usage: { promptTokens: 1, completionTokens: 1 },
  };
  const calls = { draft: 0, extract: 0 };
  const provider: AiProvider = {
    name: "openai-compatible",
    model: "fake-model",
    paid: true,
    repurpose: async () => {
      throw new Error("not used");
    },
    draftFollowup: async () => {
      calls.draft += 1;
      await sleep(ms);
      return {
        ...meta,
        subject: "Checking in",
        body: "Hi,\n\nAny news?\n\nSam",
        ...answer.followup,
      };
    },
    extractDealTerms: async () => {
      calls.extract += 1;
      await sleep(ms);
      return { ...meta, terms: answer.terms as AiDealTerms };
    },
  };
  return { provider, calls };
}

function terms(fields: Partial<AiDealTerms> = {}): AiDealTerms {
  return {
    brand: null,
    amount: null,
    paymentTermsDays: null,
    deliverables: null,
    usageRights: null,
    exclusivity: null,
    deadline: null,
    summary: null,
    ...fields,
  };
}

// ─── The safety check on its own ─────────────────────────────────────────────

/** The allow-list of a small deal, as followup-draft.ts builds it. */
const FACTS = JSON.stringify({
  dealTitle: "Desk lamp integration",
  sponsorName: "Lumen Lamps",
  contactName: "Ana",
  stageName: "Negotiating",
  stageKind: "open",
  daysSinceContact: 3,
  lastActivity: null,
  value: "USD 1,800",
  deliverables: [{ kind: "60-second read", platform: "youtube", dueOn: "2026-12-04", done: false }],
  invoice: null,
  creatorName: "Sam",
  to: { name: "Ana Ruiz", email: "ana@lumenlamps.example" },
  sponsorDomain: "lumenlamps.example",
  contacts: ["ana@lumenlamps.example"],
});

const flagged = (texts: string[]) =>
  Object.fromEntries(texts.map((text) => [text, unsupportedDetails(text, FACTS)]));

/** The texts the check lets through. */
const unflagged = (texts: string[]) =>
  texts.filter((text) => unsupportedDetails(text, FACTS).length === 0);

describe("followup-safety: details an AI draft may not invent", () => {
  it("flags a link on a one-letter domain (t.me, x.com-style short hosts)", () => {
    const texts = [
      "Please confirm the payment on t.me/lumen_billing today.",
      "The new brief is at x.co/brief-2027.",
    ];
    expect(unflagged(texts)).toEqual([]);
  });

  it("flags a domain written with Unicode full stops or fullwidth letters (browsers map them to '.')", () => {
    const texts = [
      "Pay the fee at lumen-billing。example/pay today.",
      "Pay the fee at lumen-billing．example today.",
      "Pay the fee at ｌｕｍｅｎｐａｙ．ｃｏｍ today.",
      "Reply to billing＠lumen-billing。example today.",
    ];
    expect(unflagged(texts)).toEqual([]);
  });

  it("flags a phone number or IBAN separated by en dashes, slashes or double spaces", () => {
    const texts = [
      "Call me on 415–555–0123 to settle it.",
      "Send it to DE89  3704  0044  0532  0130  00 please.",
      "Send it to DE89/3704/0044/0532/0130/00 please.",
    ];
    expect(unflagged(texts)).toEqual([]);
  });

  it("flags an amount the deal does not hold in a currency money.ts does not know, or in words", () => {
    const texts = [
      "As agreed, the fee is ZAR 95,000.",
      "As agreed, the fee is HKD 95,000.",
      "As agreed, the fee is ten thousand dollars.",
    ];
    expect(unflagged(texts)).toEqual([]);
  });

  it("does not refuse ordinary sentences: 'wise', 'wire', 'Next.js', an ISO date", () => {
    expect(
      flagged([
        "It would be wise to lock the go-live date this week.",
        "I can wire up the tracking link section by Friday.",
        "Happy to show the lamp in my Next.js tutorial.",
        "Could we move the draft to 2026-12-10?",
      ]),
    ).toEqual({
      "It would be wise to lock the go-live date this week.": [],
      "I can wire up the tracking link section by Friday.": [],
      "Happy to show the lamp in my Next.js tutorial.": [],
      "Could we move the draft to 2026-12-10?": [],
    });
  });
});

// ─── Drafting through the Worker ─────────────────────────────────────────────

describe("drafting a follow-up", () => {
  it("the template draft of a deal whose title states a budget range is saved, not a 502", async () => {
    const owner = await signUp("brk-range");
    // A common subject line, kept as the deal's title by a capture.
    const deal = await createDeal(owner, { title: "Sponsorship: $1,000-$2,000 budget" });
    const res = await draft(owner, deal.id);
    expectStatus(res, 201);
    expect(res.body.data.provider).toBe("offline");
  });

  it("the template keeps a title naming Wise, Next.js and a date as written", async () => {
    const owner = await signUp("brk-title");
    const title = "Wise x Sam: Next.js course, live 2026-12-04";
    const deal = await createDeal(owner, { title });
    const res = await draft(owner, deal.id);
    expectStatus(res, 201);
    expect(res.body.data.followup.subject).toBe(`Following up: ${title}`);
  });

  it("a sender's display name does not vouch for the link and phone number it carries", async () => {
    const owner = await signUp("brk-from-name");
    const captured = await api(
      "/api/deals/capture-email",
      as(owner, {
        body: {
          messageId: uid("msg"),
          threadId: uid("thread"),
          subject: "Sponsorship: Northwind Audio x Sam",
          from: {
            name: "Jane Doe (invoices: pay.northwind-billing.example, +44 20 7946 0958)",
            email: "jane@northwindaudio.com",
          },
          to: [{ email: "sam@creator.example" }],
          date: new Date(Date.now() - DAY).toISOString(),
          bodyText: "Hi Sam,\n\nWe would love a YouTube video. Budget $2,500 flat fee.\n\nJane",
        },
      }),
    );
    expectStatus(captured, 201);
    useModelAnswer({
      subject: "Invoice",
      body: "Hi Jane,\n\nI will pay the fee at pay.northwind-billing.example, or call me back on +44 20 7946 0958.\n\nSam",
    });
    const res = await draft(owner, captured.body.data.deal.id);
    expectStatus(res, 201);
    expect(res.body.data.followup.body).not.toContain("northwind-billing");
    expect(res.body.data.followup.body).not.toContain("7946");
    expect(res.body.data.provider).toBe("offline");
  });

  it("refuses or strips CR/LF in a follow-up's subject and recipient name (they become email headers)", async () => {
    const owner = await signUp("brk-crlf");
    const deal = await createDeal(owner, { title: "Mic review" });
    const drafted = await draft(owner, deal.id, {
      to: { name: "Jane\r\nBcc: everyone@evil.example", email: "jane@northwind.example" },
    });
    if (drafted.status !== 400) {
      expectStatus(drafted, 201);
      expect(drafted.body.data.followup.to.name).not.toMatch(/[\r\n]/);
    }
    const plain = await draft(owner, deal.id);
    expectStatus(plain, 201);
    const patched = await api(
      `/api/followups/${plain.body.data.followup.id}`,
      as(owner, {
        method: "PATCH",
        body: { subject: "Checking in\r\nBcc: everyone@evil.example" },
      }),
    );
    if (patched.status !== 400) {
      expectStatus(patched, 200);
      expect(patched.body.data.subject).not.toMatch(/[\r\n]/);
    }
  });

  it("never answers a default dueAt that its own PATCH refuses (past year 9999)", async () => {
    const owner = await signUp("brk-9999");
    const deal = await createDeal(owner, {
      title: "Far invoice",
      invoiceSentAt: "9999-12-31T00:00:00Z",
      paymentTermsDays: 365,
    });
    const res = await draft(owner, deal.id);
    expectStatus(res, 201);
    const { dueAt, id } = res.body.data.followup;
    expect(isoTimeSchema.safeParse(dueAt).success, dueAt).toBe(true);
    expectStatus(
      await api(`/api/followups/${id}`, as(owner, { method: "PATCH", body: { dueAt } })),
      200,
    );
  });

  it("five concurrent drafts with one Idempotency-Key save one follow-up and spend one credit", async () => {
    const owner = await signUp("brk-draft-race");
    await setPlan(owner.workspaceId, "team");
    const deal = await createDeal(owner, { title: "Race me" });
    const ctx = await contextOf(owner);
    const { provider } = slowPaidProvider(30, {});
    const before = (await usage(owner)).creditsUsed;
    const key = uid("draft-key");
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => draftFollowup(ctx, deal.id, {}, key, provider)),
    );
    expect(new Set(answers.map((a) => a.data.followup.id)).size).toBe(1);
    const list = await api(`/api/followups?dealId=${deal.id}`, as(owner));
    expect(list.body.data.items).toHaveLength(1);
    expect(
      (await activityKinds(owner, deal.id)).filter((k) => k === "followup_created"),
    ).toHaveLength(1);
    expect((await usage(owner)).creditsUsed - before).toBe(1);
  });

  it("marking a follow-up sent three times at once records one followup_sent", async () => {
    const owner = await signUp("brk-sent-race");
    const deal = await createDeal(owner, { title: "Sent race" });
    const drafted = await draft(owner, deal.id);
    expectStatus(drafted, 201);
    const ctx = await contextOf(owner);
    await Promise.all(
      Array.from({ length: 3 }, () =>
        updateFollowup(ctx, drafted.body.data.followup.id, { status: "sent" }),
      ),
    );
    expect((await activityKinds(owner, deal.id)).filter((k) => k === "followup_sent")).toHaveLength(
      1,
    );
  });
});

// ─── Deals that need no follow-up, and members who left ──────────────────────

describe("closed deals and removed members", () => {
  it("a stage whose kind becomes lost leaves no pending follow-up in the list or the feed", async () => {
    const owner = await signUp("brk-stage-kind");
    const stages = await stagesOf(owner);
    const lead = stages[0] as { id: string };
    const deal = await createDeal(owner, { title: "Kind change", stageId: lead.id });
    const drafted = await draft(owner, deal.id, {
      dueAt: new Date(Date.now() + 2 * DAY).toISOString(),
    });
    expectStatus(drafted, 201);
    const put = await api(
      "/api/deals/stages",
      as(owner, {
        method: "PUT",
        body: {
          stages: stages.map((s) => ({
            id: s.id,
            name: s.name,
            kind: s.id === lead.id ? "lost" : s.kind,
          })),
        },
      }),
    );
    expectStatus(put, 200);
    // The API itself now calls the deal closed: 409 for a new draft.
    expectStatus(await draft(owner, deal.id), 409);
    const list = await api(`/api/followups?dealId=${deal.id}&status=pending`, as(owner));
    expect(list.body.data.items).toEqual([]);
    const feed = await feedText(owner);
    expect(feed.text).not.toContain(drafted.body.data.followup.subject.slice(0, 20));
  });

  it("a draft racing a move to a lost stage leaves no pending follow-up", async () => {
    const owner = await signUp("brk-lost-race");
    const lost = (await stagesOf(owner)).find((s) => s.kind === "lost") as { id: string };
    const deal = await createDeal(owner, { title: "Lost race" });
    const ctx = await contextOf(owner);
    await Promise.allSettled([
      draftFollowup(ctx, deal.id, {}),
      updateDeal(ctx, deal.id, { stageId: lost.id }),
    ]);
    const list = await api(`/api/followups?dealId=${deal.id}&status=pending`, as(owner));
    expect(list.body.data.items).toEqual([]);
  });

  it("a removed member is no longer a follow-up's assignee for the reminder read", async () => {
    const owner = await signUp("brk-removed-owner");
    const assistant = await signUp("brk-removed-assistant");
    await addMember(owner, owner.workspaceId, assistant, "member");
    const deal = await createDeal(owner, { title: "Assigned" });
    // A due time of its own in 1971, so the cross-workspace read answers only this row.
    const dueAt = new Date(Date.UTC(1971, 0, 1) + Math.floor(Math.random() * 300 * DAY));
    const drafted = await draft(owner, deal.id, {
      assigneeId: assistant.userId,
      dueAt: dueAt.toISOString(),
    });
    expectStatus(drafted, 201);
    expectStatus(
      await api(`/api/workspaces/${owner.workspaceId}/members/${assistant.userId}`, {
        method: "DELETE",
        token: owner.token,
      }),
      200,
    );
    const rows = await dueFollowups(createDb(env.DB), {
      now: new Date(dueAt.getTime() + 1),
      limit: 10,
      after: { dueAt: new Date(dueAt.getTime() - 1), id: "" },
    });
    const row = rows.find((r) => r.id === drafted.body.data.followup.id);
    expect(row).toBeDefined();
    expect(row?.assigneeId).not.toBe(assistant.userId);
  });
});

// ─── The AI reading of a captured email ──────────────────────────────────────

describe("capture with the AI reading", () => {
  it("concurrent captures with one Idempotency-Key spend one AI credit", async () => {
    const owner = await signUp("brk-capture-race");
    await setPlan(owner.workspaceId, "team");
    const ctx = await contextOf(owner);
    const { provider, calls } = slowPaidProvider(30, {
      terms: terms({ amount: { value: 2500, currency: "USD", confidence: 0.8 } }),
    });
    const input = captureEmailSchema.parse({
      messageId: uid("msg"),
      subject: "Sponsorship",
      from: { name: "Jane", email: "jane@northwindaudio.com" },
      to: [{ email: "sam@creator.example" }],
      date: new Date(Date.now() - DAY).toISOString(),
      bodyText: "Our budget is $2,500 for one video.",
    });
    const before = (await usage(owner)).creditsUsed;
    const key = uid("capture-key");
    const answers = await Promise.all(
      Array.from({ length: 3 }, () => captureEmail(ctx, input, key, { provider })),
    );
    expect(new Set(answers.map((a) => a.data.deal.id)).size).toBe(1);
    const spent = (await usage(owner)).creditsUsed - before;
    expect(spent, `the AI was asked ${calls.extract} times`).toBe(1);
  });

  it("an AI brand must be named in the email as a word, not one letter of it", async () => {
    const owner = await signUp("brk-brand");
    useModelAnswer(terms({ brand: { value: "a", confidence: 0.99 } }));
    const res = await api(
      "/api/deals/capture-email",
      as(owner, {
        body: {
          messageId: uid("msg"),
          subject: "Quick question",
          from: { name: "Jane", email: `jane@${uid("brightdesk")}.example` },
          to: [{ email: "sam@creator.example" }],
          date: new Date(Date.now() - DAY).toISOString(),
          bodyText: "Hi Sam, would you have a slot for a video next month? Jane",
        },
      }),
    );
    expectStatus(res, 201);
    const brand = res.body.data.fields.find((f: { field: string }) => f.field === "brand");
    expect(brand?.value).not.toBe("a");
    const sponsor = await api(`/api/sponsors/${res.body.data.deal.sponsorId}`, as(owner));
    expect(sponsor.body.data.name).not.toBe("a");
  });

  it("acceptAiTerms drops minor-unit amounts, impossible numbers and dates, and caps lists", () => {
    const email = {
      subject: "Sponsorship",
      from: { name: "Jane", email: "jane@northwindaudio.com" },
      date: "2026-11-30T09:00:00Z",
      readText: "Our budget is $1,800 flat fee for a video going live by January 15.",
    };
    const item = { platform: "YouTube", kind: "video", count: 1.5, dueDate: "15/01/2027" };
    const reading = acceptAiTerms(
      terms({
        brand: { value: "Northwind", confidence: 7 },
        amount: { value: 180_000, currency: "usd", confidence: 0.9 },
        paymentTermsDays: { value: 30.5, confidence: 0.9 },
        deliverables: { items: Array.from({ length: 5_000 }, () => item), confidence: -1 },
        deadline: { date: "2027-02-30", confidence: 0.9 },
      }),
      email,
    );
    expect(reading.columns.valueMinor).toBeUndefined();
    expect(reading.columns.paymentTermsDays).toBeUndefined();
    expect(reading.columns.expectedCloseAt).toBeUndefined();
    expect(reading.columns.deliverables).toHaveLength(50);
    expect(reading.columns.deliverables?.[0]).toMatchObject({
      platform: "youtube",
      kind: "video",
      liveAt: null,
    });
    expect(reading.sources.deliverables).toEqual({ source: "ai", confidence: 0 });
    expect(reading.fields.find((f) => f.field === "brand")?.confidence).toBe(0.9);
    // Major units with a lower-case code are read as the email's $1,800.
    const major = acceptAiTerms(
      terms({ amount: { value: 1800, currency: "usd", confidence: 0.9 } }),
      email,
    );
    expect(major.columns).toMatchObject({ valueMinor: 180_000, currency: "USD" });
  });
});

// ─── Tenancy and the calendar feed ───────────────────────────────────────────

describe("tenancy and the calendar feed", () => {
  it("a member of two workspaces reaches each one's follow-ups only under its own header", async () => {
    const owner = await signUp("brk-two-owner");
    const member = await signUp("brk-two-member");
    await addMember(owner, owner.workspaceId, member, "member");
    // The member's own workspace holds the deal; the owner's workspace is the other one.
    const deal = await createDeal(member, { title: "Only in my own workspace" });
    const drafted = await draft(member, deal.id, {
      dueAt: new Date(Date.now() + 3 * DAY).toISOString(),
    });
    expectStatus(drafted, 201);
    const other = { token: member.token, workspaceId: owner.workspaceId };
    expectStatus(await api(`/api/deals/${deal.id}/followup`, { ...other, body: {} }), 404);
    expectStatus(
      await api(`/api/followups/${drafted.body.data.followup.id}`, {
        ...other,
        method: "PATCH",
        body: { status: "cancelled" },
      }),
      404,
    );
    const listed = await api(`/api/followups?dealId=${deal.id}`, other);
    expect(listed.body.data.items).toEqual([]);
    // Without a header, a member of two workspaces must choose.
    const noHeader = await api("/api/auth/me/calendar-token", {
      method: "POST",
      token: member.token,
    });
    expect(noHeader.body.error?.code).toBe("WORKSPACE_REQUIRED");
    const otherFeed = await feedText(member, owner.workspaceId);
    expect(otherFeed.status).toBe(200);
    expect(otherFeed.text).not.toContain("Only in my own");
    const ownFeed = await feedText(member);
    expect(ownFeed.text).toContain("Only in my own");
  });

  it("escapes the workspace name once in NAME and X-WR-CALNAME; a deleted workspace's URL is 404", async () => {
    const owner = await signUp("brk-name");
    expectStatus(
      await api(`/api/workspaces/${owner.workspaceId}`, {
        method: "PATCH",
        token: owner.token,
        body: { name: "Acme, Inc; A\\B" },
      }),
      200,
    );
    const feed = await feedText(owner);
    const names = feed.text.split("\r\n").filter((line) => /^(NAME|X-WR-CALNAME):/.test(line));
    expect(names).toEqual([
      "NAME:Acme\\, Inc\\; A\\\\B — CreatorOps",
      "X-WR-CALNAME:Acme\\, Inc\\; A\\\\B — CreatorOps",
    ]);
    expectStatus(
      await api(`/api/workspaces/${owner.workspaceId}`, { method: "DELETE", token: owner.token }),
      200,
    );
    expect((await SELF.fetch(feed.url)).status).toBe(404);
  });
});
