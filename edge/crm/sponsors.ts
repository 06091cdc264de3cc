/**
 * Sponsors: the brands a creator works with, their contacts and their deals. Created by hand
 * or by the Gmail capture (matched first by sponsor-matching.ts), listed by name, deleted
 * softly (refused while they hold live deals) and restorable for 30 days, merged when one
 * brand was entered twice, and exported as CSV.
 */
import { asc, desc, eq, isNotNull, isNull, or, type SQL, sql } from "drizzle-orm";
import type { z } from "zod";
import type {
  createSponsorSchema,
  listSponsorsQuerySchema,
  Sponsor,
  SponsorContact,
  SponsorDealSummary,
  SponsorDetail,
  TotalsByCurrency,
  updateSponsorSchema,
} from "../../shared/crm";
import { MAX_SPONSOR_CONTACTS } from "../../shared/crm";
import { majorUnits } from "../../shared/currency";
import { type KeyedRequest, type WriteOutcome, withIdempotency } from "../db/idempotency";
import { deals, sponsors } from "../db/schema";
import { isUniqueViolation } from "../db/unique";
import type { WorkspaceContext } from "../db/workspace-context";
import { ApiError, notFound } from "../errors";
import { toCsv } from "../lib/csv";
import { base64url, fromBase64url } from "../lib/encoding";
import { newId } from "../lib/ids";
import { isFreeMailDomain } from "./free-mail";

/** How long a deleted sponsor can still be restored; housekeeping purges it after. */
export const SPONSOR_RESTORE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
/** The longest notes a person can write (shared/crm.ts); a merge keeps within it. */
const NOTES_MAX = 10_000;

export type SponsorRow = typeof sponsors.$inferSelect;
export type CreateSponsorValues = z.output<typeof createSponsorSchema>;
export type SponsorChanges = z.output<typeof updateSponsorSchema>;
export type ListSponsorsQuery = z.output<typeof listSponsorsQuerySchema>;

export function sponsorView(row: SponsorRow): Sponsor {
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    contacts: row.contacts,
    notes: row.notes,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * One entry per address (addresses are lower-cased by the schema), in the order given: a later
 * entry of the same address fills what the first left empty, and marks it an agency if either
 * does (an agency never identifies a sponsor by its domain, so the flag is never lost).
 */
export function mergeContacts(contacts: readonly SponsorContact[]): SponsorContact[] {
  const byEmail = new Map<string, SponsorContact>();
  for (const contact of contacts) {
    const email = contact.email.toLowerCase();
    const known = byEmail.get(email);
    const name = known?.name || contact.name || undefined;
    const role = known?.role || contact.role || undefined;
    byEmail.set(email, {
      ...(name ? { name } : {}),
      email,
      ...(role ? { role } : {}),
      agency: known?.agency === true || contact.agency === true,
    });
  }
  return [...byEmail.values()];
}

/** A sponsor's domain identifies its emails, so it may not be one anyone can sign up for. */
function checkDomain(domain: string | null | undefined) {
  if (domain && isFreeMailDomain(domain)) {
    const message = `${domain} is a free-mail domain: add the sender's address as a contact instead`;
    throw new ApiError(400, "VALIDATION_ERROR", `Invalid input — domain: ${message}`, [
      { path: "domain", message },
    ]);
  }
}

/** Turns the unique index `sponsors_domain` failing into a 409 naming the sponsor that has it. */
async function rethrowDomainTaken(
  ctx: WorkspaceContext,
  error: unknown,
  domain: string | null | undefined,
): Promise<never> {
  if (domain && isUniqueViolation(error, "sponsors.domain")) {
    const [holder] = await ctx.scope
      .select(sponsors, eq(sponsors.domain, domain), isNull(sponsors.deletedAt))
      .limit(1);
    const message = holder
      ? `${holder.name} already has the domain ${domain}`
      : `Another sponsor already has the domain ${domain}`;
    throw new ApiError(
      409,
      "CONFLICT",
      `${message}. Merge the two sponsors or use another domain.`,
      [{ path: "domain", message }],
      undefined,
      holder ? { sponsorId: holder.id } : undefined,
    );
  }
  throw error;
}

/** A live sponsor of this workspace. @throws ApiError 404 NOT_FOUND */
export async function requireSponsor(ctx: WorkspaceContext, id: string): Promise<SponsorRow> {
  const [row] = await ctx.scope
    .select(sponsors, eq(sponsors.id, id), isNull(sponsors.deletedAt))
    .limit(1);
  if (!row) throw notFound("Sponsor not found");
  return row as SponsorRow;
}

/**
 * Creates a sponsor; a retried `Idempotency-Key` answers the first result.
 * @throws ApiError 400 VALIDATION_ERROR (a free-mail domain), 409 CONFLICT (the domain is
 *   another sponsor's), 400 IDEMPOTENCY_KEY_REUSED
 */
export function createSponsor(
  ctx: WorkspaceContext,
  input: CreateSponsorValues,
  key?: string,
): Promise<WriteOutcome<Sponsor>> {
  checkDomain(input.domain);
  const { scope, db } = ctx;
  const request: KeyedRequest | undefined = key
    ? { key, method: "POST", path: "/api/sponsors", body: input }
    : undefined;
  return withIdempotency<Sponsor>(scope, request, async (remember) => {
    const now = new Date();
    const row: SponsorRow = {
      id: newId("spn"),
      workspaceId: scope.workspaceId,
      name: input.name,
      domain: input.domain ?? null,
      contacts: mergeContacts(input.contacts ?? []),
      notes: input.notes || null,
      deletedAt: null,
      createdBy: ctx.user?.id ?? null,
      createdAt: now,
      updatedAt: now,
    };
    const outcome = { status: 201 as const, data: sponsorView(row) };
    try {
      await db.batch([scope.insert(sponsors, row), ...remember(outcome)]);
    } catch (error) {
      return rethrowDomainTaken(ctx, error, row.domain);
    }
    return outcome;
  });
}

/**
 * Changes the fields given; `contacts` replaces the whole list, null clears domain or notes.
 * @throws ApiError 404 NOT_FOUND, 400 VALIDATION_ERROR (free-mail domain), 409 CONFLICT
 */
export async function updateSponsor(ctx: WorkspaceContext, id: string, changes: SponsorChanges) {
  checkDomain(changes.domain);
  let updated: SponsorRow | undefined;
  try {
    [updated] = (await ctx.scope
      .update(
        sponsors,
        {
          name: changes.name,
          domain: changes.domain,
          contacts: changes.contacts ? mergeContacts(changes.contacts) : undefined,
          notes: changes.notes === undefined ? undefined : changes.notes || null,
          updatedAt: new Date(),
        },
        eq(sponsors.id, id),
        isNull(sponsors.deletedAt),
      )
      .returning()) as SponsorRow[];
  } catch (error) {
    return rethrowDomainTaken(ctx, error, changes.domain);
  }
  if (!updated) throw notFound("Sponsor not found");
  return sponsorView(updated);
}

/** Count and sum per currency: amounts in different currencies are never added together. */
export function totalsByCurrency(
  list: readonly { currency: string; valueMinor: number | null }[],
): TotalsByCurrency {
  const totals: TotalsByCurrency = {};
  for (const deal of list) {
    const total = totals[deal.currency] ?? { count: 0, valueMinor: 0 };
    total.count += 1;
    total.valueMinor += deal.valueMinor ?? 0;
    totals[deal.currency] = total;
  }
  return totals;
}

async function detailOf(ctx: WorkspaceContext, row: SponsorRow): Promise<SponsorDetail> {
  const rows = (await ctx.scope
    .select(deals, eq(deals.sponsorId, row.id), isNull(deals.deletedAt))
    .orderBy(desc(deals.updatedAt), desc(deals.id))) as (typeof deals.$inferSelect)[];
  const summaries: SponsorDealSummary[] = rows.map((deal) => ({
    id: deal.id,
    title: deal.title,
    stageId: deal.stageId,
    valueMinor: deal.valueMinor,
    currency: deal.currency,
  }));
  return { ...sponsorView(row), deals: summaries, totals: totalsByCurrency(summaries) };
}

/** The sponsor, its live deals (latest change first) and their totals per currency. */
export async function sponsorDetail(ctx: WorkspaceContext, id: string): Promise<SponsorDetail> {
  return detailOf(ctx, await requireSponsor(ctx, id));
}

/** `(name, id)` of the last row: sponsors page by name, so the cursor carries the name. */
interface NameCursor {
  name: string;
  id: string;
}

function encodeNameCursor(cursor: NameCursor): string {
  // Ids never hold "|" (edge/lib/ids.ts), names may: the id goes first.
  return base64url(new TextEncoder().encode(`${cursor.id}|${cursor.name}`));
}

function decodeNameCursor(text: string | undefined): NameCursor | undefined {
  if (!text) return undefined;
  try {
    const decoded = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      fromBase64url(text),
    );
    const split = decoded.indexOf("|");
    const id = decoded.slice(0, split);
    const name = decoded.slice(split + 1);
    if (split > 0 && id.length <= 64 && name.length > 0) return { name, id };
  } catch {
    // fall through to the error below
  }
  throw new ApiError(400, "VALIDATION_ERROR", "The page cursor is not valid", [
    { path: "cursor", message: "Use the nextCursor value from the previous page" },
  ]);
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** Some contact of the sponsor has an address like `pattern` (LIKE, escaped with `\`). */
const contactEmailLike = (pattern: string) =>
  sql`EXISTS (SELECT 1 FROM json_each(${sponsors.contacts}) WHERE json_extract(json_each.value, '$.email') LIKE ${pattern} ESCAPE '\\')`;

/**
 * One page of live sponsors by name, then id (the `sponsors_name` index). `q` finds a part of
 * the name, the domain or a contact's address. The keyset cursor is the last row's (name, id),
 * so sponsors added or removed while a client pages cause neither repeats nor gaps.
 */
export async function listSponsors(ctx: WorkspaceContext, query: ListSponsorsQuery) {
  const cursor = decodeNameCursor(query.cursor);
  const term = query.q ? `%${escapeLike(query.q)}%` : undefined;
  const conditions: (SQL | undefined)[] = [
    isNull(sponsors.deletedAt),
    term
      ? or(
          sql`${sponsors.name} LIKE ${term} ESCAPE '\\'`,
          sql`${sponsors.domain} LIKE ${term} ESCAPE '\\'`,
          contactEmailLike(term),
        )
      : undefined,
    // A row value, which SQLite turns into a range seek on the index.
    cursor ? sql`(${sponsors.name}, ${sponsors.id}) > (${cursor.name}, ${cursor.id})` : undefined,
  ];
  const rows = (await ctx.scope
    .select(sponsors, ...conditions)
    .orderBy(asc(sponsors.name), asc(sponsors.id))
    .limit(query.limit + 1)) as SponsorRow[];
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last ? encodeNameCursor({ name: last.name, id: last.id }) : null;
  return { items: page.map(sponsorView), nextCursor };
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/**
 * Soft delete, restorable for 30 days; refused while the sponsor has live deals (the check and
 * the delete are one conditional statement, so a deal added meanwhile still blocks it).
 * @throws ApiError 404 NOT_FOUND, 409 CONFLICT (it has deals; `details.deals` says how many)
 */
export async function deleteSponsor(ctx: WorkspaceContext, id: string) {
  const { scope } = ctx;
  const sponsor = await requireSponsor(ctx, id);
  const liveDeals = [eq(deals.sponsorId, sponsor.id), isNull(deals.deletedAt)];
  const deletedAt = new Date();
  const [deleted] = await scope
    .update(
      sponsors,
      { deletedAt, updatedAt: deletedAt },
      eq(sponsors.id, sponsor.id),
      isNull(sponsors.deletedAt),
      sql`${scope.count(deals, ...liveDeals)} = 0`,
    )
    .returning({ id: sponsors.id });
  if (!deleted) {
    const [counted] = await scope.db
      .select({ count: sql<number>`count(*)` })
      .from(deals)
      .where(scope.where(deals, ...liveDeals));
    const count = Number(counted?.count ?? 0);
    // No deals: it was deleted by someone else in the meantime.
    if (count === 0) throw notFound("Sponsor not found");
    throw new ApiError(
      409,
      "CONFLICT",
      `${sponsor.name} has ${plural(count, "deal")}. Move or delete its ${plural(count, "deal")} first.`,
      undefined,
      undefined,
      { deals: count },
    );
  }
  return {
    id: sponsor.id,
    deletedAt: deletedAt.toISOString(),
    restoreUntil: new Date(deletedAt.getTime() + SPONSOR_RESTORE_WINDOW_MS).toISOString(),
  };
}

/**
 * Undoes a delete within 30 days.
 * @throws ApiError 404 NOT_FOUND, 400 RESTORE_WINDOW_PASSED, 409 CONFLICT (another sponsor took
 *   its domain since)
 */
export async function restoreSponsor(ctx: WorkspaceContext, id: string) {
  const { scope } = ctx;
  const [deleted] = (await scope
    .select(sponsors, eq(sponsors.id, id), isNotNull(sponsors.deletedAt))
    .limit(1)) as SponsorRow[];
  if (!deleted?.deletedAt) throw notFound("No deleted sponsor with this id");
  if (Date.now() - deleted.deletedAt.getTime() > SPONSOR_RESTORE_WINDOW_MS) {
    throw new ApiError(
      400,
      "RESTORE_WINDOW_PASSED",
      "Deleted sponsors can be restored for 30 days",
    );
  }
  let restored: SponsorRow | undefined;
  try {
    [restored] = (await scope
      .update(
        sponsors,
        { deletedAt: null, updatedAt: new Date() },
        eq(sponsors.id, id),
        isNotNull(sponsors.deletedAt),
      )
      .returning()) as SponsorRow[];
  } catch (error) {
    return rethrowDomainTaken(ctx, error, deleted.domain);
  }
  if (!restored) throw notFound("No deleted sponsor with this id");
  return sponsorView(restored);
}

/** Both notes, the target's first, within the notes limit (never splitting a character). */
function mergeNotes(target: string | null, source: string | null): string | null {
  if (!source || source === target) return target;
  if (!target) return source;
  const joined = `${target}\n\n${source}`;
  return joined.length <= NOTES_MAX ? joined : Array.from(joined).slice(0, NOTES_MAX).join("");
}

/**
 * Merges sponsor `sourceId` into `targetId`: every deal of the source (deleted ones too, so a
 * restored deal comes back to the right sponsor) and its contacts move to the target, contacts
 * de-duplicated by address; the target keeps its name and domain (taking the source's domain
 * when it has none) and both notes; the source is deleted (restorable like any delete). One
 * batch, so a merge never half-happens.
 * @returns the target's detail, as `GET /api/sponsors/:id` answers it.
 * @throws ApiError 400 VALIDATION_ERROR (merging a sponsor into itself), 404 NOT_FOUND
 */
export async function mergeSponsors(
  ctx: WorkspaceContext,
  targetId: string,
  sourceId: string,
): Promise<SponsorDetail> {
  if (targetId === sourceId) {
    const message = "Name another sponsor: a sponsor cannot be merged into itself";
    throw new ApiError(400, "VALIDATION_ERROR", `Invalid input — sourceId: ${message}`, [
      { path: "sourceId", message },
    ]);
  }
  const { scope, db } = ctx;
  const target = await requireSponsor(ctx, targetId);
  const [source] = (await scope
    .select(sponsors, eq(sponsors.id, sourceId), isNull(sponsors.deletedAt))
    .limit(1)) as SponsorRow[];
  if (!source) throw notFound("The sponsor to merge was not found");
  const contacts = mergeContacts([...target.contacts, ...source.contacts]);
  if (contacts.length > MAX_SPONSOR_CONTACTS) {
    const message = `Together they have ${contacts.length} contacts; a sponsor keeps at most ${MAX_SPONSOR_CONTACTS}. Remove some first.`;
    throw new ApiError(400, "VALIDATION_ERROR", `Invalid input — sourceId: ${message}`, [
      { path: "sourceId", message },
    ]);
  }
  const now = new Date();
  const domain = target.domain ?? source.domain;
  let merged: SponsorRow | undefined;
  try {
    // Every statement re-checks, inside the one transaction, that both sponsors are still live
    // (and the last that this call deleted the source): of two merges racing in opposite
    // directions, the second changes nothing and answers 404.
    const live = (id: string) =>
      sql`${scope.count(sponsors, eq(sponsors.id, id), isNull(sponsors.deletedAt))} = 1`;
    const [, , rows] = await db.batch([
      scope.update(
        deals,
        { sponsorId: target.id, updatedAt: now },
        eq(deals.sponsorId, source.id),
        live(source.id),
        live(target.id),
      ),
      // Deleted before the target takes its domain: the unique index counts live sponsors only.
      scope.update(
        sponsors,
        { deletedAt: now, updatedAt: now },
        eq(sponsors.id, source.id),
        isNull(sponsors.deletedAt),
        live(target.id),
      ),
      scope
        .update(
          sponsors,
          {
            domain,
            contacts,
            notes: mergeNotes(target.notes, source.notes),
            updatedAt: now,
          },
          eq(sponsors.id, target.id),
          isNull(sponsors.deletedAt),
          sql`${scope.count(sponsors, eq(sponsors.id, source.id), eq(sponsors.deletedAt, now))} = 1`,
        )
        .returning(),
    ]);
    [merged] = rows as SponsorRow[];
  } catch (error) {
    return rethrowDomainTaken(ctx, error, domain);
  }
  if (!merged) throw notFound("Sponsor not found");
  return detailOf(ctx, merged);
}

/**
 * Every live sponsor as CSV (through the one CSV writer, so hostile cells are neutralised):
 * name, domain, contacts' addresses, notes, the number of live deals, then one `total_XXX`
 * column per currency in use, in major units (numbers stay numbers: −250 is `-250`).
 */
export async function exportSponsorsCsv(ctx: WorkspaceContext): Promise<string> {
  const { scope } = ctx;
  const rows = (await scope
    .select(sponsors, isNull(sponsors.deletedAt))
    .orderBy(asc(sponsors.name), asc(sponsors.id))) as SponsorRow[];
  const sums = await scope.db
    .select({
      sponsorId: deals.sponsorId,
      currency: deals.currency,
      count: sql<number>`count(*)`,
      valueMinor: sql<number>`coalesce(sum(${deals.valueMinor}), 0)`,
    })
    .from(deals)
    .where(scope.where(deals, isNull(deals.deletedAt), isNotNull(deals.sponsorId)))
    .groupBy(deals.sponsorId, deals.currency);

  const bySponsor = new Map<string, TotalsByCurrency>();
  for (const sum of sums) {
    if (!sum.sponsorId) continue;
    const totals = bySponsor.get(sum.sponsorId) ?? {};
    totals[sum.currency] = { count: Number(sum.count), valueMinor: Number(sum.valueMinor) };
    bySponsor.set(sum.sponsorId, totals);
  }
  const currencies = [...new Set(sums.map((sum) => sum.currency))].sort();
  const header = [
    "name",
    "domain",
    "contact_emails",
    "notes",
    "deals",
    ...currencies.map((currency) => `total_${currency}`),
  ];
  const lines = rows.map((row) => {
    const totals = bySponsor.get(row.id) ?? {};
    const count = Object.values(totals).reduce((all, total) => all + total.count, 0);
    return [
      row.name,
      row.domain,
      row.contacts.map((contact) => contact.email).join("; "),
      row.notes,
      count,
      ...currencies.map((currency) => {
        const total = totals[currency];
        return total ? majorUnits(total.valueMinor, currency) : null;
      }),
    ];
  });
  return toCsv(header, lines);
}
