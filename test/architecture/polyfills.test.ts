/**
 * twitter-text's build imports core-js 2. Its feature detection alone (setting `constructor` on a
 * RegExp, patching Symbol.split/replace) switches off V8's fast paths for every regular
 * expression in the isolate — zod, Hono's router, our own rules — about 16x slower, measured in
 * Node 20. Every feature it polyfills is native where CreatorOps runs, so `vendor/core-js-native`
 * stands in for it (a root dependency that satisfies twitter-text's `core-js@^2.5.0`).
 */
import { realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./source";

const fromTwitterText = createRequire(join(ROOT, "node_modules/twitter-text/package.json"));

describe("core-js under twitter-text", () => {
  it("resolves to the native stand-in, for every module twitter-text imports", () => {
    const stub = realpathSync(join(ROOT, "vendor/core-js-native/native.js"));
    for (const module of [
      "es6.regexp.split",
      "es6.regexp.replace",
      "es6.regexp.constructor",
      "es6.symbol",
    ]) {
      expect(realpathSync(fromTwitterText.resolve(`core-js/modules/${module}`))).toBe(stub);
    }
    expect(fromTwitterText("core-js/package.json").version).toBe("2.6.12");
  });
});
