/**
 * The demo workspace for local runs (`npm run dev`). Pure and runtime-neutral: it only builds
 * SQL text, so a Node script, a test or a Worker can run it.
 *
 * Idempotent: fixed ids and fixed timestamps, and every statement is
 * `INSERT … ON CONFLICT DO NOTHING`, so a second run changes nothing (not even the password
 * hash, whose salt is random, because the user row is never touched again).
 */
import { DEFAULT_STAGES } from "../../shared/crm";
import { hashPassword } from "../auth/password";

export const DEMO_EMAIL = "demo@creatorops.local";
/** Local demo only: printed by the dev command. */
export const DEMO_PASSWORD = "creatorops-demo";

const USER_ID = "usr_demo0000000000000000";
const WORKSPACE_ID = "ws_demo0000000000000000";
const WORKSPACE_NAME = "Demo Studio";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 2026-11-20T09:00:00Z. Everything is placed relative to it, never to the clock. */
const BASE = 1_795_165_200_000;

type SqlValue = string | number | null;
type Row = Record<string, SqlValue>;

/** A SQL string literal: single quotes doubled. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function sqlValue(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`Not a finite number: ${value}`);
    return String(value);
  }
  return sqlString(value);
}

const json = (value: unknown): string => JSON.stringify(value);

function insert(table: string, row: Row): string {
  const columns = Object.keys(row);
  const values = columns.map((column) => sqlValue(row[column] ?? null));
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${values.join(", ")}) ON CONFLICT DO NOTHING`;
}

const stamps = (at: number) => ({ created_at: at, updated_at: at });

function contentItems(): Row[] {
  const base = { workspace_id: WORKSPACE_ID, created_by: USER_ID, source_kind: "manual" };
  return [
    {
      ...base,
      id: "cnt_demo0000000000000001",
      title: "10 editing shortcuts that save me an hour a week",
      body: "Most of my editing time went to reaching for the mouse. J, K and L play, pause and rewind without looking. Q and W trim to the playhead. Nudging clips by one frame with the arrow keys replaced a dozen drags. Together these shortcuts save me about an hour a week, and the last one is the keyboard layout I print and tape to my desk.",
      notes: "Open with the J-K-L trick; end with the keyboard layout download.",
      platforms: json(["youtube", "x"]),
      tags: json(["editing", "productivity"]),
      status: "idea",
      ...stamps(BASE - 2 * DAY),
    },
    {
      ...base,
      id: "cnt_demo0000000000000002",
      title: "Why I switched to a single-camera setup",
      body: "For two years I filmed with three cameras. Syncing them cost me an evening per video, and most angles never made the cut. One good camera on a slider gives the same movement with none of the syncing. My uploads went from every two weeks to every week, and nobody asked where the other angles went.",
      notes: "B-roll: desk before/after. Mention the viewer question from last week's Q&A.",
      platforms: json(["youtube", "instagram"]),
      tags: json(["gear", "studio"]),
      status: "drafting",
      ...stamps(BASE - 6 * DAY),
    },
    {
      ...base,
      id: "cnt_demo0000000000000003",
      title: "Monthly newsletter: what worked in November",
      body: "November was the month the short clips paid off: three of them brought more subscribers than the long videos. Posting at the same time every Tuesday mattered more than the topic. Next month I am testing one longer tutorial and a live Q&A.",
      notes: "Numbers from the dashboard, three lessons, one sponsor slot.",
      platforms: json(["newsletter", "linkedin"]),
      tags: json(["newsletter", "retrospective"]),
      status: "scheduled",
      scheduled_at: BASE + 30 * DAY,
      ...stamps(BASE - 4 * DAY),
    },
    {
      ...base,
      id: "cnt_demo0000000000000004",
      title: "Studio tour 2026",
      notes: null,
      platforms: json(["youtube", "tiktok", "instagram"]),
      tags: json(["studio", "behind-the-scenes"]),
      status: "published",
      scheduled_at: BASE - 5 * DAY,
      published_at: BASE - 5 * DAY,
      ...stamps(BASE - 20 * DAY),
    },
    {
      ...base,
      id: "cnt_demo0000000000000005",
      title: "Podcast episode 42: pricing your first sponsorship",
      body: "Pricing a first sponsorship feels like guessing, but it does not have to be. Start from your average views and a CPM between 20 and 40 dollars, then add usage rights and exclusivity on top. Ask for Net 30 payment terms in writing. And never send a rate before you know the deliverables.",
      notes: "Guest's rate card goes in the show notes. Cut the 'we'll see' tangent.",
      platforms: json(["x", "linkedin", "newsletter"]),
      tags: json(["sponsorships", "business"]),
      status: "drafting",
      ...stamps(BASE - 3 * DAY),
    },
    {
      ...base,
      id: "cnt_demo0000000000000006",
      title: "How I light a small room with one lamp",
      body: "One lamp, one bounce card, three looks.",
      notes: "Captured from YouTube: repurpose into a thread and a short.",
      source_kind: "youtube",
      source_url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
      source_video_id: "dQw4w9WgXcQ",
      source_metadata: json({
        channel: "Demo Creator",
        description: "One lamp, one bounce card, three looks.",
        durationSeconds: 612,
        thumbnailUrl: "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
      }),
      platforms: json(["x", "tiktok"]),
      tags: json(["lighting", "repurpose"]),
      status: "idea",
      ...stamps(BASE - 1 * DAY),
    },
  ];
}

/** The demo pipeline: the default stages (shared/crm.ts), with fixed ids. */
const stageId = (name: string) => `stg_demo_${name.toLowerCase()}`;

function stages(): Row[] {
  return DEFAULT_STAGES.map((stage, position) => ({
    id: stageId(stage.name),
    workspace_id: WORKSPACE_ID,
    name: stage.name,
    kind: stage.kind,
    position,
    ...stamps(BASE - 60 * DAY),
  }));
}

/** Deliverables in the stored shape (edge/db/schema/crm.ts StoredDeliverable). */
function deliverables(dealId: string, dueAt: number | null, items: [string, string][]): string {
  return json(
    items.map(([platform, kind], index) => ({
      id: `dlv_${dealId.slice(-4)}_${index}`,
      platform,
      kind,
      draftDueAt: dueAt,
      approvedAt: null,
      liveAt: null,
      done: false,
      contentId: null,
    })),
  );
}

function sponsors(): Row[] {
  const base = { workspace_id: WORKSPACE_ID };
  return [
    {
      ...base,
      id: "spn_demo0000000000000001",
      name: "Northwind Audio",
      domain: "northwind-audio.example",
      contacts: json([{ name: "Priya Shah", email: "priya@northwind-audio.example" }]),
      notes: "Prefers integrated reads over pre-rolls.",
      ...stamps(BASE - 30 * DAY),
    },
    {
      ...base,
      id: "spn_demo0000000000000002",
      name: "Brightdesk",
      domain: "brightdesk.example",
      contacts: json([
        { name: "Tom O'Neill", email: "tom@brightdesk.example", role: "Partnerships" },
      ]),
      notes: null,
      ...stamps(BASE - 14 * DAY),
    },
    {
      ...base,
      id: "spn_demo0000000000000003",
      name: "Lumen Lights",
      domain: "lumenlights.example",
      contacts: json([{ email: "creators@lumenlights.example" }]),
      notes: "Sent a sample kit in October.",
      ...stamps(BASE - 9 * DAY),
    },
  ];
}

function deals(): Row[] {
  const base = {
    workspace_id: WORKSPACE_ID,
    currency: "USD",
    source: "manual",
    owner_id: USER_ID,
    created_by: USER_ID,
  };
  return [
    {
      ...base,
      id: "deal_demo000000000000001",
      sponsor_id: "spn_demo0000000000000001",
      title: "Northwind Audio: headphones integration",
      stage_id: stageId("Negotiating"),
      value_minor: 250_000,
      probability: 60,
      payment_terms_days: 30,
      deliverables: deliverables("deal_demo000000000000001", BASE + 21 * DAY, [
        ["youtube", "60-second integrated read"],
        ["youtube", "Link in description for 30 days"],
      ]),
      last_activity_at: BASE - 8 * DAY,
      ...stamps(BASE - 10 * DAY),
    },
    {
      ...base,
      id: "deal_demo000000000000002",
      sponsor_id: "spn_demo0000000000000002",
      title: "Brightdesk: newsletter sponsorship (December)",
      stage_id: stageId("Contracted"),
      value_minor: 120_000,
      probability: 90,
      payment_terms_days: 30,
      deliverables: deliverables("deal_demo000000000000002", BASE + 30 * DAY, [
        ["newsletter", "Primary newsletter slot"],
        ["linkedin", "One LinkedIn post"],
      ]),
      expected_close_at: BASE - 2 * DAY,
      ...stamps(BASE - 12 * DAY),
    },
    {
      ...base,
      id: "deal_demo000000000000003",
      sponsor_id: "spn_demo0000000000000003",
      title: "Lumen Lights: lighting tutorial",
      stage_id: stageId("Lead"),
      value_minor: null,
      probability: 20,
      deliverables: deliverables("deal_demo000000000000003", null, [
        ["youtube", "Dedicated video"],
      ]),
      source: "email",
      source_message_id: "demo-msg-lumen-0001",
      ...stamps(BASE - 1 * DAY),
    },
    {
      ...base,
      id: "deal_demo000000000000004",
      sponsor_id: "spn_demo0000000000000001",
      title: "Northwind Audio: podcast pre-roll (October)",
      stage_id: stageId("Paid"),
      value_minor: 80_000,
      currency: "EUR",
      probability: 100,
      payment_terms_days: 30,
      deliverables: deliverables("deal_demo000000000000004", BASE - 25 * DAY, [
        ["podcast", "30-second pre-roll on two episodes"],
      ]),
      expected_close_at: BASE - 40 * DAY,
      invoice_sent_at: BASE - 24 * DAY,
      paid_at: BASE - 15 * DAY,
      ...stamps(BASE - 45 * DAY),
    },
  ];
}

function followups(): Row[] {
  return [
    {
      id: "fu_demo00000000000000001",
      workspace_id: WORKSPACE_ID,
      deal_id: "deal_demo000000000000001",
      due_at: BASE + 10 * DAY,
      status: "pending",
      subject: "Following up on the headphones integration",
      body: "Hi Priya, just checking whether you had a chance to review the proposal.",
      to_contact: json({ name: "Priya Shah", email: "priya@northwind-audio.example" }),
      assignee_id: USER_ID,
      created_by: USER_ID,
      ...stamps(BASE - 8 * DAY),
    },
  ];
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What the demo seed holds, in one line for the dev command:
 * "Demo Studio: 6 content items, 3 sponsors, 4 deals, 1 follow-up".
 */
export function demoSeedSummary(): string {
  return `${WORKSPACE_NAME}: ${[
    count(contentItems().length, "content item"),
    count(sponsors().length, "sponsor"),
    count(deals().length, "deal"),
    count(followups().length, "follow-up"),
  ].join(", ")}`;
}

export async function demoSeedStatements(): Promise<string[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return [
    insert("users", {
      id: USER_ID,
      email: DEMO_EMAIL,
      name: "Demo Creator",
      password_hash: passwordHash,
      email_verified_at: BASE - 60 * DAY,
      ...stamps(BASE - 60 * DAY),
    }),
    // Every email on, in London time; the digest's first 08:00 has long passed, so the first
    // cron run moves it to the next London morning instead of sending a late digest.
    insert("email_preferences", {
      email: DEMO_EMAIL,
      user_id: USER_ID,
      time_zone: "Europe/London",
      digest_next_at: BASE - HOUR,
      updated_at: BASE - 60 * DAY,
    }),
    insert("workspaces", {
      id: WORKSPACE_ID,
      name: WORKSPACE_NAME,
      plan: "free",
      brand_voice: json({
        description:
          "Friendly, practical and a little nerdy. Short sentences, concrete numbers, no hype.",
        samples: [
          "I tested five mics so you don't have to. Here's the one I kept, and why.",
          "Quick one today: the two-minute edit that doubled my retention.",
        ],
      }),
      settings: json({ timezone: "Europe/London", defaultPlatforms: ["youtube", "x"] }),
      created_by: USER_ID,
      ...stamps(BASE - 60 * DAY),
    }),
    insert("workspace_members", {
      workspace_id: WORKSPACE_ID,
      user_id: USER_ID,
      role: "owner",
      created_at: BASE - 60 * DAY,
    }),
    ...contentItems().map((row) => insert("content_items", row)),
    ...stages().map((row) => insert("deal_stages", row)),
    ...sponsors().map((row) => insert("sponsors", row)),
    ...deals().map((row) => insert("deals", row)),
    insert("deal_activities", {
      id: "act_demo0000000000000001",
      workspace_id: WORKSPACE_ID,
      deal_id: "deal_demo000000000000001",
      kind: "stage_change",
      body: "Moved to negotiating after the intro call.",
      metadata: json({ from: stageId("Lead"), to: stageId("Negotiating") }),
      actor_id: USER_ID,
      created_at: BASE - 8 * DAY,
    }),
    ...followups().map((row) => insert("followups", row)),
  ];
}
