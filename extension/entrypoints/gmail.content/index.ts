import type { ContentScriptDefinition } from "wxt";
import { defineContentScript } from "wxt/utils/define-content-script";
import type { Feature } from "../../features/feature";
import { gmailCapture } from "../../features/gmail-capture";

/** The features on Gmail; each site's script imports only its own (and their styles). */
const features: Feature[] = [gmailCapture];

const gmail: ContentScriptDefinition = defineContentScript({
  matches: ["https://mail.google.com/*"],
  // Styles go into each feature's shadow root, never into Gmail's page.
  cssInjectionMode: "ui",
  main(ctx) {
    for (const feature of features) feature.start(ctx);
  },
});

export default gmail;
