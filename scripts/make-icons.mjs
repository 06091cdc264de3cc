/**
 * Renders the extension's icons (extension/public/icon/{16,32,48,128}.png: the side panel's
 * brand mark, a "C" on the accent gradient) in headless Chromium, so a change of brand colour
 * is one command: `node scripts/make-icons.mjs`. WXT puts them in the manifest.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ACCENT = "#5b4cf0"; // --accent of extension/entrypoints/sidepanel/style.css (light theme)
const out = fileURLToPath(new URL("../extension/public/icon", import.meta.url));
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
for (const size of [16, 32, 48, 128]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<body style="margin:0;background:transparent">
    <div style="width:${size}px;height:${size}px;border-radius:${Math.round(size * 0.28)}px;
      background:linear-gradient(135deg,${ACCENT},#e0457b);display:grid;place-items:center;
      color:#fff;font:800 ${Math.round(size * 0.62)}px/1 system-ui,'DejaVu Sans',sans-serif">C</div>`);
  await page.screenshot({ path: `${out}/${size}.png`, omitBackground: true });
  await page.close();
}
await browser.close();
