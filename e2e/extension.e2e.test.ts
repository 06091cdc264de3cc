/**
 * The extension end to end: the real build in headless Chromium, a real local edge, and a
 * fake www.youtube.com that behaves like YouTube's single-page app. Each test asserts what a
 * creator would see (buttons, panel) and what the API then holds.
 *
 * Tests share one browser and one signed-in user (like a creator's session); each one signs
 * in on its own if an earlier one did not, so any test can run alone (`-t`).
 */
import type { Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations } from "./harness/axe";
import {
  type CollectedError,
  closeTestTabs,
  describeErrors,
  type ExtensionBrowser,
  launchWithExtension,
  text,
  UI_TIMEOUT,
  visible,
  YOUTUBE_ACTIONS_HOST,
} from "./harness/browser";
import { type ApiUser, signUp, startEdgeForExtension, type TestEdge } from "./harness/edge";
import { signInThroughPanel } from "./harness/panel";
import { chromiumPath, EXTENSION_DIR, missingChromiumBanner } from "./harness/paths";
import { type FakeYouTube, fakeVideo, startFakeYouTube, YOUTUBE_ORIGIN } from "./harness/youtube";

const hasChromium = chromiumPath() !== null;
if (!hasChromium) console.warn(missingChromiumBanner());

const ourActions = (page: Page) => page.locator(YOUTUBE_ACTIONS_HOST);
const ourButton = (page: Page, name: string | RegExp) =>
  ourActions(page).getByRole("button", { name });

/** The accessible names of the buttons the extension put in the page. */
async function ourButtonNames(page: Page): Promise<string[]> {
  const buttons = ourActions(page).getByRole("button");
  const names: string[] = [];
  for (const button of await buttons.all()) {
    names.push((await button.getAttribute("aria-label")) ?? (await text(button)));
  }
  return names;
}

describe.skipIf(!hasChromium)("CreatorOps extension in Chromium", () => {
  let edge: TestEdge;
  let user: ApiUser;
  let youtube: FakeYouTube;
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    edge = await startEdgeForExtension(EXTENSION_DIR);
    user = await signUp(edge.origin);
    youtube = await startFakeYouTube();
    browser = await launchWithExtension({
      hostResolverRules: youtube.hostResolverRules,
      apiOrigin: edge.origin,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await youtube?.close();
    await edge?.dispose();
  });

  afterEach(async ({ task }) => {
    await closeTestTabs(browser, task, edge, "failed-");
  });

  /** Signs in through the side panel (the creator's way); answers the panel page. */
  const signInFromPanel = () => signInThroughPanel(browser, user, UI_TIMEOUT);

  async function ensureSignedIn() {
    const session = await browser.getStorage<{ user?: { email?: string } } | null>("session");
    if (session?.user?.email === user.email) return;
    const panel = await signInFromPanel();
    await panel.close();
  }

  async function openWatch(videoId: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(youtube.watchUrl(videoId));
    return page;
  }

  /** Follows an "Up next" link: YouTube's SPA navigation, no page load. */
  async function followLink(page: Page, videoId: string) {
    const loads: string[] = [];
    const onLoad = () => loads.push(page.url());
    page.on("load", onLoad);
    await page.getByRole("link", { name: fakeVideo(videoId).title }).click();
    await visible(page.locator("ytd-watch-metadata h1", { hasText: fakeVideo(videoId).title }));
    await expect.poll(() => page.url()).toBe(youtube.watchUrl(videoId));
    page.off("load", onLoad);
    expect(loads, "the fake YouTube navigated without a page load").toEqual([]);
  }

  it("signs in from the side panel", async () => {
    // WCAG 2.1 AA (axe-core, colour contrast included) on the sign-in form, then the signed-in panel.
    const signInForm = await browser.openSidePanel();
    await visible(signInForm.getByLabel("Email"));
    expect(await accessibilityViolations(signInForm)).toEqual([]);
    await signInForm.close();

    const panel = await signInFromPanel();
    await visible(panel.getByLabel("Search"));
    expect(await accessibilityViolations(panel)).toEqual([]);
    const session = await browser.getStorage<{ user: { email: string } }>("session");
    expect(session?.user.email).toBe(user.email);
    await browser.screenshot(panel, "sidepanel.png");
    await panel.close();

    // The options page (the API address) meets the same bar, and its field is reachable by Tab.
    const options = await browser.newPage();
    await options.goto(`${browser.extensionOrigin}/options.html`);
    await visible(options.getByLabel("API address"));
    expect(await accessibilityViolations(options)).toEqual([]);
    await options.keyboard.press("Tab");
    const focused = await options
      .getByLabel("API address")
      .evaluate((field) => field === field.ownerDocument.activeElement);
    expect(focused, "Tab reaches the API address first").toBe(true);
    await options.close();
  });

  it("saves an idea from a watch page, with the video's metadata", async () => {
    await ensureSignedIn();
    const video = fakeVideo("editOneTake01");
    const page = await openWatch(video.id);

    const save = ourButton(page, "Save idea");
    await visible(save);
    // Next to the video's own actions, once.
    await expect
      .poll(() =>
        page
          .locator(`ytd-watch-metadata #top-level-buttons-computed ${YOUTUBE_ACTIONS_HOST}`)
          .count(),
      )
      .toBe(1);
    expect(await ourActions(page).count()).toBe(1);
    expect(await ourButton(page, /Repurpose/).count()).toBe(1);
    expect(await accessibilityViolations(page, [YOUTUBE_ACTIONS_HOST])).toEqual([]);
    await browser.screenshot(page, "youtube-buttons.png");

    await save.click();
    await visible(ourButton(page, /Saved/));
    expect(await ourButton(page, "Save idea").count()).toBe(0);

    await expect.poll(() => user.contentForVideo(video.id)).toHaveLength(1);
    const [item] = await user.contentForVideo(video.id);
    expect(item).toMatchObject({
      title: video.title,
      // The description is the piece repurposing reads.
      body: video.description,
      status: "idea",
      source: {
        kind: "youtube",
        videoId: video.id,
        url: `${YOUTUBE_ORIGIN}/watch?v=${video.id}`,
        channel: video.channel,
        description: video.description,
        durationSeconds: video.durationSeconds,
      },
    });
    await browser.screenshot(page, "youtube-saved.png");
    await page.close();
  });

  it("follows YouTube's SPA navigation: buttons for the new video, Saved ✓ coming back", async () => {
    await ensureSignedIn();
    const saved = fakeVideo("editOneTake01");
    const next = fakeVideo("lightingKit02");
    const page = await openWatch(saved.id);
    if ((await user.contentForVideo(saved.id)).length === 0) {
      await ourButton(page, "Save idea").click();
    }
    await visible(ourButton(page, /Saved/));

    await followLink(page, next.id);
    await visible(ourButton(page, "Save idea"));
    // Exactly one set of our buttons, and none left from the previous video.
    await expect.poll(() => ourActions(page).count()).toBe(1);
    expect(await ourButton(page, /Saved/).count()).toBe(0);
    expect(await ourButtonNames(page)).toHaveLength(2);
    await browser.screenshot(page, "youtube-spa-next.png");

    // Saving now must capture the video on screen, not the one the page was loaded with.
    await ourButton(page, "Save idea").click();
    await visible(ourButton(page, /Saved/));
    await expect.poll(() => user.contentForVideo(next.id)).toHaveLength(1);
    const [nextItem] = await user.contentForVideo(next.id);
    expect(nextItem).toMatchObject({
      title: next.title,
      source: {
        videoId: next.id,
        url: `${YOUTUBE_ORIGIN}/watch?v=${next.id}`,
        channel: next.channel,
        durationSeconds: next.durationSeconds,
      },
    });
    expect(await user.contentForVideo(saved.id)).toHaveLength(1);

    // A third video, not saved: "Save idea" again.
    await followLink(page, "audioFixes03");
    await visible(ourButton(page, "Save idea"));
    await expect.poll(() => ourActions(page).count()).toBe(1);

    // Back (popstate, still no page load) to a saved video: the extension asks the API.
    await page.goBack();
    await visible(page.locator("ytd-watch-metadata h1", { hasText: next.title }));
    await visible(ourButton(page, /Saved/));
    await expect.poll(() => ourActions(page).count()).toBe(1);
    expect(await ourButton(page, "Save idea").count()).toBe(0);

    await page.goBack();
    await visible(page.locator("ytd-watch-metadata h1", { hasText: saved.title }));
    await visible(ourButton(page, /Saved/));
    await expect.poll(() => ourActions(page).count()).toBe(1);
    await page.close();
  });

  it("puts the buttons in the active Short's actions, and saves the Short", async () => {
    await ensureSignedIn();
    const short = fakeVideo("shortHook001", "shorts");
    const page = await browser.newPage();
    await page.goto(youtube.shortsUrl(short.id));

    const activeActions = page.locator(
      `ytd-reel-video-renderer[is-active] #actions ${YOUTUBE_ACTIONS_HOST}`,
    );
    await visible(activeActions.getByRole("button", { name: "Save idea" }));
    await expect.poll(() => ourActions(page).count()).toBe(1);
    await browser.screenshot(page, "youtube-shorts-buttons.png");

    await activeActions.getByRole("button", { name: "Save idea" }).click();
    await visible(activeActions.getByRole("button", { name: /Saved/ }));
    await expect.poll(() => user.contentForVideo(short.id)).toHaveLength(1);
    const [item] = await user.contentForVideo(short.id);
    expect(item).toMatchObject({
      title: short.title,
      source: {
        kind: "youtube",
        videoId: short.id,
        url: `${YOUTUBE_ORIGIN}/shorts/${short.id}`,
        channel: short.channel,
      },
    });

    // Scrolling to the next Short (SPA): the buttons follow the reel now on screen.
    const nextShort = fakeVideo("nextShort002", "shorts");
    await page.evaluate(`window.__navigate(${JSON.stringify(`/shorts/${nextShort.id}`)})`);
    await visible(page.locator("ytd-reel-video-renderer[is-active]", { hasText: nextShort.title }));
    await visible(activeActions.getByRole("button", { name: "Save idea" }));
    await expect.poll(() => ourActions(page).count()).toBe(1);
    await page.close();
  });

  it("repurposes from the page: the side panel opens on the item with X, LinkedIn and Newsletter variants", async () => {
    await ensureSignedIn();
    const video = fakeVideo("repurposeMe4");
    const page = await openWatch(video.id);
    await visible(ourButton(page, "Save idea"));

    await ourButton(page, "Repurpose").click();
    // Repurposing saves the video first.
    await expect
      .poll(() => user.contentForVideo(video.id), { timeout: UI_TIMEOUT })
      .toHaveLength(1);
    const [item] = await user.contentForVideo(video.id);
    if (!item) throw new Error("unreachable");
    await visible(ourButton(page, /Saved/));

    // The click opened the real side panel (headless Chromium renders it), on this item.
    const panel = await browser.waitForRealSidePanel();
    await visible(panel.getByRole("heading", { name: video.title }));
    for (const platform of ["X", "LinkedIn", "Newsletter"]) {
      // "X variant" or "X thread variant": the platform's name, then "variant".
      const name = new RegExp(`^${platform}\\b.*variant$`);
      await visible(panel.getByRole("article", { name }), 30_000);
    }
    await browser.screenshot(panel, "sidepanel-repurpose.png");

    const variants = await user.variants(item.id);
    expect(variants.map((variant) => variant.platform)).toEqual(
      expect.arrayContaining(["linkedin", "newsletter", "x"]),
    );
    // The request was handled: the panel consumed it.
    expect(await browser.getStorage("panelFocus")).toBeUndefined();
  });

  it("edits an X thread post by post in the side panel, and repurposing keeps the edit until replaced", async () => {
    await ensureSignedIn();
    if (!edge.running) await edge.start();
    const created = await user.request<{ id: string; title: string }>("/api/content", {
      method: "POST",
      body: JSON.stringify({
        title: "Editing a thread by hand",
        body: "One take saves hours. Plan the shot, rehearse twice, then roll once and keep it.",
        platforms: ["x"],
      }),
    });
    await user.request(`/api/content/${created.id}/repurpose`, {
      method: "POST",
      body: JSON.stringify({ platforms: ["x"] }),
    });
    type ApiVariantFull = {
      id: string;
      platform: string;
      parts: string[] | null;
      generatedBy: string;
      updatedAt: string;
    };
    /** The X variant the item shows: its newest. */
    const xVariant = async () =>
      (await user.request<{ variants: ApiVariantFull[] }>(`/api/content/${created.id}`)).variants
        .filter((variant) => variant.platform === "x")
        .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
        .at(-1);

    const panel = await browser.openSidePanel();
    await panel.getByRole("button", { name: created.title }).click();
    await visible(panel.getByRole("heading", { name: created.title }));
    const card = panel.getByRole("article", { name: /^X\b.*variant$/ });
    await card.getByRole("button", { name: /^Edit X/ }).click();
    const first = card.getByLabel(/^Post 1 of \d+$/);
    await visible(first);
    expect(await accessibilityViolations(panel)).toEqual([]);
    await first.fill("Edited by hand: one take, one plan.");
    await card.getByRole("button", { name: "Save edit" }).click();
    await visible(card.getByText("edited", { exact: true }));
    await expect.poll(async () => (await xVariant())?.generatedBy).toBe("person");
    expect((await xVariant())?.parts?.[0]).toMatch(/Edited by hand: one take, one plan\.$/);
    await browser.screenshot(panel, "sidepanel-variant-edited.png");

    // Only X is checked (the item's own platforms): the run keeps the edit and says so.
    await panel.getByRole("button", { name: "Regenerate" }).click();
    await visible(panel.getByText(/Kept your edit of the X thread/), 30_000);
    expect(await accessibilityViolations(panel)).toEqual([]);
    await panel.getByRole("button", { name: "Replace my edit" }).click();
    await expect.poll(async () => (await xVariant())?.generatedBy, { timeout: 30_000 }).toBe("ai");
    await panel.close();
  });

  /**
   * Takes the API away, captures, and checks the capture waits in the queue and in the side
   * panel's pending list. The panel is opened before the outage (already open, it follows the
   * queue) or during it (a panel opened offline must still show what is waiting).
   */
  async function captureWhileOffline(videoId: string, openPanel: "before" | "during") {
    const video = fakeVideo(videoId);
    const page = await openWatch(video.id);
    await visible(ourButton(page, "Save idea"));
    let panel = openPanel === "before" ? await browser.openSidePanel() : null;
    if (panel) await visible(panel.getByRole("heading", { name: "Ideas" }));
    await edge.stop();

    await ourButton(page, "Save idea").click();
    await visible(ourButton(page, /Queued/));
    expect(await ourButton(page, /Saved/).count()).toBe(0);

    panel ??= await browser.openSidePanel();
    const pending = panel.getByRole("region", { name: "Pending captures" });
    await visible(pending.getByText(video.title));
    const queue = await browser.getStorage<{ body: { title: string } }[]>("captureQueue");
    expect(queue?.map((capture) => capture.body.title)).toEqual([video.title]);
    return { video, page, panel, pending };
  }

  async function expectLandedOnce(videoId: string, page: Page, pending: Locator) {
    await expect
      .poll(() => user.contentForVideo(videoId), { timeout: 90_000, interval: 1_000 })
      .toHaveLength(1);
    // Exactly one item from this capture, however many attempts it took.
    const all = await user.request<{ items: { source: { videoId: string | null } }[] }>(
      "/api/content?limit=100",
    );
    expect(all.items.filter((item) => item.source.videoId === videoId)).toHaveLength(1);
    // The page that asked is told; the queue and the panel's pending list empty.
    await visible(ourButton(page, /Saved/), 30_000);
    await expect.poll(() => browser.getStorage<unknown[]>("captureQueue")).toEqual([]);
    await expect
      .poll(() => pending.getByText(fakeVideo(videoId).title).count(), { timeout: UI_TIMEOUT })
      .toBe(0);
  }

  it("queues a capture while the API is down and delivers it once it is back (alarm retry)", async () => {
    await ensureSignedIn();
    const { video, page, panel, pending } = await captureWhileOffline("offlineAlarm5", "before");
    await browser.screenshot(panel, "sidepanel-pending.png");
    await edge.start();
    // Nothing clicked: the background's chrome.alarms backoff sends it.
    await expectLandedOnce(video.id, page, pending);
    await browser.screenshot(panel, "sidepanel-pending-delivered.png");
  });

  it("delivers a queued capture when the creator clicks Retry now (panel opened offline)", async () => {
    await ensureSignedIn();
    const { video, page, panel, pending } = await captureWhileOffline("offlineRetry6", "during");
    await browser.screenshot(panel, "sidepanel-opened-offline.png");
    await edge.start();
    await pending.getByRole("button", { name: "Retry now" }).click();
    await expectLandedOnce(video.id, page, pending);
  });

  it("leaves the host page intact and logs no errors from the extension", async () => {
    await ensureSignedIn();
    if (!edge.running) await edge.start();
    const video = fakeVideo("lightingKit02");
    const page = await openWatch(video.id);
    await visible(ourActions(page).getByRole("button").first());
    await expect.poll(() => ourActions(page).count()).toBe(1);

    expect(await page.title()).toBe(`${video.title} - YouTube`);
    expect(await text(page.locator("ytd-watch-metadata h1"))).toBe(video.title);
    expect(await text(page.locator("ytd-watch-metadata ytd-channel-name #text a"))).toBe(
      video.channel,
    );
    expect(await text(page.locator("#description-inline-expander yt-attributed-string"))).toBe(
      video.description,
    );
    expect(await text(page.locator(".ytp-time-duration"))).toBe(video.duration);
    // YouTube's own buttons are still there, in order, and ours come after them.
    const row = page.locator("ytd-watch-metadata #top-level-buttons-computed");
    expect(
      await row.locator(":scope > *").evaluateAll((els) => els.map((el) => el.localName)),
    ).toEqual([
      "segmented-like-dislike-button-view-model",
      "yt-button-view-model",
      YOUTUBE_ACTIONS_HOST,
    ]);
    await visible(row.getByRole("button", { name: "Share" }));
    await visible(row.getByRole("button", { name: "like this video" }));
    await visible(page.locator("#host-marker"));
    expect(await text(page.locator("#up-next"))).toBe("Up next");
    // Our styles stay in our shadow root: no stylesheet or style element added to the page.
    // (Evaluated in the page: Playwright's CSS locators would pierce our shadow root.)
    expect(
      await page.evaluate(`document.querySelectorAll("style, link[rel=stylesheet]").length`),
    ).toBe(0);
    await page.close();

    // Over the whole run: nothing logged on YouTube pages (the fake itself logs nothing), and
    // no uncaught errors or console errors in the extension's own pages or worker. The one
    // expected failure is the offline test's refused connection.
    const offlineNoise = (error: CollectedError) =>
      /ERR_CONNECTION_REFUSED/.test(error.text) && error.sourceUrl.startsWith(edge.origin);
    const onYouTube = browser.errors.filter((error) => error.pageUrl.startsWith(YOUTUBE_ORIGIN));
    expect(describeErrors(onYouTube)).toBe("");
    const inExtension = browser.errors.filter(
      (error) => error.pageUrl.startsWith(browser.extensionOrigin) && !offlineNoise(error),
    );
    expect(describeErrors(inExtension)).toBe("");
  });
});
