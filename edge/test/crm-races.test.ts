/**
 * The CRM's invariants under races and edge cases found by a breaking pass: a live deal never
 * hangs on a deleted sponsor, two opposite merges never delete both sponsors, a pipeline of 30
 * stages saves, exports use ISO 4217 minor units, and a reply captured five times at once is
 * added to its deal once.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { captureEmailSchema, DEFAULT_STAGES } from "../../shared/crm";
import { captureEmail } from "../crm/capture-email";
import { api, as, signUp, type TestUser } from "./helpers";
import { contextOf } from "./repurpose-helpers";

async function sponsor(user: TestUser, name: string) {
  const res = await api("/api/sponsors", as(user, { body: { name } }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

async function deal(user: TestUser, body: Record<string, unknown>) {
  const res = await api("/api/deals", as(user, { body: { title: "A deal", ...body } }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

/** Live deals whose sponsor is deleted (or gone): must always be none. */
async function dealsOnDeletedSponsors(workspaceId: string) {
  const { results } = await env.DB.prepare(
    `SELECT d.id FROM deals d LEFT JOIN sponsors s ON s.id = d.sponsor_id
     WHERE d.workspace_id = ? AND d.deleted_at IS NULL AND d.sponsor_id IS NOT NULL
       AND (s.id IS NULL OR s.deleted_at IS NOT NULL)`,
  )
    .bind(workspaceId)
    .all();
  return results;
}

describe("sponsors and deals under races", () => {
  it("two merges in opposite directions leave one live sponsor holding every deal", async () => {
    const user = await signUp("crm-merge-race");
    for (let round = 0; round < 6; round++) {
      const a = await sponsor(user, `A ${round}`);
      const b = await sponsor(user, `B ${round}`);
      await deal(user, { sponsorId: a });
      await deal(user, { sponsorId: b });
      const answers = await Promise.all([
        api(`/api/sponsors/${b}/merge`, as(user, { body: { sourceId: a } })),
        api(`/api/sponsors/${a}/merge`, as(user, { body: { sourceId: b } })),
      ]);
      expect(answers.map((res) => res.status).sort()).toContain(200);
      const live = await env.DB.prepare(
        "SELECT id FROM sponsors WHERE id IN (?, ?) AND deleted_at IS NULL",
      )
        .bind(a, b)
        .all();
      expect(live.results, `round ${round}`).toHaveLength(1);
      expect(await dealsOnDeletedSponsors(user.workspaceId), `round ${round}`).toEqual([]);
    }
  });

  it("a deal created while its sponsor is deleted never stays on the deleted sponsor", async () => {
    const user = await signUp("crm-create-race");
    for (let round = 0; round < 6; round++) {
      const id = await sponsor(user, `Racing ${round}`);
      const [removed, created] = await Promise.all([
        api(`/api/sponsors/${id}`, as(user, { method: "DELETE" })),
        api("/api/deals", as(user, { body: { title: "Racing deal", sponsorId: id } })),
      ]);
      // One of the two is refused: the delete (409, it has a deal) or the create (400/409).
      expect(
        [removed.status, created.status].filter((status) => status >= 400).length,
      ).toBeGreaterThan(0);
      expect(await dealsOnDeletedSponsors(user.workspaceId), `round ${round}`).toEqual([]);
    }
  });

  it("a deleted deal of a sponsor deleted since is not restored onto it (409 naming sponsorId)", async () => {
    const user = await signUp("crm-restore-orphan");
    const sponsorId = await sponsor(user, "Gone soon");
    const dealId = await deal(user, { sponsorId });
    expect((await api(`/api/deals/${dealId}`, as(user, { method: "DELETE" }))).status).toBe(200);
    expect((await api(`/api/sponsors/${sponsorId}`, as(user, { method: "DELETE" }))).status).toBe(
      200,
    );
    const restored = await api(`/api/deals/${dealId}/restore`, as(user, { method: "POST" }));
    expect(restored.status).toBe(409);
    expect(restored.body.error.issues).toEqual([
      { path: "sponsorId", message: expect.any(String) },
    ]);
    // Restoring the sponsor first lets the deal come back.
    expect(
      (await api(`/api/sponsors/${sponsorId}/restore`, as(user, { method: "POST" }))).status,
    ).toBe(200);
    expect((await api(`/api/deals/${dealId}/restore`, as(user, { method: "POST" }))).status).toBe(
      200,
    );
    expect(await dealsOnDeletedSponsors(user.workspaceId)).toEqual([]);
  });
});

describe("a reply captured several times at once", () => {
  it("is added to its thread's deal once (5 concurrent captures, each answering the deal)", async () => {
    const user = await signUp("crm-thread-race");
    const threadId = `thread-${crypto.randomUUID()}`;
    const message = (messageId: string, minute: number, bodyText: string) => ({
      messageId,
      threadId,
      subject: "Re: Sponsorship",
      from: { name: "Jane", email: "jane@northwindaudio.com" },
      to: [{ email: "sam@creator.example" }],
      date: new Date(Date.UTC(2026, 10, 2, 10, minute)).toISOString(),
      bodyText,
    });
    const first = await api(
      "/api/deals/capture-email",
      as(user, { body: message("m-1", 0, "Our budget is $2,500 for one video.") }),
    );
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    // Called as the route does, five at once in one isolate, so their reads all happen before
    // any of their writes.
    const ctx = await contextOf(user);
    const reply = captureEmailSchema.parse(message("m-2", 5, "We can also pay Net 30."));
    const answers = await Promise.all(Array.from({ length: 5 }, () => captureEmail(ctx, reply)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(answers.map((answer) => answer.data.deal.id))).toEqual(
      new Set([first.body.data.deal.id]),
    );
    const { results } = await env.DB.prepare(
      `SELECT count(*) AS n FROM deal_activities
       WHERE deal_id = ? AND kind = 'email_captured' AND json_extract(metadata, '$.messageId') = 'm-2'`,
    )
      .bind(first.body.data.deal.id)
      .all<{ n: number }>();
    expect(results[0]?.n).toBe(1);
  });
});

describe("pipeline and exports", () => {
  it("saves a pipeline of 30 stages (D1's 100 bound parameters a statement)", async () => {
    const user = await signUp("crm-thirty-stages");
    const current = (await api("/api/deals/stages", as(user))).body.data as {
      id: string;
      name: string;
      kind: string;
    }[];
    const added = Array.from({ length: 30 - current.length }, (_, i) => ({
      name: `Step ${i + 1}`,
      kind: "open",
    }));
    const res = await api(
      "/api/deals/stages",
      as(user, {
        method: "PUT",
        body: { stages: [...added, ...current.map(({ id, name, kind }) => ({ id, name, kind }))] },
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toHaveLength(30);
    expect(res.body.data.map((stage: { position: number }) => stage.position)).toEqual(
      Array.from({ length: 30 }, (_, i) => i),
    );
  });

  it("exports amounts in ISO 4217 major units, also where the runtime's display digits differ", async () => {
    const user = await signUp("crm-iso-digits");
    await deal(user, { title: "Baghdad", valueMinor: 1500, currency: "IQD" });
    await deal(user, { title: "Beirut", valueMinor: 100, currency: "LBP" });
    await deal(user, { title: "Tokyo", valueMinor: 5000, currency: "JPY" });
    const csv = await api("/api/deals/export.csv", as(user));
    expect(csv.status).toBe(200);
    const text = typeof csv.body === "string" ? csv.body : JSON.stringify(csv.body);
    const lines = text.split("\r\n");
    const header = (lines[0] ?? "").split(",");
    const amountAt = header.indexOf("amount");
    const titleAt = header.indexOf("title");
    const amounts = Object.fromEntries(
      lines.slice(1, -1).map((line) => {
        const cells = line.split(",");
        return [cells[titleAt], cells[amountAt]];
      }),
    );
    expect(amounts).toMatchObject({ Baghdad: "1.5", Beirut: "1", Tokyo: "5000" });
  });
});

describe("two admins editing the pipeline at once", () => {
  it("never interleave: one wins, the other gets 409, and every kind keeps a stage at its own position", async () => {
    const user = await signUp("crm-stage-race");
    for (let round = 0; round < 6; round++) {
      const current = (await api("/api/deals/stages", as(user))).body.data as {
        id: string;
        name: string;
        kind: string;
      }[];
      const keep = current.map(({ id, name, kind }) => ({ id, name, kind }));
      // One drops "Invoiced"; the other drops "Paid" and turns "Invoiced" into the paid stage.
      const withoutInvoiced = keep.filter((stage) => stage.name !== "Invoiced");
      const invoicedIsPaid = keep
        .filter((stage) => stage.name !== "Paid")
        .map((stage) => (stage.name === "Invoiced" ? { ...stage, kind: "paid" } : stage));
      const answers = await Promise.all([
        api("/api/deals/stages", as(user, { method: "PUT", body: { stages: withoutInvoiced } })),
        api("/api/deals/stages", as(user, { method: "PUT", body: { stages: invoicedIsPaid } })),
      ]);
      const statuses = answers.map((res) => res.status).sort();
      expect(statuses[0], JSON.stringify(answers.map((res) => res.body))).toBe(200);
      const after = (await api("/api/deals/stages", as(user))).body.data as {
        kind: string;
        position: number;
      }[];
      for (const kind of ["open", "won", "paid", "lost"]) {
        expect(
          after.some((stage) => stage.kind === kind),
          `round ${round}: ${kind}`,
        ).toBe(true);
      }
      expect(after.map((stage) => stage.position)).toEqual(after.map((_, index) => index));
      // Put the default pipeline back for the next round.
      const reset = await api(
        "/api/deals/stages",
        as(user, {
          method: "PUT",
          body: {
            stages: DEFAULT_STAGES,
          },
        }),
      );
      expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    }
  });
});

describe("limits that a merge or a credit could break", () => {
  it("refuses a merge that would leave a sponsor with more than 50 contacts", async () => {
    const user = await signUp("crm-merge-contacts");
    const contacts = (prefix: string) =>
      Array.from({ length: 30 }, (_, i) => ({ email: `${prefix}${i}@example.com` }));
    const a = await api(
      "/api/sponsors",
      as(user, { body: { name: "A", contacts: contacts("a") } }),
    );
    const b = await api(
      "/api/sponsors",
      as(user, { body: { name: "B", contacts: contacts("b") } }),
    );
    const merged = await api(
      `/api/sponsors/${a.body.data.id}/merge`,
      as(user, { body: { sourceId: b.body.data.id } }),
    );
    expect(merged.status).toBe(400);
    expect(merged.body.error.issues[0].path).toBe("sourceId");
    expect((await api(`/api/sponsors/${b.body.data.id}`, as(user))).status).toBe(200);
  });

  it("weighs a credit like a charge of the same size (rounding half away from zero)", async () => {
    const user = await signUp("crm-weighted-rounding");
    await deal(user, { title: "Charge", valueMinor: 1, currency: "USD", probability: 50 });
    await deal(user, { title: "Credit", valueMinor: -1, currency: "EUR", probability: 50 });
    const pipeline = (await api("/api/deals/pipeline", as(user))).body.data;
    const lead = pipeline.stages.find((stage: { position: number }) => stage.position === 0);
    expect(lead.totals.USD.weightedMinor).toBe(1);
    expect(lead.totals.EUR.weightedMinor).toBe(-1);
  });
});
