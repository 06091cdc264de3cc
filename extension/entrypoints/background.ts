import type { BackgroundDefinition } from "wxt";
import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";
import { keepBadgeFresh } from "../lib/badge";
import { listenForRetries, retryQueued } from "../lib/captures";
import { registerHandlers } from "../lib/handlers";
import { registerPageCapture } from "../lib/page-capture";
import { REPURPOSE_PORT, type RepurposeRequest } from "../lib/protocol";
import { relayRepurpose } from "../lib/repurpose-relay";
import { extensionSelf, isExtensionPage } from "../lib/senders";

const background: BackgroundDefinition = defineBackground(() => {
  registerHandlers();
  registerPageCapture();
  listenForRetries();
  keepBadgeFresh();

  browser.runtime.onConnect.addListener((port) => {
    const fromPanel =
      port.name === REPURPOSE_PORT &&
      port.sender !== undefined &&
      isExtensionPage(port.sender, extensionSelf());
    if (!fromPanel) {
      port.disconnect();
      return;
    }
    port.onMessage.addListener((request: RepurposeRequest) => void relayRepurpose(port, request));
  });

  // The toolbar button opens the side panel (Chrome).
  const chromePanel = (browser as { sidePanel?: { setPanelBehavior(b: object): Promise<void> } })
    .sidePanel;
  void chromePanel?.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => undefined);
  // Firefox: the toolbar button opens the sidebar too (toggle() must run inside the click).
  const firefoxSidebar = (browser as { sidebarAction?: { toggle(): Promise<void> } }).sidebarAction;
  if (!chromePanel && firefoxSidebar) {
    (browser.action ?? browser.browserAction).onClicked.addListener(() => {
      void firefoxSidebar.toggle().catch(() => undefined);
    });
  }

  // A browser (re)start: anything still queued from before gets its retry now.
  browser.runtime.onStartup.addListener(() => void retryQueued());
});

export default background;
