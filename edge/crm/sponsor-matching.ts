/**
 * Which sponsor an email comes from, for the Gmail capture:
 * 1. An agency writes for several brands, so its address or domain never names a sponsor by
 *    itself: a sender listed as an agency contact (or writing from the company domain of one)
 *    matches the sponsor named by the brand in the email (`brandHint`), or the capture asks.
 * 2. A known contact's full address names their sponsor.
 * 3. A free-mail address (gmail.com, outlook.com, … see free-mail.ts) names nobody else: two
 *    brands writing from Gmail are never merged by their domain.
 * 4. Otherwise the sender's company domain (or a parent of it: news.brand.com → brand.com)
 *    names the sponsor whose `domain` it is.
 * The sender's display name is never evidence: anyone can type any name.
 */
import { asc, inArray, isNull, or, sql } from "drizzle-orm";
import type { Sponsor } from "../../shared/crm";
import { sponsors } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { emailDomain, isFreeMailDomain } from "./free-mail";
import { type SponsorRow, sponsorView } from "./sponsors";

export interface EmailSender {
  email: string;
  /** The display name: kept by the caller for a new contact, never used to match. */
  name?: string;
  /** The brand the email names (the extractor's reading): how an agency's email is matched. */
  brandHint?: string;
}

/**
 * - `agency`: an agency wrote and no sponsor is named `brandHint` (or there is none): ask.
 * - `free-mail`: a free-mail address no sponsor lists as a contact.
 * - `unknown`: a company domain (or address) no sponsor has.
 */
export type SponsorMatchMiss = "agency" | "free-mail" | "unknown";

export type SponsorMatch =
  | { sponsor: Sponsor; matchedBy: "domain" | "address" | "agency-brand" }
  | { sponsor: null; reason: SponsorMatchMiss };

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** The domain and its parents with at least two labels: a.b.brand.com → …, brand.com. */
function domainAndParents(domain: string): string[] {
  const labels = domain.split(".");
  return labels.slice(0, -1).map((_, index) => labels.slice(index).join("."));
}

const normalName = (name: string) => name.normalize("NFC").trim().toLowerCase();

/**
 * A LIKE pattern that every name equal to `name` but for letter case matches (LIKE folds ASCII
 * only, so any other character is a one-character wildcard); the caller compares exactly after.
 */
function caseInsensitivePattern(name: string): string {
  let pattern = "";
  for (const char of name.normalize("NFC").trim()) {
    pattern += char.charCodeAt(0) < 0x80 ? escapeLike(char) : "_";
  }
  return pattern;
}

/** Finds the sponsor `sender` writes for; see the module comment for the rules. */
export async function findSponsorForEmail(
  ctx: WorkspaceContext,
  sender: EmailSender,
): Promise<SponsorMatch> {
  const address = sender.email.trim().toLowerCase();
  const domain = emailDomain(address);
  const freeMail = isFreeMailDomain(domain);
  const contacts = sql`json_each(${sponsors.contacts})`;
  const email = sql`json_extract(json_each.value, '$.email')`;
  const agency = sql`json_extract(json_each.value, '$.agency') = 1`;

  // Every sponsor the address, its agency's domain or its company domain could point to.
  const candidates = (await ctx.scope
    .select(
      sponsors,
      isNull(sponsors.deletedAt),
      or(
        sql`EXISTS (SELECT 1 FROM ${contacts} WHERE ${email} = ${address})`,
        freeMail
          ? undefined
          : sql`EXISTS (SELECT 1 FROM ${contacts} WHERE ${agency} AND ${email} LIKE ${`%@${escapeLike(domain)}`} ESCAPE '\\')`,
        freeMail ? undefined : inArray(sponsors.domain, domainAndParents(domain)),
      ),
    )
    .orderBy(asc(sponsors.createdAt), asc(sponsors.id))) as SponsorRow[];

  const listing = candidates.filter((row) => row.contacts.some((c) => c.email === address));
  const agencyClients = candidates.filter((row) =>
    row.contacts.some(
      (c) =>
        c.agency === true &&
        (c.email === address || (!freeMail && emailDomain(c.email) === domain)),
    ),
  );
  if (agencyClients.length > 0) {
    const brand = sender.brandHint
      ? await sponsorNamed(ctx, sender.brandHint, agencyClients)
      : undefined;
    return brand
      ? { sponsor: sponsorView(brand), matchedBy: "agency-brand" }
      : { sponsor: null, reason: "agency" };
  }

  const [contactOf] = listing;
  if (contactOf) return { sponsor: sponsorView(contactOf), matchedBy: "address" };
  if (freeMail) return { sponsor: null, reason: "free-mail" };

  // The most specific domain wins: news.brand.com over brand.com.
  const [byDomain] = candidates
    .filter((row) => row.domain && (row.domain === domain || domain.endsWith(`.${row.domain}`)))
    .sort((a, b) => (b.domain?.length ?? 0) - (a.domain?.length ?? 0));
  if (byDomain) return { sponsor: sponsorView(byDomain), matchedBy: "domain" };
  return { sponsor: null, reason: "unknown" };
}

/**
 * The live sponsor named `name`, ignoring letter case; of several, one that already lists the
 * agency (`preferred`), else the oldest.
 */
async function sponsorNamed(
  ctx: WorkspaceContext,
  name: string,
  preferred: readonly SponsorRow[],
): Promise<SponsorRow | undefined> {
  const wanted = normalName(name);
  if (!wanted) return undefined;
  const rows = (await ctx.scope
    .select(
      sponsors,
      isNull(sponsors.deletedAt),
      sql`${sponsors.name} LIKE ${caseInsensitivePattern(name)} ESCAPE '\\'`,
    )
    .orderBy(asc(sponsors.createdAt), asc(sponsors.id))) as SponsorRow[];
  const named = rows.filter((row) => normalName(row.name) === wanted);
  const preferredIds = new Set(preferred.map((row) => row.id));
  return named.find((row) => preferredIds.has(row.id)) ?? named[0];
}
