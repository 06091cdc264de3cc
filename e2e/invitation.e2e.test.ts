/**
 * The invitation link end to end: the link the API hands an admin, opened in real headless
 * Chromium against a real local edge, accepted through the dashboard's /invite page the way an
 * invitee would — with the keyboard, reading what the page says — and checked in the API.
 */
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations } from "./harness/axe";
import { UI_TIMEOUT } from "./harness/browser";
import { type ApiUser, signUp, startEdge, type TestEdge } from "./harness/edge";
import { artifactPath, chromiumPath, missingChromiumBanner } from "./harness/paths";

const hasChromium = chromiumPath() !== null;
if (!hasChromium) console.warn(missingChromiumBanner());

const PASSWORD = "correct horse battery staple";

const uniqueEmail = (who: string) =>
  `${who}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;

interface FocusView {
  document: { activeElement: { id: string } | null };
}

/** The id of the element that has focus. */
const focusedId = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as FocusView).document.activeElement?.id ?? "");

/**
 * Accessibility of what is on screen: axe-core's WCAG 2.1 AA rules, plus the page's own
 * structure (a language, one h1, every visible field labelled, every button and link named).
 */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const problems: string[] = await accessibilityViolations(page);
  if (!(await page.locator("html").getAttribute("lang"))) problems.push("<html> has no lang");
  if ((await page.locator("h1").count()) !== 1) problems.push("not exactly one <h1>");
  const fields = await page.locator("input:visible, select:visible, textarea:visible").all();
  for (const control of fields) {
    const id = (await control.getAttribute("id")) ?? "";
    const labelled =
      (id && (await page.locator(`label[for="${id}"]`).count()) > 0) ||
      (await control.getAttribute("aria-label")) ||
      (await control.getAttribute("aria-labelledby"));
    if (!labelled) problems.push(`#${id || (await control.getAttribute("name"))} has no label`);
  }
  for (const action of await page.locator("button:visible, a[href]:visible").all()) {
    const name = (await action.getAttribute("aria-label")) ?? (await action.textContent()) ?? "";
    if (!name.trim()) problems.push(`#${await action.getAttribute("id")} has no name`);
  }
  return problems;
}

describe.skipIf(!hasChromium)("Invitation page in Chromium", () => {
  let edge: TestEdge;
  let owner: ApiUser;
  let podcastId: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function invite(email: string): Promise<string> {
    const created = await owner.request<{ inviteUrl: string }>(
      `/api/workspaces/${podcastId}/invitations`,
      { method: "POST", body: JSON.stringify({ email, role: "member" }) },
    );
    return created.inviteUrl;
  }

  async function memberEmails(): Promise<string[]> {
    const data = await owner.request<{ email: string }[] | { items: { email: string }[] }>(
      `/api/workspaces/${podcastId}/members`,
    );
    return (Array.isArray(data) ? data : data.items).map((member) => member.email);
  }

  /** A fresh browser profile (no cookies, no storage): one invitee's browser. */
  async function newInviteeBrowser(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    return page;
  }

  const heading = (page: Page, name: string | RegExp) =>
    page.getByRole("heading", { level: 2, name });
  /** A field of the invitation page (the home page's sign-in form has the same labels). */
  const field = (page: Page, label: string) => page.locator("#invite").getByLabel(label);

  beforeAll(async () => {
    edge = await startEdge();
    owner = await signUp(edge.origin);
    const podcast = await owner.request<{ id: string }>("/api/workspaces", {
      method: "POST",
      body: JSON.stringify({ name: "Podcast" }),
    });
    podcastId = podcast.id;
    const executablePath = chromiumPath() ?? "/usr/bin/chromium";
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await edge?.dispose();
  });

  it("a new invitee creates an account on the page and joins, with the keyboard only", async () => {
    const email = uniqueEmail("editor");
    const inviteUrl = await invite(email);
    expect(inviteUrl).toMatch(new RegExp(`^${edge.origin}/invite\\?token=`));

    const page = await newInviteeBrowser();
    await page.goto(inviteUrl);
    await heading(page, "Join a workspace").waitFor({ timeout: UI_TIMEOUT });
    await page.getByRole("heading", { name: "Create your account" }).waitFor();
    // The token left the address bar (kept for this tab only).
    expect(new URL(page.url()).pathname).toBe("/invite");
    expect(new URL(page.url()).searchParams.has("token")).toBe(false);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: artifactPath("invitation-signup.png"), fullPage: true });

    // Focus starts in the email field; Tab walks name → password; Enter submits.
    expect(await focusedId(page)).toBe("invite-email");
    await page.keyboard.type(email);
    await page.keyboard.press("Tab");
    expect(await focusedId(page)).toBe("invite-name");
    await page.keyboard.type("Ed Itor");
    await page.keyboard.press("Tab");
    expect(await focusedId(page)).toBe("invite-password");
    await page.keyboard.type("too short");
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.getByRole("alert").filter({ hasText: "at least 10" }).count())
      .toBe(1);
    expect(await field(page, "Password").getAttribute("aria-invalid")).toBe("true");
    expect(await focusedId(page)).toBe("invite-password");
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");

    const joined = heading(page, "You joined Podcast");
    await joined.waitFor({ timeout: UI_TIMEOUT });
    expect(await focusedId(page)).toBe("invite-title");
    expect(await page.locator("#invite-joined").textContent()).toContain(
      "You are now a member of Podcast",
    );
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: artifactPath("invitation-joined.png"), fullPage: true });

    expect(await memberEmails()).toContain(email);
    // The dashboard, signed in with the cookie the page got, lists the joined workspace.
    await page.getByRole("link", { name: "Open the dashboard" }).click();
    await page.getByRole("heading", { name: `Signed in as ${email}` }).waitFor();
    expect(await page.locator("#workspaces").textContent()).toContain("Podcast");
    expect(pageErrors).toEqual([]);
  });

  it("an existing account is sent to sign in (email prefilled) and joins", async () => {
    const email = uniqueEmail("host");
    await signUp(edge.origin, email, PASSWORD);
    const inviteUrl = await invite(email);

    const page = await newInviteeBrowser();
    await page.goto(`${inviteUrl}&email=${encodeURIComponent(email)}`);
    await page.getByRole("heading", { name: "Create your account" }).waitFor({
      timeout: UI_TIMEOUT,
    });
    expect(await field(page, "Email").inputValue()).toBe(email);
    // Email known: focus goes straight to the password.
    expect(await focusedId(page)).toBe("invite-password");
    await field(page, "Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account and join" }).click();

    // EMAIL_TAKEN: the page switches to sign-in and keeps the email.
    await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByRole("alert").first().textContent()).toContain("already exists");
    expect(await field(page, "Email").inputValue()).toBe(email);
    expect(await focusedId(page)).toBe("invite-password");
    await field(page, "Password").fill("not my password at all");
    await page.getByRole("button", { name: "Sign in and join" }).click();
    await expect
      .poll(() => page.locator("#invite-auth-error").textContent(), { timeout: UI_TIMEOUT })
      .toContain("incorrect");
    await field(page, "Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in and join" }).click();

    await heading(page, "You joined Podcast").waitFor({ timeout: UI_TIMEOUT });
    expect(await memberEmails()).toContain(email);
    expect(pageErrors).toEqual([]);
  });

  it("says clearly when the link is for another account, or used, or broken", async () => {
    const invitedEmail = uniqueEmail("guest");
    const inviteUrl = await invite(invitedEmail);
    const someoneElse = uniqueEmail("someone-else");
    const page = await newInviteeBrowser();

    // Signed in as someone else: the page offers to join, the API says whose invitation it is.
    await page.goto(`${edge.origin}/`);
    // The dashboard's home (its sign-in form) meets WCAG 2.1 AA too.
    expect(await accessibilityProblems(page)).toEqual([]);
    await signUpInPage(page, someoneElse);
    await page.goto(inviteUrl);
    await page.getByText(`You are signed in as ${someoneElse}.`).waitFor({ timeout: UI_TIMEOUT });
    expect(await focusedId(page)).toBe("invite-accept");
    await page.keyboard.press("Enter");
    await heading(page, "This invitation is for another account").waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator("#invite-problem-text").textContent()).toContain(invitedEmail);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: artifactPath("invitation-wrong-account.png"), fullPage: true });

    // Switch account: sign out, create the invited account, join.
    await page.getByRole("button", { name: "Sign out and use another account" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: UI_TIMEOUT });
    await page.getByRole("button", { name: /create an account instead/ }).click();
    await field(page, "Email").fill(invitedEmail);
    await field(page, "Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account and join" }).click();
    await heading(page, "You joined Podcast").waitFor({ timeout: UI_TIMEOUT });
    expect(await memberEmails()).toContain(invitedEmail);

    // The same link again, by another account: used.
    const page2 = await newInviteeBrowser();
    await page2.goto(`${edge.origin}/`);
    await signUpInPage(page2, uniqueEmail("latecomer"));
    await page2.goto(inviteUrl);
    await page2.getByRole("button", { name: "Join the workspace" }).click({ timeout: UI_TIMEOUT });
    await heading(page2, "This invitation can't be used").waitFor({ timeout: UI_TIMEOUT });
    expect(await page2.locator("#invite-problem-text").textContent()).toMatch(
      /invalid, already used or expired/,
    );

    // No token at all.
    await page2.goto(`${edge.origin}/invite`);
    await heading(page2, "This invitation link is incomplete").waitFor({ timeout: UI_TIMEOUT });
    expect(pageErrors).toEqual([]);
  });
});

/** Creates an account through the API from inside the page, so the page holds its cookie. */
async function signUpInPage(page: Page, email: string): Promise<void> {
  const status = await page.evaluate(
    async ({ email, password }) => {
      const response = await fetch("/api/auth/signup", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }),
      });
      return response.status;
    },
    { email, password: PASSWORD },
  );
  expect(status).toBe(201);
}
