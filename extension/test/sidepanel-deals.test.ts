import { createElement } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { formatMoney } from "../../shared/view/format";
import { type DealDetail, messaging } from "../lib/protocol";
import { lastEmailCaptureItem, panelDealFocusItem } from "../lib/storage";
import { App } from "../sidepanel/App";
import { dealOf, emptyPipeline, type FakeCrm, followupOf, gate, serveCrm } from "./fake-crm";
import {
  all,
  button,
  choose,
  expectAccessible,
  labelled,
  nameOf,
  press,
  region,
  tab,
  text,
  type,
} from "./panel-dom";

/**
 * The side panel's navigation and deals view in a fake DOM, with a stand-in background
 * (fake-crm.ts) answering its messages: tabs, the pipeline, the deals list, the last Gmail
 * capture, a deal's fields and their sources, corrections, deliverables, the timeline, drafting a
 * follow-up, and Gmail's "Open in side panel".
 */

const acme = (): DealDetail =>
  dealOf("deal_acme", "Acme × Maya — launch video", {
    stageId: "stg_neg",
    valueMinor: 250000,
    currency: "USD",
    paymentTermsDays: 30,
    expectedCloseAt: "2026-12-15T00:00:00.000Z",
    source: "email",
    sourceMessageId: "18c2f0a1b2c3d4e6",
    sourceThreadId: "18c2f0a1b2c3d4e5",
    stale: true,
    deliverables: [
      {
        id: "dlv_yt",
        platform: "youtube",
        kind: "60-second integrated read",
        draftDueAt: null,
        approvedAt: null,
        liveAt: "2026-12-01T00:00:00.000Z",
        done: false,
        contentId: null,
      },
      {
        id: "dlv_ig",
        platform: "instagram",
        kind: "2 × story",
        draftDueAt: null,
        approvedAt: null,
        liveAt: null,
        done: true,
        contentId: null,
      },
    ],
    fieldSources: {
      valueMinor: { source: "ai", confidence: 0.85 },
      currency: { source: "ai", confidence: 0.85 },
      paymentTermsDays: { source: "heuristic", confidence: 0.9 },
      expectedCloseAt: { source: "heuristic", confidence: 0.8 },
      deliverables: { source: "heuristic", confidence: 0.75 },
    },
  });
const nova = (): DealDetail =>
  dealOf("deal_nova", "Nova Audio podcast read", {
    stageId: "stg_con",
    valueMinor: 120000,
    currency: "EUR",
  });

let root: Root;
let crm: FakeCrm;

function pipelineWithTotals() {
  const pipeline = emptyPipeline();
  const [, negotiating, contracted] = pipeline.stages;
  if (!negotiating || !contracted) throw new Error("the fake pipeline has five stages");
  negotiating.count = 3;
  negotiating.staleCount = 1;
  negotiating.totals = {
    USD: { valueMinor: 250000, weightedMinor: 125000 },
    EUR: { valueMinor: 120000, weightedMinor: 60000 },
  };
  contracted.count = 1;
  contracted.totals = { EUR: { valueMinor: 120000, weightedMinor: 120000 } };
  pipeline.booked = { EUR: { count: 1, valueMinor: 120000 } } as typeof pipeline.booked;
  return pipeline;
}

beforeEach(() => {
  fakeBrowser.reset();
  crm = serveCrm({
    deals: [acme(), nova()],
    pipeline: pipelineWithTotals(),
    activities: {
      deal_acme: [
        {
          id: "act_1",
          dealId: "deal_acme",
          kind: "email_captured",
          body: "Captured “Launch video — budget $2,500” from anna@acme.com",
          metadata: null,
          actorId: "usr_1",
          createdAt: "2026-11-01T10:00:00.000Z",
        },
      ],
    },
    followups: [followupOf("fu_old", "2026-11-12T17:00:00.000Z", { subject: "Any news?" })],
  });
  document.body.innerHTML = '<div id="root"></div>';
  root = createRoot(document.getElementById("root") as HTMLElement);
});

afterEach(async () => {
  root.unmount();
  // A request a view started as the test ended still reaches the stand-in, not the bare fake.
  await new Promise((resolve) => setTimeout(resolve, 10));
  messaging.removeAllListeners();
  vi.restoreAllMocks();
});

async function openPanel() {
  root.render(createElement(App));
  await vi.waitFor(() => expect(tab("Deals")).toBeDefined());
}

async function openDeals() {
  await openPanel();
  tab("Deals")?.click();
  await vi.waitFor(() => expect(button("Acme × Maya — launch video")).toBeDefined());
}

async function openAcme() {
  await openDeals();
  button("Acme × Maya — launch video")?.click();
  await vi.waitFor(() =>
    expect(document.querySelector("h2.detail-title")?.textContent).toBe(
      "Acme × Maya — launch video",
    ),
  );
}

/** A row of the deal's fields by its label. */
const fieldRow = (label: string) =>
  all(".deal-field").find((row) => row.querySelector("dt")?.textContent === label);

describe("panel navigation", () => {
  it("offers Ideas, Deals and Follow-ups as tabs, moved between with the arrow keys", async () => {
    await openPanel();
    const tablist = document.querySelector('[role="tablist"]');
    expect(all('[role="tab"]', tablist).map(nameOf)).toEqual(["Ideas", "Deals", "Follow-ups"]);
    const selected = () => all('[role="tab"][aria-selected="true"]').map(nameOf);
    const shownPanel = () => all('[role="tabpanel"]').filter((panel) => !panel.hidden);
    expect(selected()).toEqual(["Ideas"]);
    // The ideas view as before, inside the first panel.
    await vi.waitFor(() => expect(text(shownPanel()[0])).toContain("No ideas yet"));
    expect(shownPanel()[0]?.querySelector("h2")?.textContent).toBe("Ideas");
    // One tab stop: the selected tab.
    expect(all('[role="tab"]').map((t) => t.tabIndex)).toEqual([0, -1, -1]);
    // Each tab controls its panel, which is labelled by it.
    for (const each of all('[role="tab"]')) {
      const panel = document.getElementById(each.getAttribute("aria-controls") ?? "");
      expect(panel?.getAttribute("role")).toBe("tabpanel");
      expect(panel?.getAttribute("aria-labelledby")).toBe(each.id);
    }
    await expectAccessible();

    tab("Ideas")?.focus();
    press(tab("Ideas"), "ArrowRight");
    await vi.waitFor(() => expect(selected()).toEqual(["Deals"]));
    expect(document.activeElement).toBe(tab("Deals"));
    expect(all('[role="tab"]').map((t) => t.tabIndex)).toEqual([-1, 0, -1]);
    expect(shownPanel()).toHaveLength(1);
    expect(shownPanel()[0]?.id).toBe(tab("Deals")?.getAttribute("aria-controls"));
    await vi.waitFor(() => expect(region("Pipeline")).toBeDefined());

    press(document.activeElement, "ArrowRight");
    await vi.waitFor(() => expect(selected()).toEqual(["Follow-ups"]));
    expect(document.activeElement).toBe(tab("Follow-ups"));
    press(document.activeElement, "ArrowRight");
    await vi.waitFor(() => expect(selected()).toEqual(["Ideas"]));
    press(document.activeElement, "ArrowLeft");
    await vi.waitFor(() => expect(selected()).toEqual(["Follow-ups"]));
    press(document.activeElement, "Home");
    await vi.waitFor(() => expect(selected()).toEqual(["Ideas"]));
    press(document.activeElement, "End");
    await vi.waitFor(() => expect(selected()).toEqual(["Follow-ups"]));
    expect(document.activeElement).toBe(tab("Follow-ups"));
  });

  it("opens the deal Gmail's Open in side panel asks for, then clears the request", async () => {
    await panelDealFocusItem.setValue({ dealId: "deal_nova", nonce: "n1" });
    await openPanel();
    await vi.waitFor(() =>
      expect(document.querySelector("h2.detail-title")?.textContent).toBe(
        "Nova Audio podcast read",
      ),
    );
    expect(tab("Deals")?.getAttribute("aria-selected")).toBe("true");
    expect(await panelDealFocusItem.getValue()).toBeNull();
    expect(crm.callsOf("getDeal")).toEqual(["deal_nova"]);

    // Back to the list, focus on the deal that was open.
    button("Back to deals")?.click();
    await vi.waitFor(() => expect(button("Nova Audio podcast read")).toBeDefined());
    await vi.waitFor(() => expect(document.activeElement).toBe(button("Nova Audio podcast read")));

    // A request while the panel is open, on another view: it switches to the deal.
    tab("Ideas")?.click();
    await vi.waitFor(() => expect(tab("Ideas")?.getAttribute("aria-selected")).toBe("true"));
    await panelDealFocusItem.setValue({ dealId: "deal_acme", nonce: "n2" });
    await vi.waitFor(() =>
      expect(document.querySelector("h2.detail-title")?.textContent).toBe(
        "Acme × Maya — launch video",
      ),
    );
    expect(tab("Deals")?.getAttribute("aria-selected")).toBe("true");
    await vi.waitFor(async () => expect(await panelDealFocusItem.getValue()).toBeNull());
  });
});

describe("deals view", () => {
  it("shows the pipeline's totals per currency, never added together, and stale counts", async () => {
    await openDeals();
    const pipeline = () => region("Pipeline");
    await vi.waitFor(() => expect(pipeline()?.querySelector("table")).not.toBeNull());
    const row = all("tbody tr", pipeline()).find(
      (tr) => tr.querySelector("th")?.firstChild?.textContent === "Negotiating",
    );
    expect(row?.querySelectorAll("td")[0]?.textContent).toBe("3");
    const amounts = all(".amount", row);
    expect(amounts.map((amount) => amount.dataset.currency)).toEqual(["EUR", "USD"]);
    expect(amounts.map((amount) => amount.textContent)).toEqual([
      formatMoney(120000, "EUR"),
      formatMoney(250000, "USD"),
    ]);
    // No sum across currencies anywhere.
    expect(text(pipeline())).not.toContain(formatMoney(370000, "USD"));
    expect(text(pipeline())).not.toContain(formatMoney(370000, "EUR"));
    expect(nameOf(row?.querySelector(".badge.stale") as Element)).toBe(
      "1 stale (no activity for 14 days)",
    );
    // Stages without deals show no value.
    const lead = all("tbody tr", pipeline()).find(
      (tr) => tr.querySelector("th")?.textContent === "Lead",
    );
    expect(lead?.querySelectorAll("td")[1]?.textContent).toBe("—");
    expect(text(pipeline())).toContain(`Booked${formatMoney(120000, "EUR")}`);
    await expectAccessible();
  });

  it("lists the deals, filters them by stage and loads more with the cursor", async () => {
    crm.deals = Array.from({ length: 23 }, (_, n) =>
      dealOf(`deal_${n}`, `Deal ${n}`, { stageId: n % 2 ? "stg_con" : "stg_lead" }),
    );
    crm.deals[0] = acme();
    await openDeals();
    expect(all(".deal")).toHaveLength(20);
    expect(crm.callsOf("listDeals")).toEqual([{ limit: "20" }]);
    button("Load more deals")?.click();
    await vi.waitFor(() => expect(all(".deal")).toHaveLength(23));
    expect(crm.callsOf("listDeals")[1]).toEqual({ limit: "20", cursor: "20" });
    // Each row: the stage's name, the value in its currency, stale.
    const first = all(".deal")[0];
    expect(text(first)).toContain("Negotiating");
    expect(text(first)).toContain(formatMoney(250000, "USD"));
    expect(text(first)).toContain("Stale");

    choose(labelled("Stage", region("Deals")), "stg_con");
    await vi.waitFor(() => expect(all(".deal")).toHaveLength(11));
    expect(crm.callsOf("listDeals").at(-1)).toEqual({ limit: "20", stageId: "stg_con" });
    expect(all(".deal").every((row) => text(row).includes("Contracted"))).toBe(true);

    choose(labelled("Stage", region("Deals")), "stg_paid");
    await vi.waitFor(() => expect(text(region("Deals"))).toContain("No deals in this stage."));
  });

  it("shows the last Gmail capture at the top: what was read, warnings, open, dismiss", async () => {
    await lastEmailCaptureItem.setValue({
      kind: "sponsorEmail",
      id: "deal_acme",
      title: "Acme × Maya — launch video",
      subject: "gmail:18c2f0a1b2c3d4e6",
      facts: ["$2,500", "by Dec 15"],
      warnings: ["The email gives a range ($2,000–$3,000): set the deal's value."],
      existing: false,
    });
    await openDeals();
    const capture = () => region("Last captured in Gmail");
    await vi.waitFor(() => expect(capture()).toBeDefined());
    expect(all(".facts li", capture()).map((li) => li.textContent)).toEqual([
      "$2,500",
      "by Dec 15",
    ]);
    expect(text(capture())).toContain("The email gives a range");
    // It comes first in the view.
    const panel = document.getElementById(tab("Deals")?.getAttribute("aria-controls") ?? "");
    expect(panel?.querySelector("section")).toBe(capture());
    await expectAccessible();

    button("Open deal", capture())?.click();
    await vi.waitFor(() =>
      expect(document.querySelector("h2.detail-title")?.textContent).toBe(
        "Acme × Maya — launch video",
      ),
    );
    button("Back to deals")?.click();
    await vi.waitFor(() => expect(capture()).toBeDefined());
    button("Dismiss the last capture")?.click();
    await vi.waitFor(() => expect(capture()).toBeUndefined());
    expect(await lastEmailCaptureItem.getValue()).toBeNull();
  });

  it("says so while loading, when there are no deals, and when loading fails", async () => {
    crm.deals = [];
    const held = gate();
    crm.gates.listDeals = held.promise;
    crm.failures.pipeline = { code: "INTERNAL_ERROR", message: "boom", status: 500 };
    await openPanel();
    tab("Deals")?.click();
    await vi.waitFor(() =>
      expect(all('[role="status"]').map((s) => s.textContent)).toContain("Loading deals…"),
    );
    await vi.waitFor(() =>
      expect(region("Pipeline")?.querySelector('[role="alert"]')?.textContent).toContain(
        "Couldn't load the pipeline.",
      ),
    );
    await expectAccessible();
    held.open();
    await vi.waitFor(() => expect(text(region("Deals"))).toContain("No deals yet"));

    crm.failures.pipeline = undefined;
    button("Try again", region("Pipeline"))?.click();
    await vi.waitFor(() => expect(region("Pipeline")?.querySelector("table")).not.toBeNull());

    crm.failures.listDeals = { code: "INTERNAL_ERROR", message: "boom", status: 500 };
    choose(labelled("Stage", region("Deals")), "stg_con");
    await vi.waitFor(() =>
      expect(region("Deals")?.querySelector('[role="alert"]')?.textContent).toContain(
        "Couldn't load your deals.",
      ),
    );
    crm.failures.listDeals = undefined;
    crm.deals = [nova()];
    button("Try again", region("Deals"))?.click();
    await vi.waitFor(() => expect(button("Nova Audio podcast read")).toBeDefined());
  });

  it("explains a deal that cannot be opened, and tries again", async () => {
    crm.failures.getDeal = { code: "INTERNAL_ERROR", message: "boom", status: 500 };
    await openDeals();
    button("Acme × Maya — launch video")?.click();
    await vi.waitFor(() =>
      expect(document.querySelector('.detail [role="alert"]')?.textContent).toContain(
        "Couldn't open this deal.",
      ),
    );
    await expectAccessible();
    crm.failures.getDeal = undefined;
    button("Try again")?.click();
    await vi.waitFor(() =>
      expect(document.querySelector("h2.detail-title")?.textContent).toBe(
        "Acme × Maya — launch video",
      ),
    );
  });
});

describe("a deal", () => {
  it("shows each field's source, and a correction saves it and makes it yours", async () => {
    await openAcme();
    expect(text(fieldRow("Value"))).toContain(formatMoney(250000, "USD"));
    expect(text(fieldRow("Value")?.querySelector(".badge.source"))).toBe("Source: AI");
    expect(text(fieldRow("Payment terms"))).toContain("Net 30");
    expect(text(fieldRow("Payment terms")?.querySelector(".badge.source"))).toBe(
      "Source: read from the email",
    );
    expect(text(fieldRow("Expected close")?.querySelector(".badge.source"))).toBe(
      "Source: read from the email",
    );
    // A field nobody set has no source and offers Set.
    expect(text(fieldRow("PO number"))).toContain("Not set");
    expect(fieldRow("PO number")?.querySelector(".badge.source")).toBeNull();
    expect(button("Set PO number")).toBeDefined();
    await expectAccessible();

    button("Correct value")?.click();
    const amount = () => labelled("Amount", fieldRow("Value"));
    await vi.waitFor(() => expect(amount()).not.toBeNull());
    expect(amount()?.value).toBe("2500");
    expect(labelled("Currency", fieldRow("Value"))?.value).toBe("USD");
    expect(document.activeElement).toBe(amount());
    await expectAccessible();

    // Something unreadable is refused here, with no request.
    type(amount(), "about 3k");
    button("Save", fieldRow("Value"))?.click();
    await vi.waitFor(() =>
      expect(fieldRow("Value")?.querySelector('[role="alert"]')?.textContent).toContain(
        "Write the amount as a number",
      ),
    );
    expect(amount()?.getAttribute("aria-invalid")).toBe("true");
    expect(crm.callsOf("updateDeal")).toEqual([]);

    type(amount(), "3,000");
    button("Save", fieldRow("Value"))?.click();
    await vi.waitFor(() => expect(crm.callsOf("updateDeal")).toHaveLength(1));
    expect(crm.callsOf("updateDeal")[0]).toEqual({
      dealId: "deal_acme",
      changes: { valueMinor: 300000 },
    });
    await vi.waitFor(() => expect(text(fieldRow("Value"))).toContain(formatMoney(300000, "USD")));
    expect(text(fieldRow("Value")?.querySelector(".badge.source"))).toBe("Source: you");
    expect(document.activeElement).toBe(button("Correct value"));
    // The correction is on the timeline (reloaded after the change).
    await vi.waitFor(() =>
      expect(text(region("Activity"))).toContain("the value (read by the AI)"),
    );
  });

  it("corrects the expected close as a calendar day, and Escape cancels a correction", async () => {
    await openAcme();
    button("Correct expected close")?.click();
    const day = () => labelled("Expected close", fieldRow("Expected close"));
    await vi.waitFor(() => expect(day()).not.toBeNull());
    expect(day()?.value).toBe("2026-12-15");
    type(day(), "2027-01-04");
    // Escape leaves the correction, not the deal.
    press(day(), "Escape");
    await vi.waitFor(() => expect(day()).toBeNull());
    expect(document.querySelector("h2.detail-title")).not.toBeNull();
    expect(crm.callsOf("updateDeal")).toEqual([]);

    button("Correct expected close")?.click();
    await vi.waitFor(() => expect(day()).not.toBeNull());
    type(day(), "2027-01-04");
    button("Save", fieldRow("Expected close"))?.click();
    await vi.waitFor(() => expect(crm.callsOf("updateDeal")).toHaveLength(1));
    expect(crm.callsOf("updateDeal")[0]).toEqual({
      dealId: "deal_acme",
      changes: { expectedCloseAt: "2027-01-04T00:00:00.000Z" },
    });
    await vi.waitFor(() =>
      expect(text(fieldRow("Expected close")?.querySelector(".badge.source"))).toBe("Source: you"),
    );
  });

  it("moves the deal to another stage from the list of stages", async () => {
    await openAcme();
    const stage = () => labelled<HTMLSelectElement>("Stage", region("Stage"));
    await vi.waitFor(() => expect(stage()?.disabled).toBe(false));
    expect(all("option", stage()).map((o) => o.textContent)).toEqual([
      "Lead",
      "Negotiating",
      "Contracted",
      "Paid",
      "Lost",
    ]);
    expect(stage()?.value).toBe("stg_neg");
    choose(stage(), "stg_con");
    await vi.waitFor(() => expect(text(region("Stage"))).toContain("Moved to Contracted"));
    expect(crm.callsOf("updateDeal")).toEqual([
      { dealId: "deal_acme", changes: { stageId: "stg_con" } },
    ]);
    expect(stage()?.value).toBe("stg_con");
    await vi.waitFor(() => expect(text(region("Activity"))).toContain("Negotiating → Contracted"));
  });

  it("ticks a deliverable by sending the whole list, every id kept", async () => {
    await openAcme();
    const deliverables = () => region("Deliverables");
    expect(text(deliverables())).toContain("1 of 2 done");
    expect(text(deliverables()?.querySelector(".badge.source"))).toBe(
      "Source: read from the email",
    );
    const box = () => labelled("YouTube: 60-second integrated read", deliverables());
    expect(box()?.checked).toBe(false);
    box()?.click();
    await vi.waitFor(() => expect(crm.callsOf("updateDeal")).toHaveLength(1));
    expect(crm.callsOf("updateDeal")[0]).toEqual({
      dealId: "deal_acme",
      changes: { deliverables: acme().deliverables.map((d) => ({ ...d, done: true })) },
    });
    await vi.waitFor(() => expect(text(deliverables())).toContain("2 of 2 done"));
    expect(box()?.checked).toBe(true);
    expect(text(deliverables()?.querySelector(".badge.source"))).toBe("Source: you");
    await expectAccessible();
  });

  it("shows the activity timeline and adds a note to it", async () => {
    await openAcme();
    const activity = () => region("Activity");
    await vi.waitFor(() => expect(text(activity())).toContain("Email captured"));
    expect(text(activity())).toContain("from anna@acme.com");
    const note = () => labelled<HTMLTextAreaElement>("Add a note", activity());
    expect(button("Add note", activity())?.disabled).toBe(true);
    type(note(), "Anna asked for the script by Friday.");
    await vi.waitFor(() => expect(button("Add note", activity())?.disabled).toBe(false));
    button("Add note", activity())?.click();
    await vi.waitFor(() => expect(crm.callsOf("addDealNote")).toHaveLength(1));
    expect(crm.callsOf("addDealNote")[0]).toEqual({
      dealId: "deal_acme",
      body: "Anna asked for the script by Friday.",
    });
    await vi.waitFor(() => expect(text(activity())).toContain("Note added"));
    const entries = all(".timeline-entry", activity());
    expect(entries.map((entry) => entry.querySelector(".timeline-kind")?.textContent)).toEqual([
      "Note",
      "Email captured",
    ]);
    expect(text(entries[0])).toContain("Anna asked for the script by Friday.");
    expect(note()?.value).toBe("");
    await expectAccessible();
  });

  it("drafts a follow-up and shows it with the deal's other pending ones", async () => {
    await openAcme();
    const followups = () => region("Follow-ups");
    await vi.waitFor(() => expect(text(followups())).toContain("Any news?"));
    expect(crm.callsOf("listFollowups")).toEqual([
      { dealId: "deal_acme", status: "pending", limit: "50" },
    ]);
    button("Draft a follow-up", followups())?.click();
    await vi.waitFor(() => expect(crm.callsOf("draftFollowup")).toEqual(["deal_acme"]));
    await vi.waitFor(() => expect(text(followups())).toContain("Checking in on the launch video"));
    expect(text(followups())).toContain("Drafted a follow-up, due");
    expect(text(followups())).toContain("Check the date before sending.");
    // Soonest first; the new one takes focus.
    const subjects = all("article h4", followups()).map((h) => h.textContent);
    expect(subjects).toEqual(["Any news?", "Checking in on the launch video"]);
    await vi.waitFor(() =>
      expect(document.activeElement?.textContent).toBe("Checking in on the launch video"),
    );
    await vi.waitFor(() => expect(text(region("Activity"))).toContain("Follow-up drafted"));
    await expectAccessible();
  });

  it("offers no follow-up on a paid deal", async () => {
    crm.deals = [acme(), dealOf("deal_done", "Paid deal", { stageId: "stg_paid" })];
    await openDeals();
    button("Paid deal")?.click();
    await vi.waitFor(() => expect(region("Follow-ups")).toBeDefined());
    await vi.waitFor(() =>
      expect(button("Draft a follow-up", region("Follow-ups"))?.disabled).toBe(true),
    );
    expect(text(region("Follow-ups"))).toContain("A paid or lost deal needs no follow-up.");
  });

  it("goes back on Escape, but not over a note not added yet", async () => {
    await openAcme();
    const note = () => labelled<HTMLTextAreaElement>("Add a note", region("Activity"));
    type(note(), "Half a thought");
    await vi.waitFor(() => expect(button("Add note")?.disabled).toBe(false));
    press(note(), "Escape");
    await vi.waitFor(() => expect(text()).toContain("not saved yet"));
    expect(document.querySelector("h2.detail-title")).not.toBeNull();
    type(note(), "");
    await vi.waitFor(() => expect(text()).not.toContain("not saved yet"));
    press(document.body, "Escape");
    await vi.waitFor(() => expect(button("Nova Audio podcast read")).toBeDefined());
  });
});
