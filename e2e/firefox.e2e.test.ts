/**
 * The Firefox build in real Firefox ESR, driven over WebDriver BiDi (puppeteer-core), against a
 * real local edge: it installs as a temporary add-on, the creator signs in from its side panel
 * page, and the in-page features take captures that land in the API — the YouTube "Save idea"
 * (a content item) and Gmail's "Capture sponsor" (a deal with the amount and deadline read
 * from the email).
 *
 * Firefox maps a host name to loopback only (`network.dns.localDomains`), not to a port, so each
 * fake site listens on 127.0.0.1:443 in turn. BiDi opens `moz-extension://` pages only when
 * Firefox runs with `-remote-allow-system-access`; the moz-extension UUID is pinned by a pref
 * so that the API can allow the extension's origin.
 */
import type { Browser, Page } from "puppeteer-core";
import puppeteer from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UI_TIMEOUT } from "./harness/browser";
import { type ApiUser, signUp, startEdge, type TestEdge } from "./harness/edge";
import { EMAILS, type FakeGmail, startFakeGmail } from "./harness/gmail";
import { FIREFOX_EXTENSION_DIR, firefoxPath } from "./harness/paths";
import { type FakeYouTube, startFakeYouTube } from "./harness/youtube";

const firefox = firefoxPath();
if (!firefox) {
  console.warn(
    "Firefox ESR not found at /usr/bin/firefox-esr: the Firefox build's test is skipped (apt-get install -y firefox-esr).",
  );
}

const GECKO_ID = "extension@creatorops.ai";
const UUID = "6f3c2a1e-8d4b-4c7a-9e21-5b0f7d3c9a84";
const EXTENSION_ORIGIN = `moz-extension://${UUID}`;
const poll = { timeout: UI_TIMEOUT, interval: 200 };

/**
 * Runs `expression` in the page. The e2e project has no DOM types (it drives pages from Node),
 * so page code is written as text.
 */
const inPage = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;

/** The text of every button in our shadow-root hosts named `host`. */
function buttonsIn(page: Page, host: string): Promise<string[]> {
  return inPage(
    page,
    String.raw`[...document.querySelectorAll(${JSON.stringify(host)})].flatMap((element) =>
      [...(element.shadowRoot?.querySelectorAll("button") ?? [])].map((button) =>
        (button.textContent ?? "").replace(/^[+✦$]/, "").replace(/\s+/g, " ").trim()))`,
  );
}

/** Clicks the first button of our host once it is enabled (it checks the API first). */
async function clickFirst(page: Page, host: string) {
  const button = `document.querySelector(${JSON.stringify(host)})?.shadowRoot?.querySelector("button")`;
  await expect.poll(() => inPage<boolean>(page, `${button}?.disabled === false`), poll).toBe(true);
  await inPage(page, `${button}.click()`);
}

/** What our host shows. */
const shownIn = (page: Page, host: string) =>
  inPage<string>(
    page,
    `document.querySelector(${JSON.stringify(host)})?.shadowRoot?.textContent ?? ""`,
  );

describe.skipIf(!firefox)("the Firefox build in Firefox ESR", () => {
  let edge: TestEdge;
  let user: ApiUser;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    edge = await startEdge({ vars: { EXTENSION_ORIGINS: EXTENSION_ORIGIN } });
    user = await signUp(edge.origin);
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath: firefox as string,
      headless: true,
      acceptInsecureCerts: true,
      args: ["-remote-allow-system-access"],
      extraPrefsFirefox: {
        "network.dns.localDomains":
          "www.youtube.com,i.ytimg.com,mail.google.com,lh3.googleusercontent.com",
        "network.dns.disableIPv6": true,
        "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: UUID }),
      },
    });
    expect(await browser.installExtension(FIREFOX_EXTENSION_DIR)).toBe(GECKO_ID);
  });

  afterAll(async () => {
    await browser?.close();
    await edge?.dispose();
  });

  async function open(url: string) {
    const page = await browser.newPage();
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    await page.goto(url, { waitUntil: "domcontentloaded" });
    return page;
  }

  /**
   * Opens one of the extension's pages. BiDi reports no navigation events for them, so the
   * page is awaited by its content instead of by `goto`.
   */
  async function openExtensionPage(page: Page, path: string, selector: string) {
    void page.goto(`${EXTENSION_ORIGIN}/${path}`).catch(() => undefined);
    await page.waitForSelector(selector, { timeout: UI_TIMEOUT });
  }

  it("installs as a temporary add-on and signs in from its side panel page", async () => {
    const panel = await browser.newPage();
    panel.on("pageerror", (error) => pageErrors.push(String(error)));
    await openExtensionPage(panel, "sidepanel.html", 'input[name="email"]');
    // Pointed at this run's edge, as the options page would (the build's default is :8787).
    await inPage(panel, `browser.storage.local.set({ apiOrigin: ${JSON.stringify(edge.origin)} })`);
    await openExtensionPage(panel, "sidepanel.html", 'input[name="email"]');
    await expect
      .poll(() => inPage<string>(panel, "document.body.innerText"), poll)
      .toContain(edge.origin);
    await panel.type('input[name="email"]', user.email);
    await panel.type('input[name="password"]', user.password);
    await panel.click('button[type="submit"]');
    await expect
      .poll(() => inPage<string>(panel, "document.body.innerText"), poll)
      .toContain("Ideas");
    await panel.close();
  });

  it("saves a YouTube video as an idea from the page", async () => {
    let youtube: FakeYouTube | undefined;
    try {
      youtube = await startFakeYouTube({ port: 443 });
      const page = await open(youtube.watchUrl("editOneTake01"));
      await expect
        .poll(() => buttonsIn(page, "creatorops-youtube-actions"), poll)
        .toEqual(["Save idea", "Repurpose"]);
      await clickFirst(page, "creatorops-youtube-actions");
      await expect
        .poll(() => buttonsIn(page, "creatorops-youtube-actions"), poll)
        .toContain("Saved ✓");
      const saved = await user.contentForVideo("editOneTake01");
      expect(saved.map((item) => item.title)).toEqual(["How I Edit a Video in One Take"]);
      await page.close();
    } finally {
      await youtube?.close();
    }
  });

  it("captures a sponsor email from Gmail as a deal with its amount and deadline", async () => {
    let gmail: FakeGmail | undefined;
    try {
      gmail = await startFakeGmail({ port: 443 });
      const email = EMAILS.brightline;
      const page = await open(gmail.conversationUrl(email.token));
      await expect
        .poll(() => buttonsIn(page, "creatorops-gmail-capture"), poll)
        .toEqual(["Capture sponsor"]);
      await clickFirst(page, "creatorops-gmail-capture");
      await expect
        .poll(() => shownIn(page, "creatorops-gmail-capture"), poll)
        .toContain("Deal created ✓");
      const deals = await user.request<{
        items: { valueMinor: number | null; currency: string; expectedCloseAt: string | null }[];
      }>(`/api/deals?sourceMessageId=${encodeURIComponent(email.messageId)}`);
      expect(deals.items).toEqual([
        expect.objectContaining({
          valueMinor: 250_000,
          currency: "USD",
          expectedCloseAt: "2027-01-15T00:00:00.000Z",
        }),
      ]);
      // Gmail's own page is untouched.
      expect(await inPage<string>(page, `document.querySelector("h2.hP")?.textContent`)).toContain(
        email.subject,
      );
      await page.close();
    } finally {
      await gmail?.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
