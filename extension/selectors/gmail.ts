/**
 * Every Gmail selector the extension uses, with the extraction built on them. Gmail's DOM is not
 * an API: its class names are minified and change without notice, so each field lists selectors
 * newest layout first and a miss falls through to the next. Everything here is a pure function
 * over DOM nodes (no observers, no timers, no writes); the Gmail feature decides when to call it.
 * Tested against fixtures that follow the real page structure (extension/test/fixtures/gmail-*).
 */
import type { GmailMessage, RawMailbox } from "../lib/gmail-message";

export const GMAIL = {
  /** The view that holds the thread list or the open conversation. */
  main: ['div[role="main"]', "div.aeF"],
  /**
   * An expanded message of a conversation. Collapsed ones (`div.kv` / `div.kQ` rows) carry ids
   * and a sender too but no body: they are never open messages. The list item fallback holds a
   * whole message, so every per-message selector below still works inside it.
   */
  openMessage: ["div.adn", 'div[role="listitem"][aria-expanded="true"]'],
  /** Where a message's ids sit: on the message container itself or an element inside it. */
  messageIdHost: ["[data-legacy-message-id]", "[data-message-id]"],
  /** The conversation's subject; it carries the thread ids. */
  subject: ["h2.hP", "h2[data-legacy-thread-id]", "div.ha h2"],
  /** The message header (sender, recipients, date, Gmail's own buttons). */
  header: ["div.gE.iv.gt", "table.cf.gJ"],
  sender: ["span.gD[email]", "h3.iw span[email]", "div.gE span[email][name]"],
  /** Recipients in the header summary ("to me, Jordan"): to and cc together. */
  recipients: ["span.g2[email]", "span[email]"],

  /** The full date and time sit in the title attribute; the text is "9:00 AM (2 hours ago)". */
  date: ["span.g3[title]", "td.gH span[title]", "div.gK span[title]"],
  body: ["div.a3s.aiL", "div.a3s", "div.ii.gt"],
  /** Beside Gmail's reply / more buttons in the header; else the header row itself. */
  actionArea: ["td.acX", "td.gH.bAm", "table.cf.gJ", "div.gE.iv.gt"],
} as const;

export type GmailMiss = "message-id" | "subject" | "sender" | "date" | "body" | "action-area";

export type GmailExtraction =
  | { ok: true; message: GmailMessage }
  | { ok: false; missing: GmailMiss[]; waiting?: boolean };
const LEGACY_ID = /^[0-9a-f]{6,20}$/i;
const MSG_F = /^#?msg-f:(\d{1,20})$/;

function first(root: ParentNode, selectors: readonly string[]): Element | null {
  for (const selector of selectors) {
    const element = root.querySelector(selector);
    if (element) return element;
  }
  return null;
}

function inBody(element: Element, message: Element): boolean {
  for (let node = element.parentElement; node && node !== message; node = node.parentElement) {
    if (GMAIL.body.some((selector) => node.matches(selector))) return true;
  }
  return false;
}

/** The first match in the message's header part: never inside the body (an email's own HTML). */
function firstInHeader(message: Element, selectors: readonly string[]): Element | null {
  for (const selector of selectors) {
    for (const element of message.querySelectorAll(selector)) {
      if (!inBody(element, message)) return element;
    }
  }
  return null;
}

function oneLine(text: string | null | undefined): string {
  return (text ?? "").replace(/\s+/g, " ").trim();
}

// ─── Navigation ─────────────────────────────────────────────────────────────

/** List views whose next hash segment is a name or query, not a conversation. */
const VIEWS_WITH_ARGUMENT = new Set(["label", "search", "category", "advanced-search", "apps"]);
const NOT_MAIL = new Set(["settings", "contacts", "create-filter", "chat", "spaces"]);
/** Gmail's conversation tokens ("FMfcgz…", mixed case) or a legacy hex thread id. */
const THREAD_TOKEN = /^(?:[0-9a-f]{16}|(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{20,})$/;

/**
 * A rough "is a conversation open" signal from the hash: `#inbox/FMfcgz…`, `#label/Work/FMfcg…`,
 * `#all/18c5…`, `#search/x/…` give the conversation token; list views (`#inbox`, `#label/Work`,
 * `#inbox/p2`) give null. It only decides whether to look for messages: ids come from the DOM.
 */
export function gmailThreadFromHash(url: URL): string | null {
  const hash = url.hash.replace(/^#/, "").split("?")[0] ?? "";
  const parts = hash.split("/").filter(Boolean);
  const view = parts[0];
  if (!view || NOT_MAIL.has(view)) return null;
  const tokenAt = VIEWS_WITH_ARGUMENT.has(view) ? 2 : 1;
  if (parts.length !== tokenAt + 1) return null;
  const token = parts[tokenAt] ?? "";
  return THREAD_TOKEN.test(token) ? token : null;
}

function hiddenInline(element: Element): boolean {
  return (
    element.hasAttribute("hidden") ||
    /(^|;)\s*display\s*:\s*none/i.test(element.getAttribute("style") ?? "")
  );
}

/**
 * The main view. Gmail keeps views it has shown (the inbox list) in the DOM, hidden with an
 * inline `display: none`, each with its own `role="main"`: the shown one wins.
 */
export function mainView(doc: Document): Element | null {
  for (const selector of GMAIL.main) {
    const views = [...doc.querySelectorAll(selector)];
    const view = views.find((candidate) => !hiddenInline(candidate)) ?? views[0];
    if (view) return view;
  }
  return null;
}

/**
 * The expanded messages, in document order, each once. The first selector that finds any wins
 * (a layout uses one kind of container); messages under a list item marked collapsed, and
 * matches nested in another match, are left out.
 */
export function openMessages(root: ParentNode): Element[] {
  for (const selector of GMAIL.openMessage) {
    const found = [...root.querySelectorAll(selector)].filter(
      (element) => !element.closest('[role="listitem"][aria-expanded="false"]'),
    );
    if (found.length === 0) continue;
    return found.filter(
      (element) => !found.some((other) => other !== element && other.contains(element)),
    );
  }
  return [];
}

// ─── Ids ────────────────────────────────────────────────────────────────────

function idHost(message: Element, selector: string): Element | null {
  return message.matches(selector) ? message : message.querySelector(selector);
}

/**
 * The message's legacy id (the Gmail API's hex id): `data-legacy-message-id` when present, else
 * derived from `data-message-id` "#msg-f:<decimal>". Observed relation, not documented by
 * Google: the legacy id is that same decimal number written in lowercase hex. A message with
 * neither (a reply just sent carries "#msg-a:r…" until Gmail assigns its id) gives null.
 */
export function legacyMessageId(message: Element): string | null {
  const [legacySelector, idSelector] = GMAIL.messageIdHost;
  const legacy = idHost(message, legacySelector)?.getAttribute("data-legacy-message-id")?.trim();
  if (legacy && LEGACY_ID.test(legacy)) return legacy.toLowerCase();
  const id = idHost(message, idSelector)?.getAttribute("data-message-id")?.trim() ?? "";
  const decimal = MSG_F.exec(id)?.[1];
  return decimal ? BigInt(decimal).toString(16) : null;
}

/** The subject of the conversation this message belongs to (the nearest one above it). */
function subjectOf(doc: Document, message: Element): Element | null {
  for (let node = message.parentElement; node; node = node.parentElement) {
    const subject = first(node, GMAIL.subject);
    if (subject) return subject;
  }
  return first(doc, GMAIL.subject);
}

/**
 * The conversation's legacy thread id (`data-legacy-thread-id` of the subject, hex). Never
 * `data-thread-perm-id`: Google Workspace accounts render it as the literal "undefined".
 */
export function threadIdOf(doc: Document, message: Element): string | null {
  const id = subjectOf(doc, message)?.getAttribute("data-legacy-thread-id")?.trim();
  return id && LEGACY_ID.test(id) ? id.toLowerCase() : null;
}

/** Where the in-page button goes: beside Gmail's reply / more buttons in the header. */
export function actionArea(message: Element): Element | null {
  return firstInHeader(message, GMAIL.actionArea);
}

// ─── Body ───────────────────────────────────────────────────────────────────

const SKIPPED = /^(?:SCRIPT|STYLE|NOSCRIPT|TEMPLATE|HEAD|TITLE)$/;
/** Elements that start and end a line: paragraphs and headings with a blank line around them. */
const PARAGRAPH = /^(?:P|H[1-6])$/;
const BLOCK =
  /^(?:DIV|BLOCKQUOTE|LI|TR|UL|OL|DL|DT|DD|TABLE|PRE|HR|CENTER|SECTION|ARTICLE|HEADER|FOOTER|ADDRESS|FIGURE|FORM)$/;

/**
 * The whole body text as Gmail shows it once every "…" is expanded: quoted history, trimmed
 * parts and forwarded headers included (the server separates them; a forward's header names the
 * real sender). `innerText` would drop the hidden parts, so this walks the DOM itself: blocks and
 * `br` make lines, whitespace collapses as HTML renders it (kept in `pre`), runs of blank lines
 * become one. Nothing is truncated.
 */
export function bodyText(body: Element): string {
  let out = "";
  let pendingBreaks = 0;

  const trailingNewlines = () => {
    let count = 0;
    while (count < out.length && out[out.length - 1 - count] === "\n") count++;
    return count;
  };
  const flush = () => {
    if (out && pendingBreaks) out += "\n".repeat(Math.max(0, pendingBreaks - trailingNewlines()));
    pendingBreaks = 0;
  };
  const breakLine = (count: number) => {
    pendingBreaks = Math.max(pendingBreaks, count);
  };
  const write = (text: string, preformatted: boolean) => {
    let piece = preformatted ? text : text.replace(/[ \t\n\r\f]+/g, " ");
    if (!piece) return;
    if (!preformatted && piece.trim() === "" && (out === "" || pendingBreaks)) return;
    flush();
    if (!preformatted && (out === "" || /[ \n]$/.test(out))) piece = piece.replace(/^ /, "");
    out += piece;
  };

  const walk = (node: Node, preformatted: boolean) => {
    if (node.nodeType === 3) {
      write(node.nodeValue ?? "", preformatted);
      return;
    }
    if (node.nodeType !== 1) return;
    const element = node as Element;
    const tag = element.tagName.toUpperCase();
    if (SKIPPED.test(tag)) return;
    if (tag === "BR") {
      flush();
      out += "\n";
      return;
    }
    if ((tag === "TD" || tag === "TH") && element.previousElementSibling) write(" ", false);
    const lines = PARAGRAPH.test(tag) ? 2 : BLOCK.test(tag) ? 1 : 0;
    if (lines) breakLine(lines);
    const pre = preformatted || tag === "PRE";
    for (const child of element.childNodes) walk(child, pre);
    if (lines) breakLine(lines);
  };

  for (const child of body.childNodes) walk(child, false);
  return out
    .replace(/\u00a0/g, " ")
    .split("\n")
    .map((line) => line.replace(/[ \t]+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

// ─── People ─────────────────────────────────────────────────────────────────

/**
 * A mailbox as the header shows it: the `email` attribute and the display name (the `name`
 * attribute; the text is Gmail's short form, "me", used only without one). The background
 * checks and normalises it (lib/gmail-message.ts).
 */
function mailbox(element: Element): RawMailbox | null {
  const email = element.getAttribute("email")?.trim() ?? "";
  if (!email.includes("@")) return null;
  const name = oneLine(
    element.hasAttribute("name") ? element.getAttribute("name") : element.textContent,
  );
  return name ? { name, email } : { email };
}

/**
 * Recipients from the "Show details" table when it is rendered and labelled in English. Trusted
 * only with a "to" row: other languages can share a label ("Cc:") and lose their "to" row here.
 * Bcc (shown on one's own sent mail) has no place in the capture and is left out.
 */
/**
 * Everyone the header names besides the sender, in `to`: Gmail's summary line ("to me, Jordan")
 * does not say who is cc, and the API reads neither list (only the sender).
 */
function recipientsOf(message: Element, sender: Element | null): RawMailbox[] {
  const header = firstInHeader(message, GMAIL.header) ?? message;
  for (const selector of GMAIL.recipients) {
    const found = [...header.querySelectorAll(selector)].flatMap((element) =>
      element === sender || inBody(element, message) ? [] : (mailbox(element) ?? []),
    );
    if (found.length) return found;
  }
  return [];
}

// ─── The capture ────────────────────────────────────────────────────────────

/**
 * Whether an open message has what a capture reads — its id, the subject, the sender, the date,
 * the body and a place for the button — without reading any of it (no body text is walked until
 * the creator clicks). `waiting` when only the id is missing: a reply just sent gets its id a
 * moment later; never invent one.
 */
export function checkMessage(
  message: Element,
  doc: Document,
): { messageId: string | null; missing: GmailMiss[]; waiting: boolean } {
  const missing: GmailMiss[] = [];
  const messageId = legacyMessageId(message);
  if (!messageId) missing.push("message-id");
  if (!oneLine(subjectOf(doc, message)?.textContent)) missing.push("subject");
  const sender = firstInHeader(message, GMAIL.sender);
  if (!sender || !mailbox(sender)) missing.push("sender");
  if (!oneLine(firstInHeader(message, GMAIL.date)?.getAttribute("title"))) missing.push("date");
  if (!first(message, GMAIL.body)) missing.push("body");
  if (!actionArea(message)) missing.push("action-area");
  return {
    messageId,
    missing,
    waiting: missing.length === 1 && missing[0] === "message-id",
  };
}

/**
 * What a capture sends of one open message, read at the click: the ids, the subject, the
 * sender and recipients as the header shows them, the date title and the whole body text.
 */
export function extractMessage(message: Element, doc: Document, url: URL): GmailExtraction {
  const check = checkMessage(message, doc);
  const { messageId } = check;
  if (!messageId || check.missing.length > 0) {
    return check.waiting
      ? { ok: false, missing: check.missing, waiting: true }
      : { ok: false, missing: check.missing };
  }
  const senderElement = firstInHeader(message, GMAIL.sender);
  const from = senderElement && mailbox(senderElement);
  const body = first(message, GMAIL.body);
  if (!from || !body) return { ok: false, missing: check.missing };
  const threadId = threadIdOf(doc, message);
  return {
    ok: true,
    message: {
      messageId,
      ...(threadId ? { threadId, threadUrl: `${url.origin}${url.pathname}#all/${threadId}` } : {}),
      subject: oneLine(subjectOf(doc, message)?.textContent),
      from,
      to: recipientsOf(message, senderElement),
      dateTitle: oneLine(firstInHeader(message, GMAIL.date)?.getAttribute("title")),
      bodyText: bodyText(body),
    },
  };
}
