import { defineConfig } from "wxt";

/**
 * The API the extension talks to by default; the options page can change it. The dev build
 * points at the local run command (wrangler's default port); a release sets WXT_API_ORIGIN.
 */
const apiOrigin = new URL(process.env.WXT_API_ORIGIN ?? "http://localhost:8787");

/**
 * A host pattern covers every port of its host, so the e2e tests' edge on a free port and
 * `npm run dev` on 8787 share one build.
 */
const apiHostPermission = `${apiOrigin.protocol}//${apiOrigin.hostname}/*`;

export default defineConfig({
  srcDir: "extension",
  // Static files (the toolbar and store icons) live with the extension, not at the repo root.
  publicDir: "extension/public",
  outDir: ".output",
  modules: ["@wxt-dev/module-react"],
  // Explicit imports everywhere: the code reads the same inside and outside WXT.
  imports: false,
  vite: () => ({
    define: { "import.meta.env.WXT_API_ORIGIN": JSON.stringify(apiOrigin.origin) },
  }),
  manifest: ({ browser }) => ({
    name: "CreatorOps AI",
    description:
      "Save ideas from YouTube, capture sponsors from Gmail, repurpose for every platform, run your deals.",
    // Public half of the signing key: a stable extension id (and CORS origin) across builds.
    ...(browser === "chrome"
      ? {
          key: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwgetGlxv3LblXGbv2pKunVQWUWutD2DpbR9QHBYuWLU09UOuz4347FA4npoL8N0oR5gCQHZQaQ9J/kYPzliTzvdb8gZhg9WWLLLYQof4h0kFOyEELOLWa7oDfUuSuReizXeaiwiWTD4kC4o5GKwjMV5QuSRI4hN/jPfDtfSfoW2EAoOmmlmlj82YMm35gAC2JJ6ZzAJo16p+zUk4RUt1F3DGA4JZU6wxswmZ2GsuVg82+WRMnuuIuCxubpX1v1FvNUvlRMWVfg2XH51c6JB6IkIM9TdszfLPZVm2niUxkezbOg4SLe9t1/VDUb6RWPFKHgLbqrr55gC5xOgU7idYPQIDAQAB",
        }
      : { browser_specific_settings: { gecko: { id: "extension@creatorops.ai" } } }),
    permissions: ["storage", "contextMenus", "alarms", "activeTab"],
    host_permissions: ["https://www.youtube.com/*", "https://mail.google.com/*", apiHostPermission],
    action: { default_title: "Open CreatorOps" },
    commands: {
      "save-page": {
        suggested_key: { default: "Alt+Shift+S" },
        description: "Save this page or video to CreatorOps",
      },
    },
  }),
  zip: { excludeSources: ["node_modules/**", ".wrangler/**", ".output/**", "dashboard/dist/**"] },
});
