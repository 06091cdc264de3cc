import { createElement } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import {
  type ContentDetail,
  type ContentItem,
  messaging,
  type RepurposeEvent,
  type SessionView,
  type Variant,
} from "../lib/protocol";
import { captureQueueItem, panelFocusItem } from "../lib/storage";
import { App } from "../sidepanel/App";
import { routeMessages } from "./fake-messaging";

/**
 * The side panel in a fake DOM with a stand-in background answering its messages: sign-in,
 * the ideas list, pending captures, and a repurpose run over a fake port.
 */
const workspace = { id: "ws_1", name: "Studio", plan: "free", role: "owner", createdAt: "" };
const signedIn: SessionView = {
  apiOrigin: "http://localhost:8787",
  user: { id: "usr_1", email: "maya@example.com", name: "Maya" },
  workspaces: [workspace] as unknown as SessionView["workspaces"],
  workspaceId: "ws_1",
  offline: false,
};
const signedOut: SessionView = { ...signedIn, user: null, workspaceId: null, workspaces: [] };

const item = (id: string, title: string): ContentItem =>
  ({
    id,
    title,
    notes: null,
    status: "idea",
    platforms: [],
    tags: [],
    scheduledAt: null,
    publishedAt: null,
    source: {
      kind: "youtube",
      url: "https://www.youtube.com/watch?v=abcdefgh",
      videoId: "abcdefgh",
    },
    createdBy: "usr_1",
    createdAt: "2026-11-01T00:00:00.000Z",
    updatedAt: "2026-11-01T00:00:00.000Z",
  }) as ContentItem;

let root: Root;
let session: SessionView;
let items: ContentItem[];

const text = () => document.body.textContent ?? "";
/** A button by its accessible name: its text without the aria-hidden parts. */
const button = (name: string) =>
  [...document.querySelectorAll("button")].find((b) => {
    const copy = b.cloneNode(true) as HTMLElement;
    for (const hidden of copy.querySelectorAll("[aria-hidden]")) hidden.remove();
    return (b.getAttribute("aria-label") ?? copy.textContent?.trim()) === name;
  });
/** The control a label names, as getByLabel finds it. */
const labelled = (name: string) => {
  const label = [...document.querySelectorAll("label")].find((l) => l.textContent === name);
  return label ? document.getElementById(label.htmlFor) : undefined;
};

function type(input: HTMLInputElement, value: string) {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set;
  setter?.call(input, value);
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

/**
 * @webext-core/messaging sends with the callback form of chrome.runtime.sendMessage and answers
 * through sendResponse; the fake browser supports neither, so the test routes both.
 */
beforeEach(() => {
  fakeBrowser.reset();
  routeMessages();
  session = signedOut;
  items = [item("cnt_1", "Editing in one take")];
  messaging.onMessage("session", () => ({ ok: true, value: session }));
  messaging.onMessage("signIn", ({ data }) => {
    if (data.password !== "right") {
      return {
        ok: false,
        error: { code: "INVALID_CREDENTIALS", message: "Wrong email or password", status: 401 },
      };
    }
    session = signedIn;
    return { ok: true, value: session };
  });
  messaging.onMessage("listContent", () => ({ ok: true, value: { items, nextCursor: null } }));
  messaging.onMessage("usage", () => ({
    ok: true,
    value: {
      plan: "free",
      period: "2026-11",
      creditsLimit: 50,
      creditsUsed: 12,
      creditsLeft: 38,
      resetsAt: "2026-12-01T00:00:00.000Z",
      byFeature: [],
    },
  }));
  messaging.onMessage("getContent", ({ data }) => ({
    ok: true,
    value: {
      ...(items.find((i) => i.id === data) ?? items[0]),
      variants: [],
    } as ContentDetail,
  }));
  document.body.innerHTML = '<div id="root"></div>';
  root = createRoot(document.getElementById("root") as HTMLElement);
});

afterEach(() => {
  root.unmount();
  messaging.removeAllListeners();
  vi.restoreAllMocks();
});

describe("side panel", () => {
  it("signs in, explaining a wrong password, then shows the workspace's ideas", async () => {
    root.render(createElement(App));
    await vi.waitFor(() => expect(labelled("Email")).toBeDefined());
    const email = labelled("Email") as HTMLInputElement;
    const password = labelled("Password") as HTMLInputElement;
    type(email, "maya@example.com");
    type(password, "wrong");
    button("Sign in")?.click();
    await vi.waitFor(() => expect(text()).toContain("don't match"));

    type(password, "right");
    button("Sign in")?.click();
    await vi.waitFor(() => expect(button("Editing in one take")).toBeDefined());
    expect(text()).toContain("maya@example.com");
    expect(button("Sign out")).toBeDefined();
    expect(labelled("Workspace")?.tagName).toBe("SELECT");
    expect(document.querySelector("h2")?.textContent).toBe("Ideas");
    await vi.waitFor(() => expect(text()).toContain("38 of 50 AI credits left"));
  });

  it("lists pending captures from storage and refreshes the ideas when one lands", async () => {
    session = signedIn;
    await captureQueueItem.setValue([
      {
        id: "cap_1",
        idempotencyKey: "key-00000001",
        workspaceId: "ws_1",
        body: { title: "Queued idea" },
        createdAt: Date.now(),
        attempts: 1,
        nextAttemptAt: Date.now() + 30_000,
        state: "pending",
      },
    ]);
    root.render(createElement(App));
    await vi.waitFor(() =>
      expect(document.querySelector('[aria-label="Pending captures"]')?.textContent).toContain(
        "Queued idea",
      ),
    );
    items = [item("cnt_2", "Queued idea"), ...items];
    await captureQueueItem.setValue([]);
    await vi.waitFor(() => expect(button("Queued idea")).toBeDefined());
    expect(document.querySelector('[aria-label="Pending captures"]')).toBeNull();
  });

  it("opens the focused item, repurposes it over the port, and shows the variants", async () => {
    session = signedIn;
    const listeners: ((event: RepurposeEvent) => void)[] = [];
    const posted: unknown[] = [];
    const disconnect = vi.fn();
    vi.spyOn(fakeBrowser.runtime, "connect").mockImplementation(
      () =>
        ({
          name: "repurpose",
          postMessage: (message: unknown) => posted.push(message),
          disconnect,
          onMessage: { addListener: (listener: never) => listeners.push(listener) },
          onDisconnect: { addListener: () => {} },
        }) as never,
    );
    await panelFocusItem.setValue({ contentId: "cnt_1", repurpose: true, nonce: "n1" });
    root.render(createElement(App));

    await vi.waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]).toEqual({ contentId: "cnt_1", platforms: ["x", "linkedin", "newsletter"] });
    expect(await panelFocusItem.getValue()).toBeNull();
    expect(button("Back")).toBeDefined();

    for (const listener of listeners) listener({ type: "text", delta: "1/2 Writing" });
    await vi.waitFor(() =>
      expect(document.querySelector('[aria-live="polite"][role="log"]')?.textContent).toBe(
        "1/2 Writing",
      ),
    );
    const variant = {
      id: "var_1",
      contentId: "cnt_1",
      platform: "x",
      body: "1/2 One take.\n\n2/2 Done.",
      parts: ["1/2 One take.", "2/2 Done."],
      generatedBy: "ai",
      provider: "offline",
      model: "extractive",
      offline: true,
      createdAt: "2026-11-02T00:00:00.000Z",
      updatedAt: "2026-11-02T00:00:00.000Z",
    } as Variant;
    for (const listener of listeners) {
      listener({
        type: "done",
        outcome: { variants: [variant], cached: false, provider: "offline", model: "extractive" },
      });
    }
    await vi.waitFor(() =>
      expect(document.querySelector('article[aria-label="X thread variant"]')).not.toBeNull(),
    );
    const article = document.querySelector('article[aria-label="X thread variant"]');
    expect(article?.querySelectorAll(".post")).toHaveLength(2);
    expect(article?.textContent).toContain("13 / 280");
    expect(article?.textContent).toContain("offline draft");
    expect(disconnect).toHaveBeenCalled();
    expect(button("Regenerate")).toBeDefined();
  });
});
