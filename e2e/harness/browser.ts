/**
 * Headless Chromium with the built extension loaded (the flags in shared/TOOLCHAIN.md), on a
 * throwaway profile, with www.youtube.com mapped to the fake YouTube. Collects errors from
 * pages and the service worker so tests can assert the extension stayed quiet.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
  type Worker,
} from "playwright-core";
import { artifactPath, chromiumPath, EXTENSION_DIR } from "./paths";

export interface CollectedError {
  /** "console" (console.error), "pageerror" (uncaught) or "worker" (service worker console.error). */
  kind: "console" | "pageerror" | "worker";
  text: string;
  /** The page the error happened on. */
  pageUrl: string;
  /** The script that logged it, when Chromium says (chrome-extension://… for ours). */
  sourceUrl: string;
}

export interface ExtensionBrowser {
  readonly context: BrowserContext;
  readonly extensionId: string;
  readonly extensionOrigin: string;
  /** Every error seen so far (pages and the service worker). */
  readonly errors: CollectedError[];
  /** The extension's background service worker (re-resolved if Chromium restarted it). */
  serviceWorker(): Promise<Worker>;
  /** Runs `chrome.storage.local.set(values)` in the service worker. */
  setStorage(values: Record<string, unknown>): Promise<void>;
  getStorage<T = unknown>(key: string): Promise<T | undefined>;
  /** A new tab on the side panel page (the page is the same as in the side panel). */
  openSidePanel(): Promise<Page>;
  /**
   * The real side panel, once the extension opened it (chrome.sidePanel.open). Headless
   * Chromium renders it, but Playwright's own connection does not attach to it, so it is
   * reached through a second (CDP) connection.
   */
  waitForRealSidePanel(timeoutMs?: number): Promise<Page>;
  newPage(): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** --host-resolver-rules value (fake YouTube mapping). */
  hostResolverRules: string;
  /** Points the extension at this API origin (storage "apiOrigin"). */
  apiOrigin?: string;
  extensionDir?: string;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ChromeStorageGlobal {
  chrome: {
    storage: {
      local: {
        set(values: Record<string, unknown>): Promise<void>;
        get(key: string): Promise<Record<string, unknown>>;
      };
    };
  };
}

export async function launchWithExtension(options: LaunchOptions): Promise<ExtensionBrowser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("Chromium is not installed");
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  const profile = mkdtempSync(join(tmpdir(), "creatorops-e2e-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      `--host-resolver-rules=${options.hostResolverRules}`,
      "--ignore-certificate-errors",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      // A second, CDP connection reaches the real side panel (see waitForRealSidePanel).
      "--remote-debugging-port=0",
    ],
  });

  const errors: CollectedError[] = [];
  const watchedPages = new WeakSet<Page>();
  const watchPage = (page: Page) => {
    if (watchedPages.has(page)) return;
    watchedPages.add(page);
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      errors.push({
        kind: "console",
        text: message.text(),
        pageUrl: page.url(),
        sourceUrl: message.location().url,
      });
    });
    page.on("pageerror", (error) => {
      errors.push({
        kind: "pageerror",
        text: `${error.name}: ${error.message}\n${error.stack ?? ""}`,
        pageUrl: page.url(),
        sourceUrl: "",
      });
    });
  };
  context.on("page", watchPage);
  for (const page of context.pages()) watchPage(page);

  const watchedWorkers = new WeakSet<Worker>();
  const watchWorker = (worker: Worker) => {
    if (watchedWorkers.has(worker)) return;
    watchedWorkers.add(worker);
    worker.on("console", (message) => {
      if (message.type() !== "error") return;
      errors.push({
        kind: "worker",
        text: message.text(),
        pageUrl: worker.url(),
        sourceUrl: message.location().url,
      });
    });
  };
  context.on("serviceworker", watchWorker);

  async function serviceWorker(): Promise<Worker> {
    const existing = context
      .serviceWorkers()
      .find((worker) => worker.url().startsWith("chrome-extension://"));
    const worker =
      existing ??
      (await context.waitForEvent("serviceworker", {
        predicate: (candidate) => candidate.url().startsWith("chrome-extension://"),
        timeout: 30_000,
      }));
    watchWorker(worker);
    return worker;
  }

  let worker: Worker;
  try {
    worker = await serviceWorker();
  } catch (error) {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    throw new Error(
      `The extension's service worker never started (is ${extensionDir} a valid MV3 build?): ${String(error)}`,
    );
  }
  const extensionId = new URL(worker.url()).host;
  const extensionOrigin = `chrome-extension://${extensionId}`;

  let cdp: Browser | null = null;
  async function cdpConnection(): Promise<Browser> {
    if (cdp?.isConnected()) return cdp;
    const portFile = join(profile, "DevToolsActivePort");
    for (let i = 0; i < 100 && !existsSync(portFile); i++) await delay(100);
    const port = readFileSync(portFile, "utf8").split("\n")[0];
    cdp = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
    return cdp;
  }
  const sidePanelUrl = `${extensionOrigin}/sidepanel.html`;

  const browser: ExtensionBrowser = {
    context,
    extensionId,
    extensionOrigin,
    errors,
    serviceWorker,
    async setStorage(values) {
      const sw = await serviceWorker();
      await sw.evaluate(
        (entries) =>
          (globalThis as unknown as ChromeStorageGlobal).chrome.storage.local.set(entries),
        values,
      );
    },
    async getStorage<T>(key: string) {
      const sw = await serviceWorker();
      const stored = await sw.evaluate(
        (name) => (globalThis as unknown as ChromeStorageGlobal).chrome.storage.local.get(name),
        key,
      );
      return stored[key] as T | undefined;
    },
    async openSidePanel() {
      const page = await context.newPage();
      // The query tells these tabs apart from the real side panel (the panel ignores it).
      await page.goto(`${sidePanelUrl}?e2e-tab`);
      return page;
    },
    async waitForRealSidePanel(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const connection = await cdpConnection();
        const panel = connection
          .contexts()
          .flatMap((candidate) => candidate.pages())
          .find((page) => page.url() === sidePanelUrl);
        if (panel) {
          watchPage(panel);
          return panel;
        }
        await delay(200);
      }
      throw new Error("The extension did not open its side panel");
    },
    newPage: () => context.newPage(),
    async screenshot(page, name) {
      await page.screenshot({ path: artifactPath(name), fullPage: true });
    },
    async close() {
      await cdp?.close().catch(() => undefined);
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  if (options.apiOrigin) await browser.setStorage({ apiOrigin: options.apiOrigin });
  return browser;
}

/** Errors that came from the extension (its scripts, or its pages). */
export function extensionErrors(errors: CollectedError[], extensionOrigin: string) {
  return errors.filter(
    (error) =>
      error.kind === "pageerror" ||
      error.sourceUrl.startsWith(extensionOrigin) ||
      error.pageUrl.startsWith(extensionOrigin) ||
      /creatorops/i.test(error.text),
  );
}

export function describeErrors(errors: CollectedError[]): string {
  return errors
    .map((error) => `[${error.kind}] ${error.pageUrl} (${error.sourceUrl}): ${error.text}`)
    .join("\n");
}

/** The element the extension's YouTube buttons live in (an open shadow root inside). */
export const YOUTUBE_ACTIONS_HOST = "creatorops-youtube-actions";

/** The element of the extension's Gmail button, one per open message (an open shadow root inside). */
export const GMAIL_CAPTURE_HOST = "creatorops-gmail-capture";

/** Generous: CI machines have 2 cores, and workerd, the browser and Vitest share them. */
export const UI_TIMEOUT = 20_000;

export async function visible(locator: Locator, timeout = UI_TIMEOUT) {
  await locator.waitFor({ state: "visible", timeout });
}

/** A node's text, whitespace collapsed (as a reader reads it). */
export async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();
}

/**
 * After each test of a shared browser: a failed test first leaves a screenshot of every tab it
 * opened (named after `prefix` and the test) and the errors so far, for the report; then its
 * tabs close. The first, blank tab keeps the browser window open.
 */
export async function closeTestTabs(
  browser: ExtensionBrowser | undefined,
  task: { name: string; result?: { state?: string } },
  edge: { running: boolean } | undefined,
  prefix: string,
) {
  const [, ...opened] = browser?.context.pages() ?? [];
  if (task.result?.state === "fail") {
    const slug = task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
    for (const [index, page] of opened.entries()) {
      console.warn(`tab ${index + 1}: ${page.url()}`);
      await browser?.screenshot(page, `${prefix}${slug}-${index + 1}.png`).catch(() => undefined);
    }
    if (edge && !edge.running) console.warn("The edge was down when the test failed.");
    console.warn(`Errors so far:\n${describeErrors(browser?.errors ?? [])}`);
  }
  for (const page of opened) await page.close().catch(() => undefined);
}
