import { afterAll, describe, expect, it } from "vitest";
import type { Deliverable } from "../../shared/crm";
import { formatCalendarDay } from "../../shared/view/format";
import type { DealDetail } from "../lib/protocol";
import {
  activityText,
  amountText,
  FIELD_SPECS,
  originOf,
  parseAmount,
  parseCurrency,
  toggledDeliverables,
} from "../sidepanel/deal-fields";

/** The deal view's pure parts: money as typed, corrections sending only what changed. */
const zone = process.env.TZ;
// West of UTC, where a calendar day stored as UTC midnight is the evening before locally.
process.env.TZ = "America/Los_Angeles";
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

const deal = (extra: Partial<DealDetail> = {}) =>
  ({
    id: "deal_1",
    sponsorId: null,
    title: "Acme × Maya — launch video",
    stageId: "stg_lead",
    valueMinor: 250000,
    currency: "USD",
    probability: null,
    paymentTermsDays: 30,
    poNumber: null,
    usageRights: { term: null, channels: [], paidUsage: false },
    exclusivity: { category: null, until: null },
    deliverables: [],
    revisionRounds: null,
    expectedCloseAt: "2026-12-15T00:00:00.000Z",
    invoiceSentAt: null,
    paidAt: null,
    ownerId: null,
    source: "email",
    sourceMessageId: "m1",
    sourceThreadId: "t1",
    fieldSources: {
      valueMinor: { source: "ai", confidence: 0.8 },
      currency: { source: "heuristic", confidence: 0.9 },
    },
    lastActivityAt: "2026-11-01T00:00:00.000Z",
    stale: false,
    createdAt: "2026-11-01T00:00:00.000Z",
    updatedAt: "2026-11-01T00:00:00.000Z",
    ...extra,
  }) as DealDetail;

const spec = (id: string) => {
  const found = FIELD_SPECS.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no field ${id}`);
  return found;
};

describe("amounts", () => {
  it("reads what a person types into exact minor units", () => {
    expect(parseAmount("2500", "USD")).toEqual({ valueMinor: 250000 });
    expect(parseAmount("2,500.50", "USD")).toEqual({ valueMinor: 250050 });
    expect(parseAmount("2500,5", "EUR")).toEqual({ valueMinor: 250050 });
    expect(parseAmount(" 1 200 ", "EUR")).toEqual({ valueMinor: 120000 });
    expect(parseAmount("0.1", "USD")).toEqual({ valueMinor: 10 });
    // 0.29 * 100 is 28.999999999999996 as floats: the digits are used instead.
    expect(parseAmount("0.29", "USD")).toEqual({ valueMinor: 29 });
    expect(parseAmount("150000", "JPY")).toEqual({ valueMinor: 150000 });
    expect(parseAmount("1.5", "KWD")).toEqual({ valueMinor: 1500 });
    expect(parseAmount("-50", "USD")).toEqual({ valueMinor: -5000 });
    expect(parseAmount("", "USD")).toEqual({ valueMinor: null });
  });

  it("says why an amount cannot be read", () => {
    expect(parseAmount("12.345", "USD")).toEqual({ problem: "USD has at most 2 decimals." });
    expect(parseAmount("10.5", "JPY")).toEqual({
      problem: "JPY has no decimals: write a whole amount.",
    });
    expect(parseAmount("about 2k", "USD")).toHaveProperty("problem");
    expect(parseAmount("99999999999", "USD")).toEqual({ problem: "That amount is too large." });
  });

  it("writes minor units back as an editable number", () => {
    expect(amountText(250000, "USD")).toBe("2500");
    expect(amountText(250050, "USD")).toBe("2500.50");
    expect(amountText(5, "USD")).toBe("0.05");
    expect(amountText(-5000, "USD")).toBe("-50");
    expect(amountText(150000, "JPY")).toBe("150000");
    expect(amountText(null, "USD")).toBe("");
  });

  it("takes ISO 4217 codes in any case", () => {
    expect(parseCurrency(" eur ")).toEqual({ currency: "EUR" });
    expect(parseCurrency("EURO")).toHaveProperty("problem");
    expect(parseCurrency("ZZZ")).toHaveProperty("problem");
  });
});

describe("corrections", () => {
  it("sends only the value when only the amount changed, and nothing when nothing did", () => {
    const value = spec("value");
    expect(value.correction({ amount: "3,000", currency: "USD" }, deal())).toEqual({
      changes: { valueMinor: 300000 },
    });
    expect(value.correction({ amount: "2500", currency: "usd" }, deal())).toEqual({ changes: {} });
    // The amount is read in the new currency's units.
    expect(value.correction({ amount: "2500", currency: "JPY" }, deal())).toEqual({
      changes: { valueMinor: 2500, currency: "JPY" },
    });
    expect(value.correction({ amount: "", currency: "USD" }, deal())).toEqual({
      changes: { valueMinor: null },
    });
  });

  it("checks numbers and clears emptied fields", () => {
    expect(spec("probability").correction({ probability: "101" }, deal())).toHaveProperty(
      "problem",
    );
    expect(spec("probability").correction({ probability: "60" }, deal())).toEqual({
      changes: { probability: 60 },
    });
    expect(spec("paymentTerms").correction({ paymentTermsDays: "" }, deal())).toEqual({
      changes: { paymentTermsDays: null },
    });
    expect(spec("poNumber").correction({ poNumber: "  PO-7 " }, deal())).toEqual({
      changes: { poNumber: "PO-7" },
    });
    expect(spec("title").correction({ title: "  " }, deal())).toEqual({
      problem: "A deal needs a title.",
    });
  });

  it("keeps the expected close a calendar day (UTC midnight), shown without shifting", () => {
    const close = spec("expectedClose");
    expect(close.inputs(deal())[0]?.value).toBe("2026-12-15");
    expect(close.correction({ expectedClose: "2026-12-15" }, deal())).toEqual({ changes: {} });
    expect(close.correction({ expectedClose: "2027-01-04" }, deal())).toEqual({
      changes: { expectedCloseAt: "2027-01-04T00:00:00.000Z" },
    });
    expect(close.correction({ expectedClose: "" }, deal())).toEqual({
      changes: { expectedCloseAt: null },
    });
    // In Los Angeles 2026-12-15T00:00Z is the 14th's evening; the deadline is the 15th.
    expect(formatCalendarDay("2026-12-15T00:00:00.000Z")).toContain("15");
    expect(formatCalendarDay("2026-12-15T00:00:00.000Z")).not.toContain("14");
  });

  it("shows a field's source from the first of its columns that has one", () => {
    expect(originOf(deal(), ["valueMinor", "currency"])?.source).toBe("ai");
    expect(originOf(deal({ fieldSources: {} }), ["valueMinor"])).toBeUndefined();
  });
});

describe("deliverables and activities", () => {
  const deliverables: Deliverable[] = [
    {
      id: "dlv_1",
      platform: "youtube",
      kind: "60-second read",
      draftDueAt: null,
      approvedAt: null,
      liveAt: "2026-12-01T00:00:00.000Z",
      done: false,
      contentId: null,
    },
    {
      id: "dlv_2",
      platform: "instagram",
      kind: "2 × story",
      draftDueAt: null,
      approvedAt: null,
      liveAt: null,
      done: true,
      contentId: null,
    },
  ];

  it("toggles one deliverable and keeps the whole list with its ids", () => {
    const toggled = toggledDeliverables(deliverables, "dlv_1", true);
    expect(toggled.map((d) => [d.id, d.done])).toEqual([
      ["dlv_1", true],
      ["dlv_2", true],
    ]);
    expect(toggled[1]).toBe(deliverables[1]);
    expect(deliverables[0]?.done).toBe(false);
  });

  it("names a correction by the field, and who had read it", () => {
    expect(
      activityText({
        id: "act_1",
        dealId: "deal_1",
        kind: "field_corrected",
        body: "Corrected valueMinor (read by the AI)",
        metadata: { field: "valueMinor", previousSource: "ai" },
        actorId: "usr_1",
        createdAt: "2026-11-02T00:00:00.000Z",
      }),
    ).toEqual({ kind: "Corrected", body: "the value (read by the AI)" });
  });
});
