import { readFileSync } from "node:fs";
import { PIXEL, startHttpsSite } from "./https-site";
import { ROOT } from "./paths";

export const GMAIL_ORIGIN = "https://mail.google.com";
/** The signed-in account's app path; the hash names the view. */
export const GMAIL_APP_PATH = "/mail/u/0/";
const FIXTURES = `${ROOT}extension/test/fixtures`;
const ACCOUNT = { name: "Alex Rivera", email: "alex@creatorstudio.tv" };

export interface FakeEmail {
  /** Gmail's conversation token in the hash (`#inbox/<token>`). */
  token: string;
  /** Legacy (hex) ids, as `data-legacy-thread-id` / `data-legacy-message-id` carry them. */
  threadId: string;
  messageId: string;
  subject: string;
  from: { name: string; email: string };
  /** The date element's title, as Gmail writes it ("Mon, Nov 30, 2026, 9:00 AM"). */
  dateTitle: string;
  /** The body, one paragraph per entry (plain text; escaped when rendered). */
  paragraphs: string[];
  /** What the API's reader should find in it (for the tests' expectations). */
  expected?: { valueMinor: number; currency: string; expectedCloseDay: string; facts: string };
}

/** A conversation served as a fixture page as it is (several messages, other accounts). */
interface FixtureConversation {
  token: string;
  fixture: string;
  subject: string;
  /** The open messages' legacy ids, in page order (those a button belongs to). */
  openMessageIds: string[];
  from: { name: string; email: string };
  snippet: string;
}

/** A narrow no-break space before AM/PM, as Chrome renders Gmail's dates. */
const NNBSP = "\u202f";

/** The sponsor emails the tests name. Amounts and deadlines are what the API's reader takes. */
export const EMAILS = {
  brightline: {
    token: "FMfcgzQbrightlineTripodsPartnership",
    threadId: "18dc7a1f3b2e9c01",
    messageId: "18dc7a1f3b2e9c01",
    subject: "Paid partnership: Brightline Tripods x Creator Studio",
    from: { name: "Maya Chen", email: "maya.chen@brightline.co" },
    dateTitle: `Mon, Nov 30, 2026, 9:00${NNBSP}AM`,
    paragraphs: [
      "Hi Alex,",
      "I lead creator partnerships at Brightline Tripods. We loved your one-take editing video and would like to sponsor a 60-second integration in your next YouTube video.",
      "Our budget is $2,500 flat fee, payment Net 30. The video should go live by January 15.",
      "Could you send us your media kit and a first draft of the script?",
      "Best,",
      "Maya Chen",
      "Creator Partnerships · Brightline Tripods",
    ],
    expected: {
      valueMinor: 250_000,
      currency: "USD",
      expectedCloseDay: "2027-01-15",
      facts: "$2,500 · by Jan 15, 2027",
    },
  },
  lumen: {
    token: "FMfcgzQlumenAudioSponsoredVideo",
    threadId: "18dc7b20aa41f702",
    messageId: "18dc7b20aa41f702",
    subject: "Sponsored video: Lumen Audio x Creator Studio",
    from: { name: "Priya Natarajan", email: "priya@lumenaudio.com" },
    dateTitle: `Mon, Nov 30, 2026, 2:30${NNBSP}PM`,
    paragraphs: [
      "Hello Alex,",
      "Lumen Audio is launching a new podcast microphone and we would love a dedicated 8-minute review on your channel.",
      "We can offer $4,000 for the video, with the video live by February 20.",
      "Thanks,",
      "Priya",
    ],
    expected: {
      valueMinor: 400_000,
      currency: "USD",
      expectedCloseDay: "2027-02-20",
      facts: "$4,000 · by Feb 20, 2027",
    },
  },
  trailforge: {
    token: "FMfcgzQtrailForgeWinterCampaign",
    threadId: "18dc7c3d5e60a803",
    messageId: "18dc7c3d5e60a803",
    subject: "Winter campaign: TrailForge backpacks",
    from: { name: "Sam Okafor", email: "sam@trailforge.com" },
    dateTitle: `Mon, Nov 30, 2026, 4:45${NNBSP}PM`,
    paragraphs: [
      "Hi Alex,",
      "TrailForge would like to sponsor one YouTube integration (90 seconds) in a hiking video.",
      "Our budget is $1,200 and the integration should be live by March 1.",
      "Cheers,",
      "Sam",
    ],
    expected: {
      valueMinor: 120_000,
      currency: "USD",
      expectedCloseDay: "2027-03-01",
      facts: "$1,200 · by Mar 1, 2027",
    },
  },
  glowcam: {
    token: "FMfcgzQglowCamLightsIntegration",
    threadId: "18dc7e5f7082ca05",
    messageId: "18dc7e5f7082ca05",
    subject: "GlowCam x Creator Studio: lighting integration",
    from: { name: "Noah Berg", email: "noah@glowcam.io" },
    dateTitle: `Mon, Nov 30, 2026, 6:20${NNBSP}PM`,
    paragraphs: [
      "Hey Alex,",
      "GlowCam would like a 45-second integration of our new key light in your next tutorial.",
      "We have $3,000 for it, with the video live by February 1.",
      "Noah",
    ],
    expected: {
      valueMinor: 300_000,
      currency: "USD",
      expectedCloseDay: "2027-02-01",
      facts: "$3,000 · by Feb 1, 2027",
    },
  },
  northwind: {
    token: "FMfcgzQnorthwindCoffeeFollowUp",
    threadId: "18dc7d4e6f71b904",
    messageId: "18dc7d4e6f71b904",
    subject: "Northwind Coffee x Creator Studio",
    from: { name: "Lena Ortiz", email: "lena@northwindcoffee.com" },
    dateTitle: `Mon, Nov 30, 2026, 5:10${NNBSP}PM`,
    paragraphs: [
      "Hi Alex,",
      "Northwind Coffee would like two Instagram stories about our winter roast. Our budget is $900, stories live by January 31.",
      "Lena",
    ],
  },
} satisfies Record<string, FakeEmail>;

/** Fixture pages served as conversations of their own. */
export const FIXTURE_CONVERSATIONS = {
  /** Three messages: the first collapsed, the reply and the brand's answer open. */
  threeMessages: {
    token: "FMfcgzQbrightlineConversationOfThree",
    fixture: "gmail-conversation.html",
    subject: "Sponsorship: Brightline Tripods x Creator Studio",
    openMessageIds: ["18dbbe63ba3fac35", "18dbf9de91181000"],
    from: { name: "Maya Chen", email: "maya.chen@brightline.co" },
    snippet: "Great, $4,500 works for us. Jordan, I'll send the contract to you today.",
  },
} satisfies Record<string, FixtureConversation>;

/** Gmail's own tokens: letters and digits, at least 20, some upper case. */
const TOKEN = /^(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{20,64}$/;
/** Any other token of this shape gets a generated sponsor email (the benchmark's). */
const GENERATED = /^FMfcgzQbench([A-Za-z0-9]{1,40})$/;

/** A stable generated email for `FMfcgzQbench…` tokens: a new message id per token. */
export function generatedEmail(token: string): FakeEmail {
  let hash = 0n;
  for (const char of token) hash = (hash * 131n + BigInt(char.charCodeAt(0))) % 0xfffffffffffn;
  const id = `18e${hash.toString(16).padStart(13, "0")}`;
  const n = Number(hash % 90n) + 10;
  return {
    token,
    threadId: id,
    messageId: id,
    subject: `Sponsorship enquiry ${n} for Creator Studio`,
    from: { name: "Robin Vale", email: `robin@brand${n}.example` },
    dateTitle: `Mon, Nov 30, 2026, 10:${String(n % 60).padStart(2, "0")}${NNBSP}AM`,
    paragraphs: ["Hi Alex,", `We would like one YouTube integration. Our budget is $${n}00.`],
  };
}

export function benchToken(index: number): string {
  return `FMfcgzQbench${String(index).padStart(4, "0")}Navigation`;
}

/** The legacy id as `data-message-id` writes it: "#msg-f:<the same number in decimal>". */
export const msgF = (legacyHex: string) => BigInt(`0x${legacyHex}`).toString(10);

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char,
  );
}

/** The end (exclusive) of the `<div …>` element that starts at `start` (balanced div tags). */
function divEnd(html: string, start: number): number {
  const tags = /<div\b|<\/div\s*>/gi;
  tags.lastIndex = start;
  let depth = 0;
  for (let match = tags.exec(html); match; match = tags.exec(html)) {
    depth += match[0].startsWith("</") ? -1 : 1;
    if (depth === 0) return match.index + match[0].length;
  }
  throw new Error("unbalanced <div> in a Gmail fixture");
}

/** The outer HTML of the first `<div …>` whose opening tag matches `openTag`, and its place. */
function divElement(html: string, openTag: RegExp): { start: number; end: number; html: string } {
  const match = openTag.exec(html);
  if (!match) throw new Error(`Gmail fixture has no element matching ${openTag}`);
  const end = divEnd(html, match.index);
  return { start: match.index, end, html: html.slice(match.index, end) };
}

/** The inner HTML of a `<div …>` element's outer HTML. */
function innerOf(outer: string): string {
  return outer.slice(outer.indexOf(">") + 1, outer.lastIndexOf("</div"));
}

function replaceOnce(
  html: string,
  pattern: RegExp,
  replacement: string | ((...groups: string[]) => string),
): string {
  if (!pattern.test(html)) throw new Error(`Gmail fixture changed: ${pattern} not found`);
  return html.replace(pattern, replacement as string);
}

const fixture = (name: string) => readFileSync(`${FIXTURES}/${name}`, "utf8");
/** The conversation view (the shown `role="main"`) of a fixture page. */
const conversationView = (html: string) => divElement(html, /<div class="nH" role="main">/).html;

/** The single-message fixture's conversation view, made into `email`. */
function emailView(email: FakeEmail): string {
  let view = conversationView(fixture("gmail-single.html"));
  view = replaceOnce(view, /#msg-f:\d+/, `#msg-f:${msgF(email.messageId)}`);
  view = replaceOnce(
    view,
    /data-legacy-message-id="[0-9a-f]+"/,
    `data-legacy-message-id="${email.messageId}"`,
  );
  view = replaceOnce(
    view,
    /(<h2 [^>]*class="hP") data-thread-perm-id="[^"]*" data-legacy-thread-id="[^"]*"([^>]*>)[^<]*/,
    (_match, open, rest) =>
      `${open} data-thread-perm-id="thread-f:${msgF(email.threadId)}" data-legacy-thread-id="${email.threadId}"${rest}${escapeHtml(email.subject)}`,
  );
  // The sender: the header's span (email and name attributes, its text), the avatar, the address.
  view = view.replace(/maya\.chen@brightline\.co/gi, escapeHtml(email.from.email));
  view = view.replace(/Maya Chen/g, escapeHtml(email.from.name));
  view = replaceOnce(
    view,
    /title="Mon, Nov 30, 2026, 9:00&#8239;AM" alt="Mon, Nov 30, 2026, 9:00&#8239;AM"/,
    `title="${escapeHtml(email.dateTitle)}" alt="${escapeHtml(email.dateTitle)}"`,
  );
  view = replaceOnce(
    view,
    />9:00&#8239;AM \(16 hours ago\)</,
    `>${escapeHtml(email.dateTitle.replace(/^.*, /, ""))}<`,
  );
  const body = divElement(view, /<div id=":2p" class="a3s aiL ">/);
  const paragraphs = email.paragraphs
    .map((paragraph) => `<div>${escapeHtml(paragraph)}</div><div><br></div>`)
    .join("");
  return `${view.slice(0, body.start)}<div id=":2p" class="a3s aiL "><div dir="ltr">${paragraphs}</div><div class="yj6qo"></div><div class="adL"></div></div>${view.slice(body.end)}`;
}

interface Conversation {
  token: string;
  subject: string;
  from: { name: string; email: string };
  snippet: string;
  /** The conversation view's inner HTML. */
  html(): string;
}

const listed: Conversation[] = [
  ...Object.values(EMAILS).map(
    (email): Conversation => ({
      token: email.token,
      subject: email.subject,
      from: email.from,
      snippet: email.paragraphs.slice(1).join(" "),
      html: () => innerOf(emailView(email)),
    }),
  ),
  ...Object.values(FIXTURE_CONVERSATIONS).map(
    (conversation): Conversation => ({
      ...conversation,
      html: () => innerOf(conversationView(fixture(conversation.fixture))),
    }),
  ),
];

function findConversation(token: string): Conversation | null {
  const known = listed.find((conversation) => conversation.token === token);
  if (known) return known;
  if (!GENERATED.test(token)) return null;
  const email = generatedEmail(token);
  return {
    token,
    subject: email.subject,
    from: email.from,
    snippet: email.paragraphs.join(" "),
    html: () => innerOf(emailView(email)),
  };
}

/** The thread list (Gmail's `div.BltHke` view): one row per listed conversation. */
function listView(): string {
  const view = divElement(fixture("gmail-single.html"), /<div class="BltHke nH oy8Mbf"/).html;
  const rows = listed
    .map(
      (conversation, index) =>
        `<tr class="zA zE" id=":r${index}" role="row" tabindex="-1" draggable="false" data-fake-token="${conversation.token}"><td class="oZ-x3 xY" role="gridcell"><div class="oZ-jc T-Jo J-J5-Ji" role="checkbox" aria-checked="false" aria-label="Select" tabindex="-1"></div></td><td class="yX xY" role="gridcell"><div class="yW"><span class="bA4"><span translate="no" class="zF" email="${escapeHtml(conversation.from.email)}" name="${escapeHtml(conversation.from.name)}">${escapeHtml(conversation.from.name)}</span></span></div></td><td class="xY a4W" role="gridcell"><div class="xS" role="link"><div class="xT"><div class="y6"><span class="bog"><span class="bqe">${escapeHtml(conversation.subject)}</span></span></div><span class="y2"> - ${escapeHtml(conversation.snippet.slice(0, 80))}</span></div></div></td><td class="xW xY" role="gridcell"><span title="Mon, Nov 30, 2026">Nov 30</span></td></tr>`,
    )
    .join("");
  return replaceOnce(
    view.replace(' style="display: none;"', ""),
    /<tbody>[\s\S]*<\/tbody>/,
    `<tbody>${rows}</tbody>`,
  );
}

/**
 * Gmail's light theme in miniature: its font and colours, and its icon buttons (reply, more,
 * back) drawn with a glyph so they take room and can be clicked as in Gmail.
 */
const GMAIL_LOOK = [
  "body{margin:0;padding:8px 16px;background:#f6f8fc;color:#1f1f1f;font:14px/20px Roboto,Arial,sans-serif}",
  "[data-fake-views]{background:#fff;border-radius:16px;padding:8px 16px}",
  "h2.hP{font:400 22px/28px 'Google Sans',Roboto,Arial,sans-serif;margin:12px 0}",
  "span.gD{font-weight:700}span.go,span.g3{color:#5e5e5e;font-size:12px}",
  ".T-I[role=button]{display:inline-flex;align-items:center;justify-content:center;width:32px;height:32px;border-radius:50%;color:#444746;font-size:18px;cursor:pointer;vertical-align:middle}",
  ".T-I[role=button]:hover{background:rgba(31,31,31,.08)}",
  ".T-I[role=button] img{display:none}",
  ".T-I[aria-label=Reply]::before{content:'\\21A9'}",
  ".T-I[aria-label='More message options']::before{content:'\\22EE'}",
  ".T-I[aria-label^='Back to']::before{content:'\\2190'}",
  ".T-I[aria-label=Archive]::before{content:'\\2193'}",
  "td.acX{white-space:nowrap;text-align:right}",
  "tr.zA{cursor:pointer}tr.zA td{padding:4px 8px;border-bottom:1px solid #eceff1}",
].join("");

const INBOX_TITLE = `Inbox (${listed.length}) - ${ACCOUNT.email} - Gmail`;

/**
 * The app page: the single-message fixture's frame (header, navigation, the main area) with an
 * empty views container, a marker of the page's own content, and the SPA script.
 */
function appPage(): string {
  let html = fixture("gmail-single.html");
  html = replaceOnce(html, /<title>[^<]*<\/title>/, `<title>${escapeHtml(INBOX_TITLE)}</title>`);
  html = replaceOnce(html, /<head>/, `<head><meta charset="utf-8">`);
  // A little of Gmail's look, in the page's own stylesheet (the fixture has one, trimmed).
  html = replaceOnce(html, /<\/style>/, `${GMAIL_LOOK}</style>`);
  const area = divElement(html, /<div id=":4" class="aeF"[^>]*>/);
  const openTag = area.html.slice(0, area.html.indexOf(">") + 1);
  html = `${html.slice(0, area.start)}${openTag}<div class="nH" data-fake-views=""></div></div>${html.slice(area.end)}`;
  return replaceOnce(
    html,
    /<\/body>/,
    `<div id="host-marker">Fake Gmail for CreatorOps e2e</div><script>${SPA_SCRIPT}</script></body>`,
  );
}

/** Gmail's navigation, in miniature (runs in the page). */
const SPA_SCRIPT = `
(() => {
  const APP = ${JSON.stringify(GMAIL_APP_PATH)};
  const INBOX_TITLE = ${JSON.stringify(INBOX_TITLE)};
  const LIST_VIEW = ${JSON.stringify(listView())};
  const views = document.querySelector("[data-fake-views]");
  const tokenOf = (hash) => {
    const match = /^#(?:inbox|all|sent|starred)\\/([A-Za-z0-9]{16,64})$/.exec(hash);
    return match ? match[1] : null;
  };
  let list = null;
  let conversation = null;
  let shownToken = null;
  let rendering = 0;
  window.__navigations = 0;
  window.__renders = 0;

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function ensureList() {
    if (list) return list;
    list = fromHtml(LIST_VIEW).firstElementChild;
    list.dataset.fakeView = "list";
    views.append(list);
    return list;
  }

  /** Renders what the hash names; resolves once it is on screen. */
  async function render(hash) {
    const ticket = ++rendering;
    const token = tokenOf(hash);
    if (!token) {
      ensureList().style.display = "";
      conversation?.remove();
      conversation = null;
      shownToken = null;
      document.title = INBOX_TITLE;
      window.__renders += 1;
      return;
    }
    if (token === shownToken) return;
    const res = await fetch(APP + "fake/conversation?th=" + encodeURIComponent(token));
    if (ticket !== rendering) return;
    const data = res.ok ? await res.json() : { subject: "Conversation not found", html: '<div class="nH"><p class="fake-missing">This conversation could not be found.</p></div>' };
    if (ticket !== rendering) return;
    const content = fromHtml(data.html);
    if (conversation) {
      // Another conversation was open: Gmail reuses the view and swaps what it shows.
      conversation.replaceChildren(content);
    } else {
      ensureList().style.display = "none";
      conversation = document.createElement("div");
      conversation.className = "nH";
      conversation.setAttribute("role", "main");
      conversation.dataset.fakeView = "conversation";
      conversation.append(content);
      views.append(conversation);
    }
    shownToken = token;
    document.title = data.subject + " - ${ACCOUNT.email} - Gmail";
    window.__renders += 1;
  }

  // A hash changed by a click or by the address bar: fetch, then render (Gmail's order).
  window.addEventListener("hashchange", (event) => {
    if (event.isTrusted) void render(location.hash);
  });
  // For the benchmark: render, push the hash, then dispatch hashchange (timed just before).
  window.__navigate = async (hash) => {
    const oldURL = location.href;
    await render(hash);
    history.pushState(null, "", hash);
    window.__navigations += 1;
    window.__lastNavigateAt = performance.now();
    window.dispatchEvent(new HashChangeEvent("hashchange", { oldURL, newURL: location.href }));
  };
  views.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const row = target?.closest("tr[data-fake-token]");
    if (row) location.hash = "#inbox/" + row.dataset.fakeToken;
    else if (target?.closest('[aria-label="Back to Inbox"]')) location.hash = "#inbox";
  });
  if (!location.hash) history.replaceState(null, "", "#inbox");
  void render(location.hash);
})();
`;

export interface FakeGmail {
  /** The loopback port the fake listens on. */
  readonly port: number;
  /** For Chromium's --host-resolver-rules: mail.google.com (and avatars) → this server. */
  readonly hostResolverRules: string;
  /** The app's address at a hash: `#inbox`, or a conversation's `#inbox/<token>`. */
  url(hash?: string): string;
  /** A conversation's address. */
  conversationUrl(token: string): string;
  close(): Promise<void>;
}

export interface FakeGmailOptions {
  /** How long the conversation data takes to arrive (Gmail fetches a thread it has not cached). */
  latencyMs?: number;
  /**
   * Where to listen (default: a free port, reached through Chromium's host-resolver rules;
   * Firefox maps a host name to loopback only, so it needs 443), as startFakeYouTube.
   */
  port?: number;
}

export async function startFakeGmail(options: FakeGmailOptions = {}): Promise<FakeGmail> {
  const latencyMs = options.latencyMs ?? 150;
  const page = appPage();
  const site = await startHttpsSite({
    hosts: ["mail.google.com", "lh3.googleusercontent.com"],
    port: options.port,
    route: (url, send, _req, res) => {
      if (url.pathname === "/" || url.pathname === "/mail/" || url.pathname === "/mail/u/0") {
        res.writeHead(302, { Location: `${GMAIL_APP_PATH}#inbox` });
        return res.end();
      }
      if (url.pathname === GMAIL_APP_PATH) return send(200, "text/html; charset=utf-8", page);
      if (url.pathname === `${GMAIL_APP_PATH}fake/conversation`) {
        const token = url.searchParams.get("th") ?? "";
        const conversation = TOKEN.test(token) ? findConversation(token) : null;
        if (!conversation) return send(404, "application/json", "{}");
        const body = JSON.stringify({ subject: conversation.subject, html: conversation.html() });
        setTimeout(() => send(200, "application/json", body), latencyMs);
        return;
      }
      // Avatars (lh3.googleusercontent.com) and Gmail's cleardot images.
      if (url.pathname.startsWith("/a/") || /\/images\/[^/]+$/.test(url.pathname)) {
        return send(200, "image/png", PIXEL);
      }
      if (url.pathname === "/favicon.ico") return send(200, "image/png", PIXEL);
      return send(404, "text/plain", "not found");
    },
  });
  const url = (hash = "#inbox") => `${GMAIL_ORIGIN}${GMAIL_APP_PATH}${hash}`;
  return { ...site, url, conversationUrl: (token) => url(`#inbox/${token}`) };
}
