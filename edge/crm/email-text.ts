/**
 * The parts of an email body as a person reads it: the message's own new text, the quoted history
 * below it (not this email's terms), and forwarded messages with their original sender.
 *
 * Why not a library: the maintained reply and forward parsers on npm were checked (2026):
 * - email-reply-parser@2.3.9 (Crisp): engines node >= 22 (this project supports Node 20.19), and it
 *   imports Node's `module` (createRequire) to load the optional native `re2`. Without re2 its
 *   regexes backtrack polynomially (2.1.0, same patterns: 87 ms on one 20,000-character line,
 *   four times that for twice the length).
 * - email-forward-parser@1.8.3 (Crisp): engines fit, but it imports Node's `module` and reads
 *   `process.env` at load, and its RegExp fallback (re2 is native, so not in workerd) is cubic on a
 *   crafted line: 16 s for 14,000 characters. Its list of header formats is the reference used here.
 * - planer@1.2.0 (talon port): CommonJS, no Spanish "El … escribió:", no forward sender reading.
 * - node-email-reply-parser@0.1.4: quadratic lookahead patterns, lodash/esrever dependencies.
 * So this is a small line scanner: every test is a bounded look at one to three lines.
 *
 * Formats recognised (from the clients' plain-text output, as catalogued by email-forward-parser
 * and talon):
 * - Reply headers: Gmail/Apple Mail "On <date>, <name> <email> wrote:" (may wrap over three lines),
 *   French "Le <date>, <name> a écrit :", German "Am <date> schrieb <name>:" and Thunderbird's
 *   "<name> schrieb am <date>:", Spanish "El <date>, <name> escribió:", "<name> <email> wrote:".
 * - Outlook headers: a "From:/De :/Von:/De:" line followed within four lines by "Sent:/Date:/
 *   Envoyé :/Gesendet:/Datum:/Enviado:/Fecha:", optionally after a line of underscores or
 *   "-----Original Message-----" (and its French, German and Spanish forms).
 * - Lines starting with ">" are quoted wherever they are (inline replies keep the lines between).
 * - Forward headers: Gmail "---------- Forwarded message ---------" and its translations
 *   ("Message transféré", "Weitergeleitete Nachricht", "Mensaje reenviado"), Thunderbird
 *   "-------- Forwarded Message --------", Apple Mail "Begin forwarded message:" and its
 *   translations, each followed by From/Date/Subject/To lines (De :, Von:, De:, …). Outlook writes
 *   a forward with the same header block as a reply: it is a forward when the email's subject
 *   starts with a forward prefix (FW:, Fwd:, TR:, WG:, RV:, ENC:, I:, VS:, VB:, PD:).
 */
import { cleanText } from "../../shared/text";

/**
 * How much of `bodyText` is read: the first 50,000 UTF-16 code units (about 8,000 words, far
 * beyond any sponsor's brief). A longer body is cut there, never refused; a warning says so.
 */
export const MAX_BODY_CHARS = 50_000;

/** Longest line that can be a header line (reply, forward or Outlook); longer lines are text. */
const MAX_HEADER_LINE = 400;

export interface EmailAddress {
  name?: string;
  email: string;
}

/** A forward header as read: `from` only when its sender's address could be read. */
export interface ForwardHeader {
  marker: string;
  from?: EmailAddress;
  /** The From line's text when it is there but carries no readable address. */
  fromText?: string;
  date?: string;
  subject?: string;
}

export interface EmailBodyParts {
  /** The text read for terms: the message's own text, and for a forward the forwarded message's own text. */
  newText: string;
  /** Quoted history (replies below a reply header, lines starting with ">"): never read for terms. */
  quoted: string;
  /** Forward headers found, outermost first (a forward of a forward has two). */
  forwards: ForwardHeader[];
}

/** The body as read: line ends normalised, bidi controls and lone surrogates cleaned, cut to the limit. */
export function prepareBody(bodyText: string): { text: string; truncated: boolean } {
  const truncated = bodyText.length > MAX_BODY_CHARS;
  // Cut at the last whitespace of the limit's final 200 characters, so a number or a word is
  // never read half ("$5,000" cut to "$5"); without whitespace there, cut at the limit.
  const hard = bodyText.slice(0, MAX_BODY_CHARS);
  const lastSpace = Math.max(hard.lastIndexOf(" "), hard.lastIndexOf("\n"), hard.lastIndexOf("\t"));
  const cut = truncated
    ? lastSpace > MAX_BODY_CHARS - 200
      ? hard.slice(0, lastSpace)
      : hard
    : bodyText;
  return { text: cleanText(cut.replace(/\r\n?|[\u2028\u2029]/g, "\n")), truncated };
}

const FORWARD_SUBJECT = /^[ \t]*(?:fwd?|fw|tr|wg|rv|enc|i|vs|vb|pd|wtrd)[ \t]?:/i;

export function isForwardSubject(subject: string): boolean {
  return FORWARD_SUBJECT.test(subject);
}

const FORWARD_MARKER =
  /^(?:-{2,}[ \t]*(?:Forwarded message|Forwarded Message|Message transféré|Message transmis|Weitergeleitete Nachricht|Mensaje reenviado|Messaggio inoltrato|Mensagem encaminhada|Doorgestuurd bericht)[ \t]*-{2,}|(?:Begin forwarded message|Début du message réexpédié|Début du message transféré|Anfang der weitergeleiteten Nachricht|Inicio del mensaje reenviado|Inizio messaggio inoltrato)[ \t\u00A0]?:)$/i;
const ORIGINAL_MESSAGE =
  /^-{2,}[ \t]*(?:Original Message|Message d'origine|Ursprüngliche Nachricht|Mensaje original|Messaggio originale)[ \t]*-{2,}$/i;
const UNDERSCORES = /^_{10,}$/;
const OUTLOOK_FROM = /^[*_]*(?:From|De|Von|Da|Van)[ \u00A0]?\*?[ \u00A0]?:/i;
const OUTLOOK_SENT =
  /^[*_]*(?:Sent|Date|Envoyé|Gesendet|Datum|Enviado(?: el)?|Fecha|Inviato)[ \u00A0]?\*?[ \u00A0]?:/i;
const REPLY_OPENER = /^(?:On|Le|El|Il|Op)[ \u00A0]/;
const REPLY_ENDING = /(?:wrote|a[ \u00A0]écrit|escribió|ha scritto|schreef)[ \u00A0]?:$/;
const GERMAN_OPENER = /^Am[ \u00A0]/;
const HEADER_LINE =
  /^\*?(From|De|Von|Da|Van|Date|Sent|Envoyé|Datum|Gesendet|Fecha|Enviado(?: el)?|Subject|Objet|Betreff|Asunto|Oggetto|To|À|A|An|Para|Cc|Reply-To|Répondre à)[ \u00A0]?\*?[ \u00A0]?:[ \u00A0]?\*?[ \u00A0]*(.*)$/i;
const QUOTE_PREFIX = /^[ \t]*>/;

type HeaderKey = "from" | "date" | "subject" | "other";
const HEADER_KEYS: Record<string, HeaderKey> = {
  from: "from",
  de: "from",
  von: "from",
  da: "from",
  van: "from",
  date: "date",
  sent: "date",
  envoyé: "date",
  datum: "date",
  gesendet: "date",
  fecha: "date",
  enviado: "date",
  "enviado el": "date",
  subject: "subject",
  objet: "subject",
  betreff: "subject",
  asunto: "subject",
  oggetto: "subject",
};

/** One reply header starting at line `index` ("On … wrote:" over up to three lines)? */
function isReplyHeader(lines: string[], index: number): boolean {
  const first = (lines[index] ?? "").trim();
  if (first.length > MAX_HEADER_LINE) return false;
  const german = GERMAN_OPENER.test(first);
  const opener = german || REPLY_OPENER.test(first);
  let joined = "";
  for (let k = 0; k < 3 && index + k < lines.length; k++) {
    const line = (lines[index + k] ?? "").trim();
    if (line.length > MAX_HEADER_LINE || (k > 0 && line === "")) return false;
    joined = k === 0 ? line : `${joined} ${line}`;
    if (!joined.endsWith(":")) continue;
    if (opener && REPLY_ENDING.test(joined)) return true;
    if (german && joined.includes(" schrieb")) return true;
    // Thunderbird (de) "Jane Doe schrieb am 03.03.26 um 10:00:", and "<name> <email> wrote:".
    if (k === 0 && / schrieb am /.test(joined)) return true;
    if (k === 0 && joined.includes("@") && REPLY_ENDING.test(joined)) return true;
    if (!opener) return false;
  }
  return false;
}

/** Where an Outlook header block starts at `index` (a separator, or From: followed by Sent:). */
function outlookHeaderAt(lines: string[], index: number): boolean {
  const line = (lines[index] ?? "").trim();
  if (line.length > MAX_HEADER_LINE) return false;
  if (ORIGINAL_MESSAGE.test(line)) return true;
  if (UNDERSCORES.test(line)) {
    const next = (lines[index + 1] ?? "").trim();
    return OUTLOOK_FROM.test(next);
  }
  if (!OUTLOOK_FROM.test(line)) return false;
  for (let k = 1; k <= 4 && index + k < lines.length; k++) {
    const next = (lines[index + k] ?? "").trim();
    if (next.length > MAX_HEADER_LINE) return false;
    if (OUTLOOK_SENT.test(next)) return true;
  }
  return false;
}

const EMAIL = /[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/;

/** "Jane Doe <jane@acme.com>", "\"Doe, Jane\" <jane@acme.com>", "Jane [mailto:jane@acme.com]", "jane@acme.com". */
export function parseAddress(value: string): EmailAddress | null {
  const text = value.slice(0, MAX_HEADER_LINE);
  const match = EMAIL.exec(text);
  if (!match) return null;
  const email = match[0].replace(/\.$/, "").toLowerCase();
  const name = text
    .slice(0, match.index)
    .replace(/(?:mailto:|[<[(]|\s)+$/i, "")
    .replace(/^[\s"'*]+|[\s"'*]+$/g, "")
    .trim();
  return name && !name.includes("@") ? { name, email } : { email };
}

/** Reads the header lines after a forward marker; `next` is the first line of the forwarded body. */
function readForwardHeader(
  lines: string[],
  markerIndex: number,
  markerText: string,
  firstHeaderIndex = markerIndex + 1,
): { header: ForwardHeader; next: number; quotedBody: boolean } {
  const header: ForwardHeader = { marker: markerText };
  let index = firstHeaderIndex;
  let skipped = 0;
  while (index < lines.length && skipped < 2 && (lines[index] ?? "").trim() === "") {
    index++;
    skipped++;
  }
  const quotedBody = QUOTE_PREFIX.test(lines[index] ?? "");
  let read = 0;
  while (index < lines.length && read < 12) {
    const raw = lines[index] ?? "";
    const line = (quotedBody ? raw.replace(/^[ \t]*> ?/, "") : raw).trim();
    if (line === "" || line.length > MAX_HEADER_LINE) break;
    const match = HEADER_LINE.exec(line);
    if (!match) {
      // Outlook wraps long To:/Cc: lists; a wrapped line carries an address or a ";".
      if (read > 0 && /[@;]/.test(line) && !/[.!?]$/.test(line)) {
        index++;
        continue;
      }
      break;
    }
    const key = HEADER_KEYS[(match[1] as string).toLowerCase()] ?? "other";
    const value = (match[2] as string).trim();
    if (key === "from" && header.from === undefined && header.fromText === undefined) {
      const address = parseAddress(value);
      if (address) header.from = address;
      else header.fromText = value;
    } else if (key === "date" && header.date === undefined) header.date = value;
    else if (key === "subject" && header.subject === undefined) header.subject = value;
    read++;
    index++;
  }
  return { header, next: index, quotedBody };
}

/**
 * Splits a prepared body (see `prepareBody`) into new text, quoted history and forwards.
 * `subject` decides whether an Outlook header block is a forward (see the module comment).
 */
export function splitEmailBody(text: string, subject: string, depth = 0): EmailBodyParts {
  const lines = text.split("\n");
  const fresh: string[] = [];
  const quoted: string[] = [];
  const forwardSubject = isForwardSubject(subject);
  let sawQuote = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const trimmed = line.trim();
    const marker = trimmed.length <= MAX_HEADER_LINE && FORWARD_MARKER.test(trimmed);
    const outlook = !marker && outlookHeaderAt(lines, index);
    const outlookForward = outlook && forwardSubject && !sawQuote && depth < 3;
    if ((marker && depth < 3) || outlookForward) {
      let headerStart = index + 1;
      if (outlookForward && OUTLOOK_FROM.test(trimmed)) headerStart = index;
      const { header, next, quotedBody } = readForwardHeader(lines, index, trimmed, headerStart);
      const rest = lines.slice(next);
      const body = (quotedBody ? rest.map((part) => part.replace(/^[ \t]*> ?/, "")) : rest).join(
        "\n",
      );
      const inner = splitEmailBody(body, header.subject ?? "", depth + 1);
      return {
        newText: joinParts(fresh.join("\n"), inner.newText),
        quoted: joinParts(quoted.join("\n"), inner.quoted),
        forwards: [header, ...inner.forwards],
      };
    }
    if (outlook || isReplyHeader(lines, index)) {
      quoted.push(...lines.slice(index));
      break;
    }
    if (QUOTE_PREFIX.test(line)) {
      sawQuote = true;
      quoted.push(line);
      continue;
    }
    fresh.push(line);
  }
  return { newText: fresh.join("\n").trim(), quoted: quoted.join("\n").trim(), forwards: [] };
}

function joinParts(first: string, second: string): string {
  const a = first.trim();
  const b = second.trim();
  return a && b ? `${a}\n\n${b}` : a || b;
}

const SIGN_OFF =
  /^(?:best|best regards|kind regards|warm regards|warmly|regards|cheers|thanks|thank you|many thanks|thanks again|all the best|talk soon|sincerely|cordialement|bien cordialement|bien à vous|belle journée|merci|merci beaucoup|à bientôt|viele grüße|beste grüße|liebe grüße|mit freundlichen grüßen|freundliche grüße|lg|vg|saludos|un saludo|saludos cordiales|atentamente|gracias|un abrazo|muchas gracias)[ \t]*[,.!]*$/i;

/**
 * The signature of a message's new text: the lines after the last "-- " delimiter, or after the
 * last sign-off line ("Best,", "Cordialement,", "Viele Grüße", "Saludos,"), at most eight lines.
 */
export function signatureOf(newText: string): string[] {
  const lines = newText.split("\n");
  let start = -1;
  for (let index = lines.length - 1; index >= 0 && index >= lines.length - 40; index--) {
    const line = (lines[index] as string).trim();
    if (line === "--" || (lines[index] as string) === "-- " || SIGN_OFF.test(line)) {
      start = index + 1;
      break;
    }
  }
  if (start < 0) {
    // No sign-off: a short closing block ("Tom Becker / Head of Growth, Ledgerly") is the signature.
    const block: string[] = [];
    for (let index = lines.length - 1; index >= 0 && block.length <= 4; index--) {
      const line = (lines[index] as string).trim();
      if (line === "") {
        if (block.length > 0) break;
        continue;
      }
      block.unshift(line);
    }
    const closing =
      block.length >= 2 &&
      block.length <= 4 &&
      block.every((line) => line.length <= 60 && !/[.!?:]$/.test(line));
    return closing ? block : [];
  }
  return lines
    .slice(start)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .slice(0, 8);
}
