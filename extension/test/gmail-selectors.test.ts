import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { captureEmailSchema } from "../../shared/crm";
import { captureEmailOf, parseGmailDate } from "../lib/gmail-message";
import {
  actionArea,
  bodyText,
  extractMessage,
  GMAIL,
  gmailThreadFromHash,
  legacyMessageId,
  mainView,
  openMessages,
  threadIdOf,
} from "../selectors/gmail";
import conversationHtml from "./fixtures/gmail-conversation.html?raw";
import forwardHtml from "./fixtures/gmail-forward.html?raw";
import singleHtml from "./fixtures/gmail-single.html?raw";
import workspaceHtml from "./fixtures/gmail-workspace.html?raw";

/**
 * What a capture sends: the page's reading (extractMessage) as the background makes it the API's
 * body (captureEmailOf: the date as an instant, addresses checked, lower-cased and deduplicated).
 */
function read(message: Element, doc: Document, url: URL) {
  const result = extractMessage(message, doc, url);
  return result.ok ? { ok: true as const, email: captureEmailOf(result.message) } : result;
}

function load(html: string) {
  document.documentElement.innerHTML = new DOMParser().parseFromString(
    html,
    "text/html",
  ).documentElement.innerHTML;
}

/** A detached element built from markup (the tests are not in Gmail: no Trusted Types here). */
function element(html: string): Element {
  const found = new DOMParser().parseFromString(html, "text/html").body.firstElementChild;
  if (!found) throw new Error("no element");
  return found;
}

function messages(): Element[] {
  const main = mainView(document);
  if (!main) throw new Error("no main view");
  return openMessages(main);
}

function at<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`nothing at ${index}`);
  return item;
}

// The happy-dom default location is YouTube's: every test passes Gmail URLs explicitly.
const inbox = new URL("https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWDsKmpbwjBtLhSRrmFNwXfT");

// Dates are read in the browser's zone: pin one with daylight saving time so offsets are known.
const zone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = "America/New_York";
});
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe("gmailThreadFromHash", () => {
  it.each([
    ["#inbox/FMfcgzQXJWDsKmpbwjBtLhSRrmFNwXfT", "FMfcgzQXJWDsKmpbwjBtLhSRrmFNwXfT"],
    ["#label/Work/FMfcgzQXJWDsKmpbwjBtLhSRrmFNwXfT", "FMfcgzQXJWDsKmpbwjBtLhSRrmFNwXfT"],
    [
      "#label/Clients%2FBrands/KtbxLwHLhPxWtrSRBmGQRzKmJdTvbGnzhB",
      "KtbxLwHLhPxWtrSRBmGQRzKmJdTvbGnzhB",
    ],
    ["#all/18c5a2b3c4d5e6f7", "18c5a2b3c4d5e6f7"],
    [
      "#search/brightline+tripods/FMfcgzQXJWDsKmpbwjBtLhSRrmFNwXfT",
      "FMfcgzQXJWDsKmpbwjBtLhSRrmFNwXfT",
    ],
    ["#sent/FMfcgzQXJWDsKmpbwjBtLhSRrmFNwXfT?compose=new", "FMfcgzQXJWDsKmpbwjBtLhSRrmFNwXfT"],
    ["#inbox", null],
    ["#inbox/p2", null],
    ["#label/Work", null],
    ["#label/Work/p3", null],
    ["#search/sponsorshipOpportunities2026", null],
    ["#search/x", null],
    ["#category/promotions", null],
    ["#settings/forwardingAndPopImapSettings", null],
    ["", null],
  ])("%s → %s", (hash, expected) => {
    expect(gmailThreadFromHash(new URL(`https://mail.google.com/mail/u/0/${hash}`))).toBe(expected);
  });
});

describe("parseGmailDate", () => {
  it.each([
    ["Mon, Nov 30, 2026, 9:00 AM", "2026-11-30T14:00:00.000Z"],
    ["Mon, Nov 30, 2026, 9:00\u202fAM", "2026-11-30T14:00:00.000Z"],
    ["Nov 30, 2026, 9:00\u202fPM", "2026-12-01T02:00:00.000Z"],
    ["Mon, 30 Nov 2026, 09:00", "2026-11-30T14:00:00.000Z"],
    ["30 Nov 2026, 21:45", "2026-12-01T02:45:00.000Z"],
    ["Sat, Jul 4, 2026, 12:00\u202fPM", "2026-07-04T16:00:00.000Z"],
    ["Jul 4, 2026, 12:30\u202fAM", "2026-07-04T04:30:00.000Z"],
    ["Wednesday, December 2, 2026 at 4:12:09\u202fPM", "2026-12-02T21:12:09.000Z"],
    ["Tue, 1 Dec 2026 at 10:05", "2026-12-01T15:05:00.000Z"],
    ["  Sept 9, 2026,\u00a07:05 a.m. ", "2026-09-09T11:05:00.000Z"],
  ])("%j → %s", (title, expected) => {
    expect(parseGmailDate(title)).toBe(expected);
  });

  it.each([
    "",
    "yesterday",
    "9:00 AM",
    "Feb 30, 2026, 9:00 AM",
    "Nov 31, 2026, 9:00 AM",
    "Nov 30, 2026, 13:00 PM",
    "Nov 30, 2026, 0:15 AM",
    "30 Nov 2026, 24:00",
    "Nov 30, 2026, 9:61 AM",
    "Foo 30, 2026, 9:00 AM",
    "Nov 30, 26, 9:00 AM",
    "2026-11-30T09:00:00Z",
  ])("%j is unreadable (null)", (title) => {
    expect(parseGmailDate(title)).toBeNull();
  });

  it("reads a title without a year as the latest such date, never in the future", () => {
    const now = new Date(2026, 11, 1, 10, 0);
    expect(parseGmailDate("Nov 30, 9:00\u202fAM", now)).toBe("2026-11-30T14:00:00.000Z");
    expect(parseGmailDate("Dec 24, 9:00\u202fAM", now)).toBe("2025-12-24T14:00:00.000Z");
    expect(parseGmailDate("Tue, 1 Dec, 10:30", now)).toBe("2026-12-01T15:30:00.000Z");
  });
});

describe("bodyText", () => {
  it("makes lines from blocks and br, collapses source whitespace and blank runs", () => {
    const body = element(
      `<div class="a3s aiL"><div dir="ltr">Hi   there,
        <div><br></div><div><br></div><div><br></div><div>Line <b>one</b></div><div>Line two<br></div>
        <p>A paragraph</p><ul><li>first</li><li>second</li></ul>end<br>after&nbsp;&nbsp;break</div></div>`,
    );
    expect(bodyText(body)).toBe(
      "Hi there,\n\nLine one\nLine two\n\nA paragraph\n\nfirst\nsecond\nend\nafter  break",
    );
  });

  it("keeps hidden quoted and trimmed parts, skips script and style", () => {
    const body = element(
      `<div class="a3s"><style>.x{color:red}</style><div>Reply</div><div class="adm"><div class="ajR" role="button" aria-label="Show trimmed content"></div></div><div class="h5" style="display:none"><div class="gmail_quote"><div class="gmail_attr">On Mon, Nov 30, 2026 Maya &lt;<a href="mailto:m@b.co">m@b.co</a>&gt; wrote:<br></div><blockquote class="gmail_quote">Quoted <span hidden>hidden</span> text</blockquote></div></div><div class="adL"><div>Trimmed tail</div></div><script>alert(1)</script></div>`,
    );
    expect(bodyText(body)).toBe(
      "Reply\nOn Mon, Nov 30, 2026 Maya <m@b.co> wrote:\nQuoted hidden text\nTrimmed tail",
    );
  });

  it("separates table cells and keeps preformatted text", () => {
    const body = element(
      "<div><table><tbody><tr><td>Fee</td><td>$5,000</td></tr><tr><td>Due</td><td>Jan 5</td></tr></tbody></table><pre>  a  b\n  c</pre></div>",
    );
    expect(bodyText(body)).toBe("Fee $5,000\nDue Jan 5\n  a  b\n  c");
  });
});

describe("legacyMessageId", () => {
  it("prefers data-legacy-message-id, on the container or inside it", () => {
    expect(
      legacyMessageId(
        element(
          '<div class="adn" data-message-id="#msg-f:1791234567890123456" data-legacy-message-id="18C5A2B3C4D5E6F7"></div>',
        ),
      ),
    ).toBe("18c5a2b3c4d5e6f7");
    expect(
      legacyMessageId(
        element('<div class="adn"><div data-legacy-message-id="18c5a2b3c4d5e6f7"></div></div>'),
      ),
    ).toBe("18c5a2b3c4d5e6f7");
  });

  it("derives the hex id from #msg-f:<decimal>", () => {
    expect(
      legacyMessageId(
        element('<div class="adn"><div data-message-id="#msg-f:1791234567890123456"></div></div>'),
      ),
    ).toBe("18dbbe59607dbac0");
    // Beyond Number's exact range: BigInt keeps every digit.
    expect(
      legacyMessageId(element('<div class="adn" data-message-id="#msg-f:9007199254740993"></div>')),
    ).toBe("20000000000001");
  });

  it("invents nothing: a provisional id, a junk legacy id or no id at all give null", () => {
    expect(
      legacyMessageId(element('<div class="adn" data-message-id="#msg-a:r-4821937465019283746">')),
    ).toBeNull();
    expect(
      legacyMessageId(element('<div class="adn" data-legacy-message-id="undefined"></div>')),
    ).toBeNull();
    expect(legacyMessageId(element('<div class="adn"></div>'))).toBeNull();
  });
});

describe("single message", () => {
  beforeEach(() => load(singleHtml));

  it("uses the shown main view, not the hidden inbox list", () => {
    const main = mainView(document);
    expect(main?.querySelector("h2.hP")).not.toBeNull();
    expect(document.querySelectorAll(GMAIL.main[0])).toHaveLength(2);
    const hiddenList = document.querySelector("div.BltHke");
    expect(hiddenList && openMessages(hiddenList)).toEqual([]);
  });

  it("extracts the message exactly", () => {
    expect(messages()).toHaveLength(1);
    const result = read(at(messages(), 0), document, inbox);
    expect(result).toEqual({
      ok: true,
      email: {
        messageId: "18dbbe59607dbac0",
        threadId: "18dbbe59607dbac0",
        threadUrl: "https://mail.google.com/mail/u/0/#all/18dbbe59607dbac0",
        subject: "Paid partnership: Brightline Tripods x Creator Studio",
        from: { name: "Maya Chen", email: "maya.chen@brightline.co" },
        to: [{ name: "Alex Rivera", email: "alex@creatorstudio.tv" }],
        date: "2026-11-30T14:00:00.000Z",
        bodyText: [
          "Hi Alex,",
          "",
          "I lead creator partnerships at Brightline Tripods. We loved your one-take editing video and would like to sponsor a 60-second integration in your next YouTube video.",
          "",
          "Budget: $3,500 flat fee",
          "Deliverables:",
          "1 YouTube integration (60 s)",
          "2 Instagram stories",
          "Please send a draft by Dec 15, 2026.",
          "",
          "Best,",
          "Maya Chen",
          "Creator Partnerships · Brightline Tripods",
        ].join("\n"),
      },
    });
    // What the page reads is what the API accepts.
    expect(result.ok && captureEmailSchema.safeParse(result.email).success).toBe(true);
  });

  it("finds the header cell with Gmail's Reply and More buttons", () => {
    const area = actionArea(at(messages(), 0));
    expect(area?.matches("td.acX")).toBe(true);
    expect(area?.querySelector('[aria-label="Reply"]')).not.toBeNull();
  });

  it("falls back to the header row when the buttons cell is renamed", () => {
    const message = at(messages(), 0);
    message.querySelector("td.acX")?.setAttribute("class", "gH xYz");
    expect(actionArea(message)?.matches("table.cf.gJ")).toBe(true);
  });

  it("never takes the sender's own span as a recipient when recipient classes change", () => {
    const message = at(messages(), 0);
    for (const span of message.querySelectorAll("span.g2")) span.classList.remove("g2");
    const result = read(message, document, inbox);
    expect(result.ok && result.email.to).toEqual([
      { name: "Alex Rivera", email: "alex@creatorstudio.tv" },
    ]);
    expect(result.ok && result.email.from.email).toBe("maya.chen@brightline.co");
  });

  it("reports what Gmail changed instead of throwing", () => {
    for (const node of document.querySelectorAll("[class]")) node.removeAttribute("class");
    const found = messages();
    // div.adn is gone: the open list item is the message now, and its ids and subject still read.
    expect(found).toHaveLength(1);
    expect(at(found, 0).getAttribute("role")).toBe("listitem");
    expect(read(at(found, 0), document, inbox)).toEqual({
      ok: false,
      missing: ["sender", "date", "body", "action-area"],
    });
  });

  it("names every miss on a page with nothing Gmail-like left", () => {
    load(
      '<body><div role="main"><div role="list"><div role="listitem" aria-expanded="true"><p>Loading…</p></div></div></div></body>',
    );
    expect(read(at(messages(), 0), document, inbox)).toEqual({
      ok: false,
      missing: ["message-id", "subject", "sender", "date", "body", "action-area"],
    });
  });

  it("does not wait when a field other than the id is missing", () => {
    document.querySelector("h2.hP")?.remove();
    expect(read(at(messages(), 0), document, inbox)).toEqual({
      ok: false,
      missing: ["subject"],
    });
  });
});

describe("conversation of three", () => {
  beforeEach(() => load(conversationHtml));

  it("lists the two open messages in order and leaves the collapsed one out", () => {
    // The collapsed row carries ids too: a plain [data-message-id] query would count it.
    expect(document.querySelectorAll("[data-message-id]")).toHaveLength(3);
    const found = messages();
    expect(found.map(legacyMessageId)).toEqual(["18dbbe63ba3fac35", "18dbf9de91181000"]);
    expect(openMessages(document)).toEqual(found);
    const areas = found.map(actionArea);
    expect(areas.every((area, index) => area && at(found, index).contains(area))).toBe(true);
    expect(areas[0]).not.toBe(areas[1]);
  });

  it("counts a message once when a container inside it matches too", () => {
    at(messages(), 0).querySelector("div.gs")?.classList.add("adn");
    expect(messages().map(legacyMessageId)).toEqual(["18dbbe63ba3fac35", "18dbf9de91181000"]);
  });

  it("reads the thread id of the message's own conversation, not a stale hidden one", () => {
    const stale = element(
      '<div class="nH" style="display: none"><h2 class="hP" data-legacy-thread-id="18aaaaaaaaaaaaaa">Old thread</h2></div>',
    );
    document.body.prepend(stale);
    const message = at(messages(), 1);
    expect(threadIdOf(document, message)).toBe("18db55143dbc09c7");
    const result = read(message, document, inbox);
    expect(result.ok && result.email.subject).toBe(
      "Sponsorship: Brightline Tripods x Creator Studio",
    );
  });

  it("does not count a collapsed message kept as div.adn under a collapsed list item", () => {
    const row = document.querySelector('[role="listitem"][aria-expanded="false"] div.kQ');
    row?.classList.add("adn");
    expect(messages()).toHaveLength(2);
  });

  it("extracts the reply with its quoted history", () => {
    expect(read(at(messages(), 0), document, inbox)).toEqual({
      ok: true,
      email: {
        messageId: "18dbbe63ba3fac35",
        threadId: "18db55143dbc09c7",
        threadUrl: "https://mail.google.com/mail/u/0/#all/18db55143dbc09c7",
        subject: "Sponsorship: Brightline Tripods x Creator Studio",
        from: { name: "Alex Rivera", email: "alex@creatorstudio.tv" },
        // The summary line does not tell to from cc: everyone is in `to`.
        to: [
          { name: "Maya Chen", email: "maya.chen@brightline.co" },
          { name: "Jordan Lee", email: "jordan@talentbridge.agency" },
        ],
        date: "2026-11-29T23:40:00.000Z",
        bodyText: [
          "Hi Maya,",
          "",
          "Thanks for reaching out! For a 60-second integration my rate is $4,500, including two Instagram stories.",
          "I can deliver a draft by Dec 15.",
          "",
          "Alex",
          "",
          "On Fri, Nov 27, 2026 at 2:15\u202fPM Maya Chen <maya.chen@brightline.co> wrote:",
          "Hi Alex,",
          "",
          "Would you be open to a sponsored integration? Our budget is $3,000.",
          "",
          "Maya",
        ].join("\n"),
      },
    });
  });

  it("extracts the last message: every recipient in `to`, trimmed history included", () => {
    const result = read(at(messages(), 1), document, inbox);
    expect(result).toEqual({
      ok: true,
      email: {
        messageId: "18dbf9de91181000",
        threadId: "18db55143dbc09c7",
        threadUrl: "https://mail.google.com/mail/u/0/#all/18db55143dbc09c7",
        subject: "Sponsorship: Brightline Tripods x Creator Studio",
        from: { name: "Maya Chen", email: "maya.chen@brightline.co" },
        // The summary line does not say who is cc: everyone is in `to`, lower-cased,
        // deduplicated, the invalid address dropped.
        to: [
          { name: "Alex Rivera", email: "alex@creatorstudio.tv" },
          { name: "Jordan Lee", email: "jordan@talentbridge.agency" },
          { email: "deals@brightline.co" },
        ],
        date: "2026-11-30T16:05:00.000Z",
        bodyText: [
          "Hi Alex,",
          "",
          "Great, $4,500 works for us. Jordan, I'll send the contract to you today.",
          "",
          "Maya",
          "",
          "On Sun, Nov 29, 2026 at 6:40\u202fPM Alex Rivera <alex@creatorstudio.tv> wrote:",
          "Hi Maya,",
          "",
          "Thanks for reaching out! For a 60-second integration my rate is $4,500, including two Instagram stories.",
          "I can deliver a draft by Dec 15.",
          "",
          "Alex",
          "",
          "On Fri, Nov 27, 2026 at 2:15\u202fPM Maya Chen <maya.chen@brightline.co> wrote:",
          "Hi Alex,",
          "",
          "Would you be open to a sponsored integration? Our budget is $3,000.",
          "",
          "Maya",
        ].join("\n"),
      },
    });
    expect(result.ok && captureEmailSchema.safeParse(result.email).success).toBe(true);
  });
});

describe("forwarded sponsor email", () => {
  beforeEach(() => load(forwardHtml));
  const search = new URL(
    "https://mail.google.com/mail/u/0/#search/lumen/FMfcgzQXJWDsKmpbwjBtLhSRrmFNwXfT",
  );

  it("extracts the forward with the brand's email and its header lines", () => {
    expect(messages()).toHaveLength(1);
    expect(read(at(messages(), 0), document, search)).toEqual({
      ok: true,
      email: {
        messageId: "18dc53e63c9e8e3d",
        threadId: "18dc53e63c9e8e3d",
        threadUrl: "https://mail.google.com/mail/u/0/#all/18dc53e63c9e8e3d",
        subject: "Fwd: Sponsored video: Lumen Audio x Creator Studio",
        from: { name: "Jordan Lee", email: "jordan@talentbridge.agency" },
        to: [{ name: "Alex Rivera", email: "alex@creatorstudio.tv" }],
        // An en-GB title: "Tue, 1 Dec 2026, 10:05".
        date: "2026-12-01T15:05:00.000Z",
        bodyText: [
          "Alex, this one looks like a fit: budget and dates are below. Want me to negotiate?",
          "",
          "Jordan",
          "",
          "---------- Forwarded message ---------",
          "From: Priya Natarajan <priya@lumenaudio.com>",
          "Date: Mon, 30 Nov 2026 at 16:12",
          "Subject: Sponsored video: Lumen Audio x Creator Studio",
          "To: Jordan Lee <jordan@talentbridge.agency>",
          "",
          "Hi Jordan,",
          "",
          "Lumen Audio would love to sponsor a dedicated video on Alex's channel about our new Halo wireless microphones.",
          "",
          "Deliverable Due",
          "Dedicated YouTube video January 20, 2027",
          "Link in description 90 days",
          "",
          "Budget: USD 8,000, half on signature.",
          "",
          "Warmly,",
          "--",
          "Priya Natarajan",
          "Head of Partnerships, Lumen Audio",
        ].join("\n"),
      },
    });
  });

  it("keeps the attachment strip out of the body", () => {
    const result = read(at(messages(), 0), document, search);
    expect(result.ok && result.email.bodyText).not.toContain("Lumen-brief.pdf");
    expect(document.body.textContent).toContain("Lumen-brief.pdf");
  });
});

describe("Google Workspace conversation", () => {
  beforeEach(() => load(workspaceHtml));
  const url = new URL("https://mail.google.com/mail/u/1/#inbox/FMfcgzQXJWDsKmpbwjBtLhSRrmFNwXfT");

  it("derives the message id from #msg-f and takes the legacy thread id, never 'undefined'", () => {
    expect(document.querySelector("h2.hP")?.getAttribute("data-thread-perm-id")).toBe("undefined");
    expect(document.querySelector("[data-legacy-message-id]")).toBeNull();
    const result = read(at(messages(), 0), document, url);
    expect(result).toEqual({
      ok: true,
      email: {
        messageId: "18dc54dbfaaab71c",
        threadId: "18dc54dbfaaab71c",
        threadUrl: "https://mail.google.com/mail/u/1/#all/18dc54dbfaaab71c",
        subject: "Q1 campaign with TrailForge",
        from: { name: "Sam Okafor", email: "sam@trailforge.com" },
        to: [
          { name: "Jamie Park", email: "jamie@northpeak.studio" },
          { name: "North Peak Partnerships", email: "partnerships@northpeak.studio" },
        ],
        date: "2026-12-01T13:30:00.000Z",
        bodyText: [
          "Hi Jamie,",
          "",
          "TrailForge is planning its Q1 campaign and we'd like two sponsored Shorts from North Peak (EUR 2,400 total), live by February 15, 2027.",
          "",
          "Sam Okafor",
          "Brand Partnerships, TrailForge",
        ].join("\n"),
      },
    });
    expect(result.ok && captureEmailSchema.safeParse(result.email).success).toBe(true);
  });

  it("has no thread id (and no thread URL) rather than an 'undefined' one", () => {
    const subject = document.querySelector("h2.hP");
    const message = at(messages(), 0);
    subject?.setAttribute("data-legacy-thread-id", "undefined");
    expect(threadIdOf(document, message)).toBeNull();
    subject?.removeAttribute("data-legacy-thread-id");
    expect(threadIdOf(document, message)).toBeNull();
    const result = read(message, document, url);
    expect(result.ok).toBe(true);
    expect(result.ok && Object.keys(result.email)).not.toContain("threadId");
    expect(result.ok && Object.keys(result.email)).not.toContain("threadUrl");
    expect(result.ok && result.email.messageId).toBe("18dc54dbfaaab71c");
  });

  it("waits for the id of a reply just sent, then reads it once Gmail fills it in", () => {
    const found = messages();
    expect(found).toHaveLength(2);
    const reply = at(found, 1);
    expect(read(reply, document, url)).toEqual({
      ok: false,
      missing: ["message-id"],
      waiting: true,
    });
    reply
      .querySelector("[data-message-id]")
      ?.setAttribute("data-message-id", "#msg-f:1791401234567890123");
    const result = read(reply, document, url);
    expect(result.ok && result.email.messageId).toBe(BigInt("1791401234567890123").toString(16));
    expect(result.ok && result.email.from).toEqual({
      name: "Jamie Park",
      email: "jamie@northpeak.studio",
    });
  });
});

describe("captureEmailOf (the background's side of a Gmail capture)", () => {
  const message = {
    messageId: "18dbbe59607dbac0",
    subject: "Paid partnership",
    from: { name: "Maya Chen", email: "Maya.Chen@Brightline.co" },
    to: [
      { name: "Alex", email: "alex@creatorstudio.tv" },
      { email: "ALEX@creatorstudio.tv" },
      { email: "maya.chen@brightline.co" },
      { email: "not an address@" },
    ],
    cc: [{ name: "jordan@example.com", email: "jordan@example.com" }],
    dateTitle: "Mon, Nov 30, 2026, 9:00\u202fAM",
    bodyText: "Our budget is $2,500.",
  };

  it("reads the date as an instant and checks, lower-cases and deduplicates every address", () => {
    expect(captureEmailOf(message)).toEqual({
      messageId: "18dbbe59607dbac0",
      subject: "Paid partnership",
      from: { name: "Maya Chen", email: "maya.chen@brightline.co" },
      to: [{ name: "Alex", email: "alex@creatorstudio.tv" }],
      // A name that only repeats the address is no name.
      cc: [{ email: "jordan@example.com" }],
      date: "2026-11-30T14:00:00.000Z",
      bodyText: "Our budget is $2,500.",
    });
  });

  it("refuses a message whose date or sender cannot be read, rather than queue what the API refuses", () => {
    // A title it cannot read and an id that gives no plausible time (from the future).
    expect(() =>
      captureEmailOf({
        ...message,
        messageId: "ffffffffffffffff",
        dateTitle: "Montag, 30. November",
      }),
    ).toThrow(/date can't be read/);
    expect(() => captureEmailOf({ ...message, from: { email: "nobody@" } })).toThrow(
      /sender can't be read/,
    );
  });

  it("leaves the page's reading raw: the date title as shown", () => {
    load(singleHtml);
    const result = extractMessage(
      at(openMessages(mainView(document) as Element), 0),
      document,
      inbox,
    );
    expect(result.ok && result.message.dateTitle).toMatch(/2026/);
    expect(result.ok && "date" in result.message).toBe(false);
  });
});
