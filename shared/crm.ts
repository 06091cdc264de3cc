/**
 * The sponsorship CRM's contracts: sponsors, the per-workspace deal pipeline (stages), deals with
 * their terms and deliverables, and deal activities. Money is an integer in the currency's minor
 * units (ISO 4217: cents for USD, none for JPY) with its ISO 4217 code; instants are ISO 8601,
 * answered in UTC. The Gmail capture and the reminder jobs are built on these shapes.
 */
import { z } from "zod";
import { emailSchema } from "./auth";
import { calendarBoundSchema, isoTimeSchema } from "./content";
import { idSchema } from "./ids";
import { PAGE_LIMIT_MAX } from "./limits";
import { PLATFORM_IDS } from "./platform-ids";
import { cleanText } from "./text";

/** Text a person writes, cleaned first (shared/text.ts), then trimmed and measured. */
const clean = (schema: z.ZodString) => z.string().transform(cleanText).pipe(schema);

/**
 * Text that becomes an email header (a subject, a display name): cleaned, with line breaks and
 * other control whitespace turned into spaces, so no value can add a header (CRLF injection).
 */
const oneLine = (schema: z.ZodString) =>
  z
    .string()
    .transform((text) => cleanText(text).replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, " "))
    .pipe(schema);

/** A mailbox: `{ name?, email }`. */
const emailAddressSchema = z.object({
  name: oneLine(z.string().trim().max(200)).optional(),
  email: emailSchema,
});

// ─── Stages ──────────────────────────────────────────────────────────────────

/**
 * What a stage means, whatever the workspace calls it: totals, follow-ups and reminders key on
 * the kind, never on a stage's name. `won` covers contracted work not yet paid.
 */
export const STAGE_KINDS = ["open", "won", "paid", "lost"] as const;
export const stageKindSchema = z.enum(STAGE_KINDS);
export type StageKind = z.infer<typeof stageKindSchema>;

/** Kinds of a closed deal: it needs no more follow-ups, and entering one cancels the pending ones. */
export const CLOSED_STAGE_KINDS: ReadonlySet<StageKind> = new Set(["paid", "lost"]);

/** The pipeline every new workspace starts with, in order. */
export const DEFAULT_STAGES: readonly { name: string; kind: StageKind }[] = [
  { name: "Lead", kind: "open" },
  { name: "Contacted", kind: "open" },
  { name: "Negotiating", kind: "open" },
  { name: "Contracted", kind: "won" },
  { name: "Delivering", kind: "won" },
  { name: "Delivered", kind: "won" },
  { name: "Invoiced", kind: "won" },
  { name: "Paid", kind: "paid" },
  { name: "Lost", kind: "lost" },
];

export const MAX_STAGES = 30;

export interface Stage {
  id: string;
  name: string;
  kind: StageKind;
  /** 0-based order in the pipeline. */
  position: number;
}

/**
 * `PUT /api/deals/stages`: the whole ordered list. A stage with an `id` is kept (renamed or
 * moved), one without is added, and a stage of the workspace missing from the list is removed
 * (refused while it holds deals). Each kind must keep at least one stage.
 */
export const putStagesSchema = z.object({
  stages: z
    .array(
      z.object({
        id: idSchema.optional(),
        name: clean(z.string().trim().min(1).max(40)),
        kind: stageKindSchema,
      }),
    )
    .min(STAGE_KINDS.length)
    .max(MAX_STAGES),
});

// ─── Money ───────────────────────────────────────────────────────────────────

/** An ISO 4217 alphabetic code the runtime knows (`Intl.supportedValuesOf("currency")`). */
export const currencySchema = z
  .string()
  .trim()
  .transform((code) => code.toUpperCase())
  .pipe(
    z
      .string()
      .regex(/^[A-Z]{3}$/, "Use an ISO 4217 code such as USD or EUR")
      .refine((code) => KNOWN_CURRENCIES.has(code), "Not an ISO 4217 currency code"),
  );
const KNOWN_CURRENCIES = new Set<string>(Intl.supportedValuesOf("currency"));

/** An amount in minor units: a deal of $2,500.00 is 250000. Negative values are credits. */
export const minorUnitsSchema = z
  .number()
  .int("Use whole minor units (cents)")
  .min(-1_000_000_000_000)
  .max(1_000_000_000_000);

// ─── Sponsors ────────────────────────────────────────────────────────────────

/** A sponsor keeps at most this many contacts (a merge that would exceed it is refused). */
export const MAX_SPONSOR_CONTACTS = 50;

export const sponsorContactSchema = z.object({
  name: clean(z.string().trim().max(100)).optional(),
  email: emailSchema,
  role: clean(z.string().trim().max(100)).optional(),
  /** An agency contact writes for several brands: its domain never identifies the sponsor. */
  agency: z.boolean().optional(),
});
export type SponsorContact = z.infer<typeof sponsorContactSchema>;

/** A company domain (`brand.com`), lower-cased; free-mail domains are refused (use contacts). */
export const sponsorDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, "Not a domain name");

export const createSponsorSchema = z.object({
  name: clean(z.string().trim().min(1).max(200)),
  domain: sponsorDomainSchema.nullable().optional(),
  contacts: z.array(sponsorContactSchema).max(MAX_SPONSOR_CONTACTS).optional(),
  notes: clean(z.string().max(10_000)).nullable().optional(),
});
export type CreateSponsorInput = z.input<typeof createSponsorSchema>;

export const updateSponsorSchema = createSponsorSchema
  .partial()
  .refine((v) => Object.values(v).some((field) => field !== undefined), {
    message: "Send at least one field to change",
  });

/** `POST /api/sponsors/:id/merge`: the deals and contacts of `sourceId` move to `:id`. */
export const mergeSponsorsSchema = z.object({ sourceId: idSchema });

export const listSponsorsQuerySchema = z.object({
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(50),
  /** Longer than other lists' cursors: it carries the last name (up to 200 characters). */
  cursor: z.string().max(1000).optional(),
});

export interface Sponsor {
  id: string;
  name: string;
  domain: string | null;
  contacts: SponsorContact[];
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Money per currency: never summed across currencies. */
export type TotalsByCurrency = Record<string, { count: number; valueMinor: number }>;

/** A live deal of a sponsor, as `GET /api/sponsors/:id` lists it. */
export interface SponsorDealSummary {
  id: string;
  title: string;
  stageId: string | null;
  valueMinor: number | null;
  currency: string;
}

/** `GET /api/sponsors/:id` (and the answer of a merge): the sponsor, its live deals and totals. */
export interface SponsorDetail extends Sponsor {
  deals: SponsorDealSummary[];
  totals: TotalsByCurrency;
}

// ─── Deals ───────────────────────────────────────────────────────────────────

/** Where a deliverable goes live: the repurposing platforms plus the ones sponsors also buy. */
export const DELIVERABLE_PLATFORMS = [
  ...PLATFORM_IDS,
  "podcast",
  "twitch",
  "blog",
  "other",
] as const;
export const deliverablePlatformSchema = z.enum(DELIVERABLE_PLATFORMS);

export const deliverableSchema = z.object({
  /** Kept when editing a deliverable; the server gives new ones an id. */
  id: idSchema.optional(),
  platform: deliverablePlatformSchema,
  /** What is delivered, in the sponsor's words: "60-second integrated read". */
  kind: clean(z.string().trim().min(1).max(200)),
  draftDueAt: isoTimeSchema.nullable().optional(),
  approvedAt: isoTimeSchema.nullable().optional(),
  liveAt: isoTimeSchema.nullable().optional(),
  done: z.boolean().optional(),
  /** The content item that delivers it, once planned. */
  contentId: idSchema.nullable().optional(),
});

export const usageRightsSchema = z.object({
  /** How long the sponsor may use the content: "30 days", "perpetual". */
  term: clean(z.string().trim().max(200)).nullable().optional(),
  channels: z
    .array(clean(z.string().trim().min(1).max(100)))
    .max(20)
    .optional(),
  /** Paid usage (whitelisting, ads from the creator's handle). */
  paidUsage: z.boolean().optional(),
});

export const exclusivitySchema = z.object({
  category: clean(z.string().trim().max(200)).nullable().optional(),
  until: isoTimeSchema.nullable().optional(),
});

export const DEAL_SOURCES = ["manual", "email"] as const;
export const FIELD_SOURCES = ["ai", "heuristic", "person"] as const;
export type FieldSource = (typeof FIELD_SOURCES)[number];

/** Where a deal field's value came from, and how sure the reader was (0–1). */
export interface FieldOrigin {
  source: FieldSource;
  confidence: number;
}

export const createDealSchema = z.object({
  sponsorId: idSchema.nullable().optional(),
  title: clean(z.string().trim().min(1).max(300)),
  /** Defaults to the first stage of the pipeline. */
  stageId: idSchema.optional(),
  valueMinor: minorUnitsSchema.nullable().optional(),
  currency: currencySchema.optional(),
  probability: z.number().int().min(0).max(100).nullable().optional(),
  /** Net 30 is 30. */
  paymentTermsDays: z.number().int().min(0).max(365).nullable().optional(),
  poNumber: clean(z.string().trim().max(100)).nullable().optional(),
  usageRights: usageRightsSchema.optional(),
  exclusivity: exclusivitySchema.optional(),
  deliverables: z.array(deliverableSchema).max(50).optional(),
  revisionRounds: z.number().int().min(0).max(20).nullable().optional(),
  expectedCloseAt: isoTimeSchema.nullable().optional(),
  invoiceSentAt: isoTimeSchema.nullable().optional(),
  paidAt: isoTimeSchema.nullable().optional(),
  ownerId: idSchema.nullable().optional(),
});
export type CreateDealInput = z.input<typeof createDealSchema>;

/** Every field may change; a field set by a person is never overwritten by a later extraction. */
export const updateDealSchema = createDealSchema
  .partial()
  .refine((v) => Object.values(v).some((field) => field !== undefined), {
    message: "Send at least one field to change",
  });

export const DEAL_SORTS = ["updated", "created", "value", "expectedClose"] as const;

export const listDealsQuerySchema = z
  .object({
    stageId: idSchema.optional(),
    sponsorId: idSchema.optional(),
    ownerId: idSchema.optional(),
    currency: currencySchema.optional(),
    sourceMessageId: z.string().trim().min(1).max(200).optional(),
    sourceThreadId: z.string().trim().min(1).max(200).optional(),
    q: z.string().trim().min(1).max(200).optional(),
    /** On `expectedCloseAt`: inclusive from, exclusive to (a plain date is its UTC day's start). */
    closeFrom: calendarBoundSchema.optional(),
    closeTo: calendarBoundSchema.optional(),
    sort: z.enum(DEAL_SORTS).default("updated"),
    order: z.enum(["asc", "desc"]).default("desc"),
    limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(50),
    cursor: z.string().max(200).optional(),
  })
  .refine(
    (query) =>
      !query.closeFrom ||
      !query.closeTo ||
      Date.parse(query.closeFrom) <= Date.parse(query.closeTo),
    { message: "closeFrom must not be after closeTo", path: ["closeFrom"] },
  );

export interface Deliverable {
  id: string;
  platform: (typeof DELIVERABLE_PLATFORMS)[number];
  kind: string;
  draftDueAt: string | null;
  approvedAt: string | null;
  liveAt: string | null;
  done: boolean;
  contentId: string | null;
}

export interface Deal {
  id: string;
  sponsorId: string | null;
  title: string;
  stageId: string;
  valueMinor: number | null;
  currency: string;
  probability: number | null;
  paymentTermsDays: number | null;
  poNumber: string | null;
  usageRights: { term: string | null; channels: string[]; paidUsage: boolean };
  exclusivity: { category: string | null; until: string | null };
  deliverables: Deliverable[];
  revisionRounds: number | null;
  expectedCloseAt: string | null;
  invoiceSentAt: string | null;
  paidAt: string | null;
  ownerId: string | null;
  source: (typeof DEAL_SOURCES)[number];
  sourceMessageId: string | null;
  sourceThreadId: string | null;
  /** The captured conversation in the Gmail mailbox it came from (`…/mail/u/1/#all/<id>`). */
  sourceThreadUrl: string | null;
  fieldSources: Partial<Record<string, FieldOrigin>>;
  createdAt: string;
  updatedAt: string;
}

// ─── Activities ──────────────────────────────────────────────────────────────

export const ACTIVITY_KINDS = [
  "note",
  "stage_change",
  "email_captured",
  "followup_created",
  "followup_sent",
  "followup_snoozed",
  "followup_cancelled",
  "field_corrected",
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const createNoteSchema = z.object({ body: clean(z.string().trim().min(1).max(10_000)) });

/** `GET /api/deals/:id/activities`: newest first, keyset pages. */
export const listActivitiesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(50),
  cursor: z.string().max(200).optional(),
});

export interface Activity {
  id: string;
  dealId: string;
  kind: ActivityKind;
  body: string | null;
  metadata: Record<string, unknown> | null;
  actorId: string | null;
  createdAt: string;
}

// ─── Capture ─────────────────────────────────────────────────────────────────

/** The body of a captured email: the reader truncates it, it is never refused for size. */
export const MAX_CAPTURED_BODY_CHARS = 1_000_000;

/**
 * `POST /api/deals/capture-email`: what the Gmail button sends of the message the creator is
 * looking at. `bodyText` is the whole body as shown (quoted history and forwards included).
 */
export const captureEmailSchema = z.object({
  messageId: z.string().trim().min(1).max(200),
  threadId: z.string().trim().min(1).max(200).optional(),
  threadUrl: z.url().max(2000).optional(),
  subject: z.string().max(1000),
  from: emailAddressSchema,
  to: z.array(emailAddressSchema).max(100),
  cc: z.array(emailAddressSchema).max(100).optional(),
  /** An ISO 8601 instant. */
  date: isoTimeSchema,
  bodyText: z.string().max(MAX_CAPTURED_BODY_CHARS),
  /** A second message of a captured thread makes its own deal instead of updating the first. */
  newDeal: z.boolean().optional(),
});
export type CaptureEmailInput = z.input<typeof captureEmailSchema>;

/** One field read from the email, with where it came from and how sure the reader was. */
export interface CapturedField extends FieldOrigin {
  field: string;
  value: unknown;
}

/**
 * How the email was read. The heuristic always runs; the AI runs inside the request with a
 * short deadline when a paid provider is configured (`ai`: `used`, or why not: `not_configured`,
 * `no_credits`, `rate_limited`, `timed_out`, `failed`, or `not_needed` for an email already
 * captured). Nothing is left to finish on a queue: the answer is the whole reading.
 */
export interface ExtractionReport {
  mode: "in_request";
  ai:
    | "used"
    | "not_configured"
    | "no_credits"
    | "rate_limited"
    | "timed_out"
    | "failed"
    | "not_needed";
  provider?: string;
  model?: string;
  /** Credits the AI reading spent. */
  credits: number;
}

/** The answer: 201 `created: true` for a new deal, 200 `created: false` when already captured. */
export interface CaptureEmailResult {
  deal: Deal & { lastActivityAt: string; stale: boolean };
  created: boolean;
  fields: CapturedField[];
  warnings: string[];
  extraction: ExtractionReport;
}

// ─── Follow-ups ──────────────────────────────────────────────────────────────

export const FOLLOWUP_STATUSES = ["pending", "sent", "cancelled"] as const;
export const followupStatusSchema = z.enum(FOLLOWUP_STATUSES);
export type FollowupStatus = z.infer<typeof followupStatusSchema>;

export const followupRecipientSchema = emailAddressSchema;
export type FollowupRecipient = z.infer<typeof followupRecipientSchema>;

export const MAX_FOLLOWUP_SUBJECT_CHARS = 300;
export const MAX_FOLLOWUP_BODY_CHARS = 20_000;

/**
 * `POST /api/deals/:id/followup`: draft a follow-up email for the deal. Everything is optional:
 * `dueAt` defaults by the deal's stage kind (edge/crm/followup-due.ts), the assignee to the
 * deal's owner, `to` to the sponsor's first contact.
 */
export const draftFollowupSchema = z.object({
  dueAt: isoTimeSchema.optional(),
  assigneeId: idSchema.nullable().optional(),
  to: followupRecipientSchema.optional(),
});
export type DraftFollowupInput = z.input<typeof draftFollowupSchema>;

/**
 * `PATCH /api/followups/:id`. A snooze is a later `dueAt`; `status: "sent"` marks it sent,
 * `"cancelled"` cancels it, and `"pending"` takes either back.
 */
export const updateFollowupSchema = z
  .object({
    subject: oneLine(z.string().trim().min(1).max(MAX_FOLLOWUP_SUBJECT_CHARS)).optional(),
    body: clean(z.string().trim().min(1).max(MAX_FOLLOWUP_BODY_CHARS)).optional(),
    to: followupRecipientSchema.nullable().optional(),
    dueAt: isoTimeSchema.optional(),
    assigneeId: idSchema.nullable().optional(),
    status: followupStatusSchema.optional(),
  })
  .refine((v) => Object.values(v).some((field) => field !== undefined), {
    message: "Send at least one field to change",
  });

/**
 * `GET /api/followups`: by due time (soonest first), keyset pages. `status` takes one or
 * several statuses, comma-separated (default: all); `dueAfter` is inclusive and `dueBefore`
 * exclusive, both ISO 8601 instants, so a client asks for "today" in its own time zone.
 */
export const listFollowupsQuerySchema = z
  .object({
    status: z
      .string()
      .trim()
      .transform((text) => [...new Set(text.split(",").map((s) => s.trim()))])
      .pipe(z.array(followupStatusSchema).min(1))
      .optional(),
    dueBefore: isoTimeSchema.optional(),
    dueAfter: isoTimeSchema.optional(),
    dealId: idSchema.optional(),
    assigneeId: idSchema.optional(),
    limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(50),
    cursor: z.string().max(200).optional(),
  })
  .refine(
    (query) =>
      !query.dueAfter ||
      !query.dueBefore ||
      Date.parse(query.dueAfter) <= Date.parse(query.dueBefore),
    { message: "dueAfter must not be after dueBefore", path: ["dueAfter"] },
  );

export interface Followup {
  id: string;
  dealId: string;
  to: FollowupRecipient | null;
  subject: string;
  body: string;
  dueAt: string;
  status: FollowupStatus;
  assigneeId: string | null;
  /** The captured Gmail thread to reply in, when the deal came from an email. */
  threadId: string | null;
  /** That thread's address in the mailbox it was captured from. */
  threadUrl: string | null;
  createdAt: string;
  sentAt: string | null;
  updatedAt: string;
}

/** The answer of `POST /api/deals/:id/followup`: the saved draft and who wrote it. */
export interface FollowupDraftResult {
  followup: Followup;
  provider: string;
  model: string;
  cached: boolean;
  /** Credits this draft spent (0 offline). */
  credits: number;
  /** Things to check: for one, that a template was saved because the AI draft was refused. */
  warnings: string[];
}
