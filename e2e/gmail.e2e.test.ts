/**
 * The Gmail button end to end: the real build in headless Chromium, a real local edge, and a
 * fake mail.google.com that behaves like Gmail's single-page app (e2e/harness/gmail.ts). Each
 * test asserts what a creator sees (the button in the message header, the side panel) and what
 * the API then holds.
 *
 * Tests share one browser and one signed-in user (like a creator's session); each one signs in
 * and captures what it needs on its own if an earlier one did not, so any test can run alone
 * (`-t`).
 */
import type { Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Deal, Followup } from "../shared/crm";
import { accessibilityViolations } from "./harness/axe";
import {
  type CollectedError,
  closeTestTabs,
  describeErrors,
  type ExtensionBrowser,
  GMAIL_CAPTURE_HOST,
  launchWithExtension,
  text,
  UI_TIMEOUT,
  visible,
} from "./harness/browser";
import { type ApiUser, signUp, startEdgeForExtension, type TestEdge } from "./harness/edge";
import {
  EMAILS,
  type FakeEmail,
  type FakeGmail,
  FIXTURE_CONVERSATIONS,
  GMAIL_ORIGIN,
  startFakeGmail,
} from "./harness/gmail";
import { signInThroughPanel } from "./harness/panel";
import { artifactPath, chromiumPath, EXTENSION_DIR, missingChromiumBanner } from "./harness/paths";

const hasChromium = chromiumPath() !== null;
if (!hasChromium) console.warn(missingChromiumBanner());

const ACCOUNT_EMAIL = "alex@creatorstudio.tv";

type ApiDeal = Deal & { lastActivityAt: string; stale: boolean };

const ourHosts = (scope: Page | Locator) => scope.locator(GMAIL_CAPTURE_HOST);

/** An open message of the conversation on screen, by its legacy id (on div.adn or inside it). */
const openMessage = (page: Page, messageId: string) =>
  page.locator(
    `div.adn[data-legacy-message-id="${messageId}"], div.adn:has([data-legacy-message-id="${messageId}"])`,
  );

/** Our button area in one message's header. */
const captureArea = (page: Page, messageId: string) => ourHosts(openMessage(page, messageId));

/** What our button area shows (its shadow root's text, whitespace collapsed). */
async function shownText(area: Locator): Promise<string> {
  const shown = await area.evaluate((host) => host.shadowRoot?.textContent ?? "");
  return shown.replace(/\s+/g, " ").trim();
}

describe.skipIf(!hasChromium)("The Gmail button in Chromium", () => {
  let edge: TestEdge;
  let user: ApiUser;
  let gmail: FakeGmail;
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    edge = await startEdgeForExtension(EXTENSION_DIR);
    user = await signUp(edge.origin);
    gmail = await startFakeGmail();
    browser = await launchWithExtension({
      hostResolverRules: gmail.hostResolverRules,
      apiOrigin: edge.origin,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await gmail?.close();
    await edge?.dispose();
  });

  afterEach(async ({ task }) => {
    await closeTestTabs(browser, task, edge, "failed-gmail-");
    if (edge && !edge.running) await edge.start();
  });

  /** The one expected failure: the offline test's refused connection. */
  const offlineNoise = (error: CollectedError) =>
    /ERR_CONNECTION_REFUSED/.test(error.text) && error.sourceUrl.startsWith(edge.origin);

  async function ensureSignedIn() {
    const session = await browser.getStorage<{ user?: { email?: string } } | null>("session");
    if (session?.user?.email === user.email) return;
    const panel = await signInThroughPanel(browser, user, UI_TIMEOUT);
    await panel.close();
  }

  /** The live deals captured from a message (the API keeps at most one per message). */
  async function dealsFrom(messageId: string): Promise<ApiDeal[]> {
    const page = await user.request<{ items: ApiDeal[] }>(
      `/api/deals?sourceMessageId=${encodeURIComponent(messageId)}`,
    );
    return page.items;
  }

  async function openConversation(token: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(gmail.conversationUrl(token));
    return page;
  }

  /** Opens the email's conversation and waits for its Capture sponsor button. */
  async function openUncaptured(email: FakeEmail): Promise<{ page: Page; capture: Locator }> {
    const page = await openConversation(email.token);
    const capture = captureArea(page, email.messageId).getByRole("button", {
      name: "Capture sponsor",
    });
    await visible(capture);
    return { page, capture };
  }

  /** Captures the email from its page unless an earlier test did. */
  async function ensureCaptured(email: FakeEmail) {
    if ((await dealsFrom(email.messageId)).length > 0) return;
    const { page, capture } = await openUncaptured(email);
    await capture.click();
    await visible(captureArea(page, email.messageId).getByText("Deal created ✓"));
    await page.close();
  }

  /** Watches for page loads: Gmail's navigation must not make any. */
  function countLoads(page: Page) {
    const loads: string[] = [];
    page.on("load", () => loads.push(page.url()));
    return loads;
  }

  /** Changes the hash as a click on a Gmail link does; resolves once that view is rendered. */
  async function goToHash(page: Page, hash: string) {
    const renders = Number(await page.evaluate("window.__renders"));
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await expect.poll(() => page.evaluate("window.__renders")).toBeGreaterThan(renders);
  }

  it("captures a sponsor email: the deal holds the amount and deadline read from it, and the button says so", async () => {
    await ensureSignedIn();
    const email = EMAILS.brightline;
    const { page, capture } = await openUncaptured(email);
    const area = captureArea(page, email.messageId);

    // One button, in the message's header beside Gmail's reply and more buttons.
    await expect.poll(() => ourHosts(page).count()).toBe(1);
    expect(
      await openMessage(page, email.messageId).locator(`td.acX > ${GMAIL_CAPTURE_HOST}`).count(),
    ).toBe(1);
    expect(await accessibilityViolations(page, [GMAIL_CAPTURE_HOST])).toEqual([]);
    await browser.screenshot(page, "gmail-button.png");

    await capture.click();
    await visible(area.getByText("Deal created ✓"));
    await visible(area.getByRole("button", { name: "Open in side panel" }));
    expect(await area.getByRole("button", { name: "Capture sponsor" }).count()).toBe(0);
    const shown = await shownText(area);
    expect(shown).toContain(email.subject);
    expect(shown).toContain(email.expected.facts);

    await expect.poll(() => dealsFrom(email.messageId)).toHaveLength(1);
    const [deal] = await dealsFrom(email.messageId);
    expect(deal).toMatchObject({
      title: email.subject,
      valueMinor: email.expected.valueMinor,
      currency: email.expected.currency,
      source: "email",
      sourceMessageId: email.messageId,
      sourceThreadId: email.threadId,
    });
    expect(deal?.expectedCloseAt?.slice(0, 10)).toBe(email.expected.expectedCloseDay);

    // The result (light theme, Gmail's default) meets WCAG 2.1 AA too.
    expect(await accessibilityViolations(page, [GMAIL_CAPTURE_HOST])).toEqual([]);
    await browser.screenshot(page, "gmail-captured.png");
    // The message with the result, as the README shows it.
    await openMessage(page, email.messageId)
      .locator("table.cf.gJ")
      .first()
      .screenshot({ path: artifactPath("gmail-capture.png") });
  });

  it("captures the same email once: In pipeline ✓ after a reload and from a second tab", async () => {
    await ensureSignedIn();
    // Reloading a captured email's conversation: the button asks the API and says so.
    const captured = EMAILS.brightline;
    await ensureCaptured(captured);
    const page = await openConversation(captured.token);
    const area = captureArea(page, captured.messageId);
    await visible(area.getByText("In pipeline ✓"));
    await page.reload();
    await visible(area.getByText("In pipeline ✓"));
    await visible(area.getByRole("button", { name: "Open in side panel" }));
    expect(await area.getByRole("button", { name: "Capture sponsor" }).count()).toBe(0);
    expect(await dealsFrom(captured.messageId)).toHaveLength(1);

    // Two tabs show the same new email; both capture it: the second answers the first's deal.
    const email = EMAILS.glowcam;
    const first = await openUncaptured(email);
    const second = await openUncaptured(email);
    await first.capture.click();
    await visible(captureArea(first.page, email.messageId).getByText("Deal created ✓"));
    await second.capture.click();
    const secondArea = captureArea(second.page, email.messageId);
    await visible(secondArea.getByText("In pipeline ✓"));
    expect(await shownText(secondArea)).toContain(email.subject);
    await expect.poll(() => dealsFrom(email.messageId)).toHaveLength(1);
    const all = await user.request<{ items: ApiDeal[] }>("/api/deals?limit=100");
    expect(all.items.filter((deal) => deal.sourceMessageId === email.messageId)).toHaveLength(1);

    await first.page.reload();
    await visible(captureArea(first.page, email.messageId).getByText("In pipeline ✓"));
  });

  it("follows Gmail's hash navigation between conversations: the button is for the message on screen", async () => {
    await ensureSignedIn();
    const from = EMAILS.brightline;
    const to = EMAILS.lumen;
    const page = await openConversation(from.token);
    await visible(captureArea(page, from.messageId).getByRole("button").first());
    const loads = countLoads(page);

    // Another conversation (the view's content swapped, no page load).
    await goToHash(page, `#inbox/${to.token}`);
    await visible(page.locator("h2.hP", { hasText: to.subject }));
    const capture = captureArea(page, to.messageId).getByRole("button", {
      name: "Capture sponsor",
    });
    await visible(capture);
    await expect.poll(() => ourHosts(page).count()).toBe(1);

    // Capturing now captures the message on screen, not the one the page was loaded with.
    await capture.click();
    await visible(captureArea(page, to.messageId).getByText("Deal created ✓"));
    await expect.poll(() => dealsFrom(to.messageId)).toHaveLength(1);
    const [deal] = await dealsFrom(to.messageId);
    expect(deal).toMatchObject({
      title: to.subject,
      valueMinor: to.expected.valueMinor,
      sourceMessageId: to.messageId,
      sourceThreadId: to.threadId,
    });
    expect((await dealsFrom(from.messageId)).length).toBeLessThanOrEqual(1);

    // Back and forward (hash navigation again): each conversation's own button, once.
    await page.goBack();
    await visible(page.locator("h2.hP", { hasText: from.subject }));
    await visible(captureArea(page, from.messageId).getByRole("button").first());
    await expect.poll(() => ourHosts(page).count()).toBe(1);
    await page.goForward();
    await visible(captureArea(page, to.messageId).getByText("In pipeline ✓"));
    await expect.poll(() => ourHosts(page).count()).toBe(1);

    // A conversation of three: one button per open message, none for the collapsed one.
    const three = FIXTURE_CONVERSATIONS.threeMessages;
    await goToHash(page, `#inbox/${three.token}`);
    for (const messageId of three.openMessageIds) {
      await visible(captureArea(page, messageId).getByRole("button").first());
    }
    await expect.poll(() => ourHosts(page).count()).toBe(three.openMessageIds.length);

    // The inbox: no open message, no button.
    await page.getByRole("button", { name: "Back to Inbox" }).click();
    await visible(page.getByText(three.subject));
    await expect.poll(() => ourHosts(page).count()).toBe(0);
    expect(loads, "the fake Gmail navigated without a page load").toEqual([]);
  });

  it("opens a conversation from the inbox list: its buttons appear once Gmail renders it", async () => {
    await ensureSignedIn();
    const three = FIXTURE_CONVERSATIONS.threeMessages;
    const page = await browser.newPage();
    await page.goto(gmail.url("#inbox"));
    await visible(page.getByText(three.subject));
    const loads = countLoads(page);

    // A click on the row: the hash changes first, the conversation arrives a moment later.
    await page.getByText(three.subject).click();
    await visible(page.locator("h2.hP", { hasText: three.subject }));
    for (const messageId of three.openMessageIds) {
      await visible(captureArea(page, messageId).getByRole("button").first());
    }
    await expect.poll(() => ourHosts(page).count()).toBe(three.openMessageIds.length);

    // Back to the list and forward into the conversation again (history, no page load).
    await page.goBack();
    await expect.poll(() => page.url()).toBe(gmail.url("#inbox"));
    await expect.poll(() => ourHosts(page).count()).toBe(0);
    await page.goForward();
    for (const messageId of three.openMessageIds) {
      await visible(captureArea(page, messageId).getByRole("button").first());
    }
    expect(loads, "the fake Gmail navigated without a page load").toEqual([]);
  });

  it("queues a capture while the API is down and lands it exactly once when it is back", async () => {
    await ensureSignedIn();
    const email = EMAILS.trailforge;
    const { page, capture } = await openUncaptured(email);
    const area = captureArea(page, email.messageId);
    const panel = await browser.openSidePanel();
    const pending = panel.getByRole("region", { name: "Pending captures" });
    await visible(panel.getByRole("heading", { name: "Ideas" }));
    await edge.stop();

    await capture.click();
    await visible(area.getByRole("button", { name: /^Queued/ }));
    expect(await area.getByText(/Deal created|In pipeline/).count()).toBe(0);
    await visible(pending.getByText(email.subject));
    const queue =
      await browser.getStorage<{ kind: string; body: { messageId: string } }[]>("captureQueue");
    expect(queue?.map((entry) => [entry.kind, entry.body.messageId])).toEqual([
      ["sponsorEmail", email.messageId],
    ]);
    await browser.screenshot(page, "gmail-queued.png");

    await edge.start();
    await pending.getByRole("button", { name: "Retry now" }).click();
    await expect
      .poll(() => dealsFrom(email.messageId), { timeout: 90_000, interval: 1_000 })
      .toHaveLength(1);
    // The tab that captured is told; the queue and the pending list empty.
    await visible(area.getByText("Deal created ✓"), 30_000);
    expect(await shownText(area)).toContain(email.expected.facts);
    await expect.poll(() => browser.getStorage<unknown[]>("captureQueue")).toEqual([]);
    await expect
      .poll(() => pending.getByText(email.subject).count(), { timeout: UI_TIMEOUT })
      .toBe(0);
    // Exactly one deal, however many attempts it took.
    const all = await user.request<{ items: ApiDeal[] }>("/api/deals?limit=100");
    expect(all.items.filter((deal) => deal.sourceMessageId === email.messageId)).toHaveLength(1);
    const [deal] = await dealsFrom(email.messageId);
    expect(deal?.valueMinor).toBe(email.expected.valueMinor);
  });

  it("leaves Gmail's page intact and logs no errors from the extension", async () => {
    await ensureSignedIn();
    const email = EMAILS.brightline;
    const page = await openConversation(email.token);
    const message = openMessage(page, email.messageId);
    await visible(captureArea(page, email.messageId).getByRole("button").first());
    await expect.poll(() => ourHosts(page).count()).toBe(1);

    expect(await page.title()).toBe(`${email.subject} - ${ACCOUNT_EMAIL} - Gmail`);
    expect(await text(page.locator("h2.hP"))).toBe(email.subject);
    expect(await text(message.locator("span.gD"))).toBe(email.from.name);
    expect(await text(message.locator("div.a3s"))).toContain(email.paragraphs[2]);
    await visible(page.locator("#host-marker"));
    expect(await page.evaluate("window.GM_ACTION_TOKEN")).toBe("noise");
    // Gmail's own reply and more buttons are still there, after ours.
    expect(
      await message
        .locator("td.acX > *")
        .evaluateAll((els) => els.map((el) => el.getAttribute("aria-label") ?? el.localName)),
    ).toEqual([GMAIL_CAPTURE_HOST, "Reply", "More message options"]);
    // Our styles stay in our shadow root: the page keeps only its own stylesheet.
    // (Evaluated in the page: Playwright's CSS locators would pierce our shadow root.)
    expect(
      await page.evaluate(`document.querySelectorAll("style, link[rel=stylesheet]").length`),
    ).toBe(1);
    await page.close();

    // Over the whole run: nothing logged on Gmail pages (the fake itself logs nothing), and no
    // uncaught errors or console errors in the extension's own pages or worker.
    const onGmail = browser.errors.filter((error) => error.pageUrl.startsWith(GMAIL_ORIGIN));
    expect(describeErrors(onGmail)).toBe("");
    const inExtension = browser.errors.filter(
      (error) => error.pageUrl.startsWith(browser.extensionOrigin) && !offlineNoise(error),
    );
    expect(describeErrors(inExtension)).toBe("");
  });

  it("the side panel lists the due follow-up and marks it sent", async () => {
    await ensureSignedIn();
    const email = EMAILS.northwind;
    await ensureCaptured(email);
    const [deal] = await dealsFrom(email.messageId);
    if (!deal) throw new Error("unreachable");
    const { followup } = await user.request<{ followup: Followup }>(
      `/api/deals/${deal.id}/followup`,
      {
        method: "POST",
        headers: { "Idempotency-Key": `e2e-followup-${deal.id}` },
        body: JSON.stringify({ dueAt: new Date().toISOString() }),
      },
    );
    expect(followup.status).toBe("pending");

    const panel = await browser.openSidePanel();
    await panel.getByRole("tab", { name: "Deals" }).click();
    await visible(panel.getByText(email.subject).first());
    expect(await accessibilityViolations(panel)).toEqual([]);
    await browser.screenshot(panel, "sidepanel-deals.png");

    await panel.getByRole("tab", { name: "Follow-ups" }).click();
    // Due now: today, or overdue when the run crossed midnight.
    const due = panel.getByRole("region", { name: /^(Overdue|Due today)\b/ });
    const card = due.getByRole("article", { name: followup.subject });
    await visible(card);
    expect(await accessibilityViolations(panel)).toEqual([]);
    await browser.screenshot(panel, "sidepanel-followups.png");

    await card.getByRole("button", { name: "Mark sent" }).click();
    await visible(panel.getByText(`Marked as sent: ${followup.subject}`).first());
    await expect
      .poll(async () => {
        const page = await user.request<{ items: Followup[] }>(
          `/api/followups?dealId=${encodeURIComponent(deal.id)}`,
        );
        return page.items.find((item) => item.id === followup.id)?.status;
      })
      .toBe("sent");
    expect(
      describeErrors(
        browser.errors.filter(
          (error) => error.pageUrl.startsWith(browser.extensionOrigin) && !offlineNoise(error),
        ),
      ),
    ).toBe("");
  });
});
