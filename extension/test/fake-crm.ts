import type { Stage } from "../../shared/crm";
import type { ErrorView } from "../lib/errors";
import {
  type Asked,
  type DataOf,
  type DealDetail,
  type FollowupItem,
  messaging,
  type Pipeline,
  type SessionView,
  type ValueOf,
} from "../lib/protocol";
import { routeMessages } from "./fake-messaging";

/**
 * A stand-in for the background (and the API behind it) answering the side panel's deal and
 * follow-up messages from memory, with the API's rules where the views depend on them: a changed
 * deal field becomes the person's (`fieldSources`), a correction of a read field and a stage
 * change are recorded on the timeline, deliverables keep the ids sent, follow-ups are listed
 * soonest first with `dueAfter` inclusive and `dueBefore` exclusive. Every message is recorded.
 */

const workspace = { id: "ws_1", name: "Studio", plan: "free", role: "owner", createdAt: "" };
export const signedIn: SessionView = {
  apiOrigin: "http://localhost:8787",
  user: { id: "usr_1", email: "maya@example.com", name: "Maya" },
  workspaces: [workspace] as unknown as SessionView["workspaces"],
  workspaceId: "ws_1",
  offline: false,
};

export const STAGES: Stage[] = [
  { id: "stg_lead", name: "Lead", kind: "open", position: 0 },
  { id: "stg_neg", name: "Negotiating", kind: "open", position: 1 },
  { id: "stg_con", name: "Contracted", kind: "won", position: 2 },
  { id: "stg_paid", name: "Paid", kind: "paid", position: 3 },
  { id: "stg_lost", name: "Lost", kind: "lost", position: 4 },
];

export function dealOf(id: string, title: string, extra: Partial<DealDetail> = {}): DealDetail {
  return {
    id,
    sponsorId: null,
    title,
    stageId: "stg_neg",
    valueMinor: null,
    currency: "USD",
    probability: null,
    paymentTermsDays: null,
    poNumber: null,
    usageRights: { term: null, channels: [], paidUsage: false },
    exclusivity: { category: null, until: null },
    deliverables: [],
    revisionRounds: null,
    expectedCloseAt: null,
    invoiceSentAt: null,
    paidAt: null,
    ownerId: "usr_1",
    source: "manual",
    sourceMessageId: null,
    sourceThreadId: null,
    fieldSources: {},
    lastActivityAt: "2026-11-01T10:00:00.000Z",
    stale: false,
    createdAt: "2026-11-01T10:00:00.000Z",
    updatedAt: "2026-11-01T10:00:00.000Z",
    ...extra,
  } as DealDetail;
}

export function followupOf(
  id: string,
  dueAt: string,
  extra: Partial<FollowupItem> = {},
): FollowupItem {
  return {
    id,
    dealId: "deal_acme",
    to: { name: "Anna Park", email: "anna@acme.com" },
    subject: `Following up (${id})`,
    body: "Hi Anna,\n\nJust checking in on the launch video.\n\nMaya",
    dueAt,
    status: "pending",
    assigneeId: "usr_1",
    threadId: null,
    createdAt: "2026-11-01T10:00:00.000Z",
    sentAt: null,
    updatedAt: "2026-11-01T10:00:00.000Z",
    ...extra,
  } as FollowupItem;
}

export const emptyPipeline = (): Pipeline =>
  ({
    stages: STAGES.map((stage) => ({
      stageId: stage.id,
      name: stage.name,
      kind: stage.kind,
      position: stage.position,
      count: 0,
      staleCount: 0,
      totals: {},
    })),
    booked: {},
    invoiced: {},
    paid: {},
    overdue: {},
    staleAfterDays: { open: 14, won: 7 },
    asOf: "2026-11-10T12:00:00.000Z",
  }) as unknown as Pipeline;

/** A deal activity as the API answers it. */
export type Activity = ValueOf<"dealActivities">["items"][number];

export interface Call {
  type: Asked;
  data: unknown;
}

export interface FakeCrm {
  deals: DealDetail[];
  activities: Record<string, Activity[]>;
  followups: FollowupItem[];
  pipeline: Pipeline;
  calls: Call[];
  /** Messages answered with this error instead. */
  failures: Partial<Record<Asked, ErrorView>>;
  /** Refuses one particular message (by what it asks) with an error. */
  refuse?(type: Asked, data: unknown): ErrorView | undefined;
  /** Messages whose answer waits until the promise settles (to see loading states). */
  gates: Partial<Record<Asked, Promise<unknown>>>;
  callsOf<K extends Asked>(type: K): DataOf<K>[];
}

const notFound: ErrorView = { code: "NOT_FOUND", message: "Deal not found", status: 404 };

let sequence = 0;
const nextId = (prefix: string) => `${prefix}_fake${++sequence}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Registers the stand-in background; call after fakeBrowser.reset(). */
export function serveCrm(initial: Partial<FakeCrm> = {}): FakeCrm {
  routeMessages();
  const crm: FakeCrm = {
    deals: [],
    activities: {},
    followups: [],
    pipeline: emptyPipeline(),
    calls: [],
    failures: {},
    gates: {},
    ...initial,
    callsOf(type) {
      return crm.calls.filter((call) => call.type === type).map((call) => call.data as never);
    },
  };

  function answer<K extends Asked>(type: K, compute: (data: DataOf<K>) => ValueOf<K> | ErrorView) {
    messaging.onMessage(type, (async ({ data }: { data: DataOf<K> }) => {
      crm.calls.push({ type, data });
      await crm.gates[type];
      const failure = crm.failures[type] ?? crm.refuse?.(type, data);
      if (failure) return { ok: false, error: failure };
      const value = compute(data);
      if (value && typeof value === "object" && "code" in value && "status" in value) {
        return { ok: false, error: value };
      }
      return { ok: true, value };
    }) as never);
  }

  const record = (
    dealId: string,
    kind: Activity["kind"],
    body: string,
    metadata: Record<string, string> = {},
  ) => {
    const activity: Activity = {
      id: nextId("act"),
      dealId,
      kind,
      body,
      metadata,
      actorId: "usr_1",
      createdAt: new Date(Date.parse("2026-11-10T12:00:00.000Z") + sequence * 1000).toISOString(),
    };
    crm.activities[dealId] = [activity, ...(crm.activities[dealId] ?? [])];
    return activity;
  };

  answer("session", () => signedIn);
  answer("usage", () => ({ code: "OFFLINE", message: "unreachable", status: 0 }));
  answer("listContent", () => ({ items: [], nextCursor: null }));
  answer("stages", () => STAGES);
  answer("pipeline", () => crm.pipeline);

  answer("listDeals", (query) => {
    const matching = crm.deals.filter((deal) => !query.stageId || deal.stageId === query.stageId);
    const start = query.cursor ? Number(query.cursor) : 0;
    const limit = Number(query.limit ?? 50);
    const items = matching.slice(start, start + limit);
    const nextCursor = start + limit < matching.length ? String(start + limit) : null;
    return { items, nextCursor };
  });

  answer("getDeal", (dealId) => crm.deals.find((deal) => deal.id === dealId) ?? notFound);

  answer("updateDeal", ({ dealId, changes }) => {
    const deal = crm.deals.find((candidate) => candidate.id === dealId);
    if (!deal) return notFound;
    const next = { ...deal, fieldSources: { ...deal.fieldSources } } as DealDetail;
    for (const [field, value] of Object.entries(changes)) {
      let stored = value;
      if (field === "deliverables") {
        // The API keeps a deliverable's id when it is sent with one (a new one would get a new id).
        stored = (value as DealDetail["deliverables"]).map((d) => ({
          ...d,
          id: d.id ?? nextId("dlv"),
        }));
      }
      if (same(stored, deal[field as keyof DealDetail])) continue;
      const previous = deal.fieldSources[field];
      if (field === "stageId") {
        const from = STAGES.find((s) => s.id === deal.stageId);
        const to = STAGES.find((s) => s.id === value);
        record(dealId, "stage_change", `${from?.name} → ${to?.name}`);
        if (to && (to.kind === "paid" || to.kind === "lost")) {
          crm.followups = crm.followups.map((f) =>
            f.dealId === dealId && f.status === "pending" ? { ...f, status: "cancelled" } : f,
          );
        }
      } else if (previous && previous.source !== "person") {
        record(dealId, "field_corrected", `Corrected ${field}`, {
          field,
          previousSource: previous.source,
        });
      }
      (next as Record<string, unknown>)[field] = stored;
      next.fieldSources[field] = { source: "person", confidence: 1 };
    }
    crm.deals = crm.deals.map((candidate) => (candidate.id === dealId ? next : candidate));
    return next;
  });

  answer("dealActivities", (dealId) => ({
    items: crm.activities[dealId] ?? [],
    nextCursor: null,
  }));

  answer("addDealNote", ({ dealId, body }) => record(dealId, "note", body));

  answer("draftFollowup", (dealId) => {
    const followup = followupOf(nextId("fu"), "2026-11-13T17:00:00.000Z", {
      dealId,
      subject: "Checking in on the launch video",
    });
    crm.followups.push(followup);
    record(dealId, "followup_created", `Follow-up drafted: ${followup.subject}`);
    return {
      followup,
      provider: "offline",
      model: "template",
      cached: false,
      credits: 0,
      warnings: ["Check the date before sending."],
    } as ValueOf<"draftFollowup">;
  });

  answer("listFollowups", (query) => {
    const statuses = query.status ? String(query.status).split(",") : null;
    const after = query.dueAfter ? Date.parse(String(query.dueAfter)) : -Infinity;
    const before = query.dueBefore ? Date.parse(String(query.dueBefore)) : Infinity;
    const items = crm.followups
      .filter(
        (f) =>
          (!statuses || statuses.includes(f.status)) &&
          (!query.dealId || f.dealId === query.dealId) &&
          Date.parse(f.dueAt) >= after &&
          Date.parse(f.dueAt) < before,
      )
      .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.id.localeCompare(b.id));
    const start = query.cursor ? Number(query.cursor) : 0;
    const limit = Number(query.limit ?? 50);
    const nextCursor = start + limit < items.length ? String(start + limit) : null;
    return { items: items.slice(start, start + limit), nextCursor };
  });

  answer("updateFollowup", ({ followupId, changes }) => {
    const followup = crm.followups.find((f) => f.id === followupId);
    if (!followup) return { code: "NOT_FOUND", message: "Follow-up not found", status: 404 };
    const next = {
      ...followup,
      ...(changes.dueAt ? { dueAt: changes.dueAt } : {}),
      ...(changes.status
        ? {
            status: changes.status,
            sentAt: changes.status === "sent" ? "2026-11-10T22:31:00.000Z" : null,
          }
        : {}),
    } as FollowupItem;
    crm.followups = crm.followups.map((f) => (f.id === followupId ? next : f));
    return next;
  });

  return crm;
}

/** A promise and the function that settles it, to hold an answer back. */
export function gate() {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
