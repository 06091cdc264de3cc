import type { ContentScriptContext } from "wxt/utils/content-script-context";

/**
 * One in-page feature: started once per page load; everything it adds is tied to `ctx`. A site's
 * content script (entrypoints/<site>.content) lists its features.
 */
export interface Feature {
  name: string;
  start(ctx: ContentScriptContext): void;
}
