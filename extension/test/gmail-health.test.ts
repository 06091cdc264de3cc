import { act, createElement } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { messaging } from "../lib/protocol";
import { GmailHealth } from "../sidepanel/GmailHealth";
import { wcagViolations } from "./axe";
import { routeMessages } from "./fake-messaging";

/** The options page's Gmail card: the selector misses the background counted, by part. */
let root: Root;
let host: HTMLElement;

beforeEach(() => {
  fakeBrowser.reset();
  routeMessages();
  host = document.createElement("div");
  document.body.append(host);
  root = createRoot(host);
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
  messaging.removeAllListeners();
  vi.restoreAllMocks();
});

async function show(misses: Record<string, number>) {
  messaging.onMessage("selectorMisses", () => ({ ok: true, value: misses }));
  await act(async () => root.render(createElement(GmailHealth)));
  await vi.waitFor(() => expect(host.textContent).not.toContain("Loading"));
}

describe("the Gmail card of the options page", () => {
  it("says so when Gmail was always read", async () => {
    await show({});
    expect(host.textContent).toContain("No problems reading Gmail so far.");
    expect(await wcagViolations(host)).toEqual([]);
  });

  it("lists the parts Gmail no longer had, in words, with their counts", async () => {
    await show({ "action-area": 3, body: 1, subject: 0 });
    const items = [...host.querySelectorAll("li")].map((li) => li.textContent);
    expect(items).toEqual(["place for the button: 3", "message text: 1"]);
    expect(await wcagViolations(host)).toEqual([]);
  });
});
