import type { ContentScriptDefinition } from "wxt";
import { defineContentScript } from "wxt/utils/define-content-script";
import { youtubeFeatures } from "../../features";

const youtube: ContentScriptDefinition = defineContentScript({
  matches: ["https://www.youtube.com/*"],
  // Styles go into each feature's shadow root, never into YouTube's page.
  cssInjectionMode: "ui",
  main(ctx) {
    for (const feature of youtubeFeatures) feature.start(ctx);
  },
});

export default youtube;
