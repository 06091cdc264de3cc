/**
 * The Firefox build in real Firefox ESR, driven over WebDriver BiDi (puppeteer-core): it installs
 * as a temporary add-on, and its in-page features work there — the YouTube buttons and Gmail's
 * "Capture sponsor" appear beside the sites' own controls, and a click reaches the background
 * and comes back with its answer.
 *
 * Firefox maps a host name to loopback only (`network.dns.localDomains`), not to a port, so
 * each fake site listens on 127.0.0.1:443 in turn. BiDi refuses to open `moz-extension://`
 * pages, so the side panel cannot be driven here (it is, in Chromium): the extension stays
 * signed out, and a capture answers that the creator should sign in from the side panel —
 * proof that the page, Firefox's runtime messaging and the background work together. The signed
 * in capture path is the Chromium tests'.
 */
import type { Browser, Page } from "puppeteer-core";
import puppeteer from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
const UI_TIMEOUT = 20_000;

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

/** Clicks the first button of our host, as a creator would. */
const clickFirst = (page: Page, host: string) =>
  inPage(
    page,
    `document.querySelector(${JSON.stringify(host)})?.shadowRoot?.querySelector("button")?.click()`,
  );

/** What our host shows. */
const shownIn = (page: Page, host: string) =>
  inPage<string>(
    page,
    `document.querySelector(${JSON.stringify(host)})?.shadowRoot?.textContent ?? ""`,
  );

async function waitForButtons(page: Page, host: string, expected: string[]) {
  await expect
    .poll(() => buttonsIn(page, host), { timeout: UI_TIMEOUT, interval: 200 })
    .toEqual(expected);
}

describe.skipIf(!firefox)("the Firefox build in Firefox ESR", () => {
  let browser: Browser;
  let pageErrors: string[];

  beforeAll(async () => {
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath: firefox as string,
      headless: true,
      acceptInsecureCerts: true,
      extraPrefsFirefox: {
        "network.dns.localDomains":
          "www.youtube.com,i.ytimg.com,mail.google.com,lh3.googleusercontent.com",
        "network.dns.disableIPv6": true,
      },
    });
    const installed = await browser.installExtension(FIREFOX_EXTENSION_DIR);
    expect(installed).toBe(GECKO_ID);
    pageErrors = [];
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(url: string) {
    const page = await browser.newPage();
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    await page.goto(url, { waitUntil: "domcontentloaded" });
    return page;
  }

  it("shows Save idea and Repurpose on a YouTube video, and answers a click", async () => {
    let youtube: FakeYouTube | undefined;
    try {
      youtube = await startFakeYouTube({ port: 443 });
      const page = await open(youtube.watchUrl("editOneTake01"));
      await waitForButtons(page, "creatorops-youtube-actions", ["Save idea", "Repurpose"]);
      await clickFirst(page, "creatorops-youtube-actions");
      await expect
        .poll(() => shownIn(page, "creatorops-youtube-actions"), {
          timeout: UI_TIMEOUT,
          interval: 200,
        })
        .toContain("Sign in from the CreatorOps side panel first.");
      await page.close();
    } finally {
      await youtube?.close();
    }
  });

  it("shows Capture sponsor on an open Gmail message, and answers a click", async () => {
    let gmail: FakeGmail | undefined;
    try {
      gmail = await startFakeGmail({ port: 443 });
      const page = await open(gmail.conversationUrl(EMAILS.brightline.token));
      await waitForButtons(page, "creatorops-gmail-capture", ["Capture sponsor"]);
      await clickFirst(page, "creatorops-gmail-capture");
      await expect
        .poll(() => shownIn(page, "creatorops-gmail-capture"), {
          timeout: UI_TIMEOUT,
          interval: 200,
        })
        .toContain("Sign in from the CreatorOps side panel first.");
      // Gmail's own page is untouched.
      expect(await inPage<string>(page, `document.querySelector("h2.hP")?.textContent`)).toContain(
        EMAILS.brightline.subject,
      );
      await page.close();
    } finally {
      await gmail?.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
