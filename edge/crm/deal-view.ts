/**
 * Deals and their activities between the stored row and the API's shape (shared/crm.ts): instants
 * are UTC milliseconds in D1 and ISO strings in answers; deliverables are stored as
 * `StoredDeliverable`; nested terms are merged field by field when a deal changes.
 */
import type { z } from "zod";
import type {
  Activity,
  createDealSchema,
  Deal,
  Deliverable,
  deliverableSchema,
  StageKind,
} from "../../shared/crm";
import type { dealActivities, deals, StoredDeliverable } from "../db/schema";
import { newId } from "../lib/ids";
import { isStale } from "./stale";

export type DealRow = typeof deals.$inferSelect;
export type ActivityRow = typeof dealActivities.$inferSelect;
export type DealInput = z.output<typeof createDealSchema>;
/** What a deal write may set: every field of the contract, each optional. */
export type DealFields = Partial<DealInput>;
type DeliverableInput = z.output<typeof deliverableSchema>;

/** A deal as the API answers it: the contract's fields, its last activity and whether it went quiet. */
export interface DealView extends Deal {
  lastActivityAt: string;
  stale: boolean;
}

/** The deal fields a person can set, each stored in the column of the same name. */
export const DEAL_FIELDS = [
  "sponsorId",
  "title",
  "stageId",
  "valueMinor",
  "currency",
  "probability",
  "paymentTermsDays",
  "poNumber",
  "usageRights",
  "exclusivity",
  "deliverables",
  "revisionRounds",
  "expectedCloseAt",
  "invoiceSentAt",
  "paidAt",
  "ownerId",
] as const satisfies readonly (keyof DealInput & keyof DealRow)[];
export type DealField = (typeof DEAL_FIELDS)[number];

export type DealColumns = { [K in DealField]?: DealRow[K] };

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const isoOf = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
const msOf = (text: string | null | undefined) => (text ? Date.parse(text) : null);
const dateOf = (text: string | null | undefined) => (text ? new Date(text) : null);

/** `given` when sent (null included), else what was stored, else `fallback`. */
const keep = <T>(given: T | undefined, stored: T | undefined, fallback: T): T =>
  given !== undefined ? given : stored !== undefined ? stored : fallback;

function deliverableView(stored: StoredDeliverable): Deliverable {
  return {
    id: stored.id,
    platform: stored.platform as Deliverable["platform"],
    kind: stored.kind,
    draftDueAt: isoOf(stored.draftDueAt),
    approvedAt: isoOf(stored.approvedAt),
    liveAt: isoOf(stored.liveAt),
    done: stored.done,
    contentId: stored.contentId,
  };
}

export function dealView(
  row: DealRow,
  stageKind: StageKind | null | undefined,
  now = Date.now(),
): DealView {
  const lastActivityAt = row.lastActivityAt ?? row.createdAt;
  return {
    id: row.id,
    sponsorId: row.sponsorId,
    title: row.title,
    // Every write sets the stage; the column is nullable only for D1's sake (schema/crm.ts).
    stageId: row.stageId ?? "",
    valueMinor: row.valueMinor,
    currency: row.currency,
    probability: row.probability,
    paymentTermsDays: row.paymentTermsDays,
    poNumber: row.poNumber,
    usageRights: {
      term: row.usageRights?.term ?? null,
      channels: row.usageRights?.channels ?? [],
      paidUsage: row.usageRights?.paidUsage ?? false,
    },
    exclusivity: {
      category: row.exclusivity?.category ?? null,
      until: isoOf(row.exclusivity?.until),
    },
    deliverables: row.deliverables.map(deliverableView),
    revisionRounds: row.revisionRounds,
    expectedCloseAt: iso(row.expectedCloseAt),
    invoiceSentAt: iso(row.invoiceSentAt),
    paidAt: iso(row.paidAt),
    ownerId: row.ownerId,
    source: row.source,
    sourceMessageId: row.sourceMessageId,
    sourceThreadId: row.sourceThreadId,
    sourceThreadUrl: row.sourceThreadUrl,
    fieldSources: row.fieldSources,
    lastActivityAt: lastActivityAt.toISOString(),
    stale: isStale(stageKind, lastActivityAt, now),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Deliverables as stored. One sent with the id of a deliverable the deal already has keeps it
 * (fields left out keep their stored values); any other gets a new `dlv_…` id, so a client can
 * never choose ids.
 */
function storedDeliverables(
  given: DeliverableInput[],
  existing: StoredDeliverable[],
): StoredDeliverable[] {
  const byId = new Map(existing.map((stored) => [stored.id, stored]));
  const used = new Set<string>();
  return given.map((deliverable) => {
    const previous =
      deliverable.id && !used.has(deliverable.id) ? byId.get(deliverable.id) : undefined;
    const id = previous?.id ?? newId("dlv");
    used.add(id);
    const time = (field: "draftDueAt" | "approvedAt" | "liveAt") =>
      deliverable[field] === undefined ? (previous?.[field] ?? null) : msOf(deliverable[field]);
    return {
      id,
      platform: deliverable.platform,
      kind: deliverable.kind,
      draftDueAt: time("draftDueAt"),
      approvedAt: time("approvedAt"),
      liveAt: time("liveAt"),
      done: keep(deliverable.done, previous?.done, false),
      contentId: keep(deliverable.contentId, previous?.contentId, null),
    };
  });
}

/**
 * The columns `fields` set, as stored (fields left out are absent). Against an `existing` row,
 * usage rights and exclusivity merge key by key and deliverables keep their ids (see above).
 */
export function dealColumns(fields: DealFields, existing?: DealRow): DealColumns {
  const columns: DealColumns = {};
  for (const field of DEAL_FIELDS) {
    const value = fields[field];
    if (value === undefined) continue;
    switch (field) {
      case "usageRights": {
        const given = fields.usageRights ?? {};
        const stored = existing?.usageRights ?? undefined;
        columns.usageRights = {
          term: keep(given.term, stored?.term, null),
          channels: keep(given.channels, stored?.channels, []),
          paidUsage: keep(given.paidUsage, stored?.paidUsage, false),
        };
        break;
      }
      case "exclusivity": {
        const given = fields.exclusivity ?? {};
        const stored = existing?.exclusivity ?? undefined;
        columns.exclusivity = {
          category: keep(given.category, stored?.category, null),
          until: given.until === undefined ? (stored?.until ?? null) : msOf(given.until),
        };
        break;
      }
      case "deliverables":
        columns.deliverables = storedDeliverables(
          fields.deliverables ?? [],
          existing?.deliverables ?? [],
        );
        break;
      case "expectedCloseAt":
      case "invoiceSentAt":
      case "paidAt":
        columns[field] = dateOf(fields[field]);
        break;
      default:
        (columns as Record<string, unknown>)[field] = value;
    }
  }
  return columns;
}

/** A value in a form that compares by content: object keys sorted, instants as milliseconds. */
function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, child]) => [key, canonical(child)]),
    );
  }
  return value ?? null;
}

export const sameValue = (a: unknown, b: unknown) =>
  JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** A stored value as the API shows it, for an activity's record of a correction. */
export function fieldValueView(field: DealField, row: DealColumns): unknown {
  const value = row[field];
  if (value instanceof Date) return value.toISOString();
  if (field === "deliverables") return (value as StoredDeliverable[]).map(deliverableView);
  if (field === "exclusivity" && value) {
    const exclusivity = value as NonNullable<DealRow["exclusivity"]>;
    return { category: exclusivity.category, until: isoOf(exclusivity.until) };
  }
  return value ?? null;
}

export function activityView(row: ActivityRow): Activity {
  return {
    id: row.id,
    dealId: row.dealId,
    kind: row.kind,
    body: row.body,
    metadata: row.metadata,
    actorId: row.actorId,
    createdAt: row.createdAt.toISOString(),
  };
}
