import type { ContentScriptDefinition } from "wxt";
import { defineContentScript } from "wxt/utils/define-content-script";
import type { Feature } from "../../features/feature";
import { videoActions } from "../../features/video-actions";

/** The features on YouTube; each site's script imports only its own (and their styles). */
const features: Feature[] = [videoActions];

const youtube: ContentScriptDefinition = defineContentScript({
  matches: ["https://www.youtube.com/*"],
  // Styles go into each feature's shadow root, never into YouTube's page.
  cssInjectionMode: "ui",
  main(ctx) {
    for (const feature of features) feature.start(ctx);
  },
});

export default youtube;
