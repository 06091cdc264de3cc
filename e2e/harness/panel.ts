/** The side panel, driven the way a creator uses it. */
import type { Page } from "playwright-core";
import type { ExtensionBrowser } from "./browser";

/** Signs in from a side panel tab; answers it once the Ideas list shows. */
export async function signInThroughPanel(
  browser: ExtensionBrowser,
  credentials: { email: string; password: string },
  timeout = 20_000,
): Promise<Page> {
  const panel = await browser.openSidePanel();
  await panel.getByLabel("Email").waitFor({ state: "visible", timeout });
  await panel.getByLabel("Email").fill(credentials.email);
  await panel.getByLabel("Password").fill(credentials.password);
  await panel.getByRole("button", { name: "Sign in" }).click();
  await panel.getByRole("heading", { name: "Ideas" }).waitFor({ state: "visible", timeout });
  return panel;
}
