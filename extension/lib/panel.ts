/** Opening the side panel (Chrome) or sidebar (Firefox) for a tab. */
import { browser } from "wxt/browser";

/** Call synchronously from a user action's handler: both browsers require its gesture. */
export function openPanel(tabId: number): Promise<void> {
  const chromePanel = (
    browser as { sidePanel?: { open(options: { tabId: number }): Promise<void> } }
  ).sidePanel;
  const firefoxSidebar = (browser as { sidebarAction?: { open(): Promise<void> } }).sidebarAction;
  const opening = chromePanel ? chromePanel.open({ tabId }) : firefoxSidebar?.open();
  // Without a gesture (or a panel) the page still works: the panel picks up the focus later.
  return Promise.resolve(opening).catch(() => undefined);
}
