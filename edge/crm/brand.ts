/**
 * The brand behind a sponsor email, from what the email says and who sent it:
 * 1. An agency naming its client: "on behalf of our client Lumina", "pour le compte de Maison
 *    Verte", "im Auftrag von Kaffeewerk", "en nombre de Sol y Mar" (confidence 0.8).
 * 2. The brand named by the writer ("I'm Sarah from Northwind Audio", "Partnerships | Northwind
 *    Audio" in the signature) that matches the sender's domain (0.9); named without a matching
 *    domain (0.6).
 * 3. The sender's domain alone, when it is not a free-mail domain: "northwind.com" → "Northwind"
 *    (0.5). Free-mail domains (gmail.com, outlook.com, gmx.de, …) are the CRM's one list
 *    (`free-mail.ts`, the maintained email-providers list); a Gmail address says nothing
 *    about a brand.
 */
import { emailDomain, isFreeMailDomain } from "./free-mail";

/** Second-level labels under which companies register (example.co.uk, example.com.au). */
const PUBLIC_SECOND_LEVEL = new Set([
  "co",
  "com",
  "net",
  "org",
  "gov",
  "ac",
  "gob",
  "edu",
  "ne",
  "or",
]);

/** The company label of a domain: "mail.northwind.com" → "northwind", "acme.co.uk" → "acme". */
export function companyLabel(domain: string): string {
  const labels = domain.toLowerCase().split(".");
  if (labels.length >= 3 && PUBLIC_SECOND_LEVEL.has(labels[labels.length - 2] as string)) {
    return labels[labels.length - 3] as string;
  }
  return labels.length >= 2 ? (labels[labels.length - 2] as string) : (labels[0] as string);
}

/** The country-code top-level domain of an address, when it has one ("fr", "uk", "de"). */
export function countryOf(domain: string): string | null {
  const tld = domain.toLowerCase().split(".").pop() ?? "";
  return tld.length === 2 ? tld : null;
}

/** Lower-case letters and digits only, without company forms: "Northwind Audio Ltd." → "northwindaudio". */
export function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, "and")
    .replace(
      /\b(?:inc|ltd|llc|gmbh|ag|sas|sarl|sa|s\.?l|s\.?a|co|corp|limited|plc|bv|oy)\b\.?/g,
      "",
    )
    .normalize("NFD")
    .replace(/[^a-z0-9]/g, "");
}

/** Does a name written in the email belong to the sender's domain ("Northwind Audio" ~ northwindaudio.com)? */
export function nameMatchesDomain(name: string, domain: string): boolean {
  const label = companyLabel(domain).replace(/[^a-z0-9]/g, "");
  const normal = normaliseName(name);
  if (normal.length < 3 || label.length < 3) return false;
  return label === normal || label.includes(normal) || normal.includes(label);
}

/** A brand name: one to four capitalised words (letters, digits, &, ', -, .), e.g. "Sol y Mar". */
const NAME =
  "([A-Z0-9ÀÁÂÄÇÉÈÊËÍÎÏÑÓÔÖÚÛÜ][\\p{L}\\d&'’.+-]{0,30}(?:[ \\u00A0](?:(?:y|&|and|et|und|de|du|des|la|le|of)[ \\u00A0])?[A-Z0-9ÀÁÂÄÇÉÈÊËÍÎÏÑÓÔÖÚÛÜ][\\p{L}\\d&'’.+-]{0,30}){0,3})";

const CLIENT = new RegExp(
  `(?:[Oo]n behalf of (?:our client |my client |our partner )?|[Oo]ur client,? |[Pp]our le compte de (?:notre client )?|[Dd]e la part de (?:notre client )?|[Nn]otre client,? |[Ii]m Auftrag (?:von|unseres Kunden) |[Uu]nser(?:em)? Kunden? |[Ee]n nombre de (?:nuestro cliente )?|[Nn]uestro cliente,? )${NAME}`,
  "u",
);
const INTRO = new RegExp(
  `(?:\\b(?:I'm|I am|this is|my name is|we're|we are|here)\\b[^.!?\\n]{0,40}?\\b(?:from|at|with|of)|\\b(?:je suis|je m'appelle|ici)\\b[^.!?\\n]{0,40}?\\b(?:chez|de)|\\b(?:ich bin|mein Name ist|hier ist)\\b[^.!?\\n]{0,40}?\\b(?:von|bei)|\\b(?:soy|me llamo)\\b[^.!?\\n]{0,40}?\\b(?:de|en))[ \\u00A0]${NAME}`,
  "u",
);
/** A signature line that names a company after a title: "Partnerships | Northwind", "Head of Growth @ Lumina". */
const SIGNATURE_COMPANY = new RegExp(
  `(?:\\||@|·|–|—|,| at | chez | bei | en )[ \\u00A0]*${NAME}[ \\u00A0]*$`,
  "u",
);
const COMPANY_FORM =
  /,?[ \u00A0](?:Inc|Ltd|LLC|GmbH|AG|SAS|SARL|S\.L\.|S\.A\.|Corp|Limited|PLC|BV)\.?$/;
/** A sentence that starts (after a greeting) with a name and a verb: "Pasta Lab would like…", "yo Sam, Moss & Oak here." */
const LEAD = new RegExp(
  `^(?:(?:hi|hey|hello|yo|dear|bonjour|salut|hallo|hola)[ \\u00A0]\\p{L}+,[ \\u00A0])?${NAME}[ \\u00A0](?:would|will|is|are|has|have|wants|works|can|could|here|souhaite|aimerait|voudrait|propose|möchte|würde|bietet|quiere|quisiera|busca)(?![\\p{L}])`,
  "gmu",
);
const NOT_A_BRAND = new Set([
  "I",
  "We",
  "The",
  "Our",
  "My",
  "Your",
  "You",
  "Hi",
  "Hello",
  "Hey",
  "Team",
  "YouTube",
  "Instagram",
  "TikTok",
  "Gmail",
  "LinkedIn",
]);

export interface BrandGuess {
  value: string;
  confidence: number;
}

function cleanName(raw: string): string | null {
  // Trailing words that are not part of a name ("Lumina Labs and"), and company forms ("Ltd").
  const name = raw
    .replace(/[.,;:'’]+$/, "")
    .replace(/[ \u00A0](?:and|et|und|y|de|du|des|la|le|of|&)$/i, "")
    .replace(COMPANY_FORM, "")
    .replace(/[.,;:'’ \u00A0]+$/, "")
    .trim();
  if (name.length < 2 || NOT_A_BRAND.has(name) || NOT_A_BRAND.has(name.split(" ")[0] ?? ""))
    return null;
  return name;
}

/**
 * The brand from the text read for terms, its signature and the sender's address (the original
 * sender for a forward; null when a forward's sender could not be read).
 */
export function guessBrand(
  text: string,
  signature: string[],
  sender: { name?: string; email: string } | null,
): BrandGuess | null {
  const domain = sender ? emailDomain(sender.email) : null;
  const companyDomain = domain && !isFreeMailDomain(domain) ? domain : null;

  const client = CLIENT.exec(text);
  const clientName = client ? cleanName(client[1] as string) : null;
  if (clientName) return { value: clientName, confidence: 0.8 };

  const named: string[] = [];
  const intro = INTRO.exec(text.slice(0, 2_000));
  if (intro) named.push(intro[1] as string);
  for (const line of signature.slice(1)) {
    if (/https?:|www\.|@[\w-]+\.\w/.test(line)) continue;
    const company = SIGNATURE_COMPANY.exec(line);
    if (company) named.push(company[1] as string);
    else if (COMPANY_FORM.test(line) || (companyDomain && nameMatchesDomain(line, companyDomain))) {
      named.push(line);
    }
  }
  if (sender?.name) {
    const fromName = /(?:[|@·]| at | from | de | von )[ \u00A0]*(.+)$/.exec(sender.name);
    if (fromName) named.push(fromName[1] as string);
  }
  const names = named.map(cleanName).filter((name): name is string => name !== null);
  if (companyDomain) {
    // A name leading a sentence counts only when the sender's domain confirms it.
    const leads = [...text.slice(0, 5_000).matchAll(LEAD)].map((match) =>
      cleanName(match[1] as string),
    );
    const matching = [...names, ...leads].find(
      (name) => name !== null && nameMatchesDomain(name, companyDomain),
    );
    if (matching) return { value: matching, confidence: 0.9 };
  }
  if (names[0]) return { value: names[0], confidence: 0.6 };
  if (companyDomain) {
    // "lumen-lamps.com" → "Lumen Lamps": each part of the label capitalised.
    const label = companyLabel(companyDomain)
      .split("-")
      .filter((part) => part !== "")
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join(" ");
    return { value: label, confidence: 0.5 };
  }
  return null;
}
