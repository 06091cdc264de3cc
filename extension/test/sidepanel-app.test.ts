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
import { wcagViolations } from "./axe";
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
    body: null,
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
/** The panel as rendered, against WCAG 2.1 AA (what the fake DOM can check). */
const accessible = async () =>
  expect(await wcagViolations(document.getElementById("root") as HTMLElement)).toEqual([]);
/** The control a label names, as getByLabel finds it. */
const labelled = (name: string) => {
  const label = [...document.querySelectorAll("label")].find((l) => l.textContent === name);
  return label ? document.getElementById(label.htmlFor) : undefined;
};

function type(input: HTMLInputElement | HTMLTextAreaElement, value: string) {
  const prototype =
    input instanceof HTMLTextAreaElement
      ? HTMLTextAreaElement.prototype
      : HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(prototype, "value")?.set;
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
    await accessible();

    type(password, "right");
    button("Sign in")?.click();
    await vi.waitFor(() => expect(button("Editing in one take")).toBeDefined());
    expect(text()).toContain("maya@example.com");
    expect(button("Sign out")).toBeDefined();
    expect(labelled("Workspace")?.tagName).toBe("SELECT");
    expect(document.querySelector("h2")?.textContent).toBe("Ideas");
    await vi.waitFor(() => expect(text()).toContain("38 of 50 AI credits left"));
    await accessible();
  });

  it("lists pending captures from storage and refreshes the ideas when one lands", async () => {
    session = signedIn;
    await captureQueueItem.setValue([
      {
        id: "cap_1",
        idempotencyKey: "key-00000001",
        workspaceId: "ws_1",
        kind: "content",
        body: { title: "Queued idea" },
        title: "Queued idea",
        subject: null,
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
    await accessible();
    items = [item("cnt_2", "Queued idea"), ...items];
    await captureQueueItem.setValue([]);
    await vi.waitFor(() => expect(button("Queued idea")).toBeDefined());
    expect(document.querySelector('[aria-label="Pending captures"]')).toBeNull();
  });

  it("shows the readable captures of a damaged queue instead of going blank", async () => {
    session = signedIn;
    await fakeBrowser.storage.local.set({
      captureQueue: [
        null,
        "junk",
        42,
        { id: "cap_nobody", workspaceId: "ws_1" },
        {
          id: "cap_1",
          idempotencyKey: "key-00000001",
          workspaceId: "ws_1",
          body: { title: "Saved on the train" },
        },
      ],
    });
    root.render(createElement(App));
    const pending = () => document.querySelector('[aria-label="Pending captures"]');
    await vi.waitFor(() => expect(pending()?.textContent).toContain("Saved on the train"));
    expect(pending()?.querySelectorAll("li")).toHaveLength(1);
    expect(button("Editing in one take")).toBeDefined();
  });

  it("shows another account's capture as theirs, waiting, with Discard", async () => {
    session = signedIn;
    const discarded: string[] = [];
    messaging.onMessage("discardCapture", ({ data }) => {
      discarded.push(data);
      return { ok: true, value: [] };
    });
    await captureQueueItem.setValue([
      {
        id: "cap_sam",
        idempotencyKey: "key-00000002",
        workspaceId: "ws_1",
        kind: "content",
        body: { title: "Sam's idea" },
        title: "Sam's idea",
        subject: null,
        createdAt: Date.now(),
        attempts: 2,
        nextAttemptAt: Date.now() + 30_000,
        state: "pending",
        queuedBy: { userId: "usr_9", email: "sam@example.com" },
        apiOrigin: signedIn.apiOrigin,
      },
    ]);
    root.render(createElement(App));
    const pending = () => document.querySelector('[aria-label="Pending captures"]');
    await vi.waitFor(() => expect(pending()?.textContent).toContain("Queued by sam@example.com"));
    expect(buttonIn(pending(), "Retry now")).toBeUndefined();
    await accessible();
    buttonIn(pending(), "Discard")?.click();
    await vi.waitFor(() => expect(discarded).toEqual(["cap_sam"]));
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
    // The run starts with the item's own platforms.
    items = [
      { ...item("cnt_1", "Editing in one take"), platforms: ["newsletter", "x", "linkedin"] },
    ];
    await panelFocusItem.setValue({ contentId: "cnt_1", repurpose: true, nonce: "n1" });
    root.render(createElement(App));

    await vi.waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]).toEqual({ contentId: "cnt_1", platforms: ["x", "linkedin", "newsletter"] });
    expect(await panelFocusItem.getValue()).toBeNull();
    expect(button("Back")).toBeDefined();

    for (const listener of listeners)
      listener({ type: "text", platform: "x", delta: "1/2 Writing" });
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
        outcome: {
          variants: [variant],
          skipped: [],
          cached: false,
          provider: "offline",
          model: "extractive",
          credits: 0,
        },
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

/** A variant as the API answers it. */
const variantOf = (platform: Variant["platform"], body: string, parts: string[] | null = null) =>
  ({
    id: `var_${platform}`,
    contentId: "cnt_1",
    platform,
    body,
    parts,
    generatedBy: "ai",
    provider: "offline",
    model: "extractive",
    offline: true,
    createdAt: "2026-11-02T00:00:00.000Z",
    updatedAt: "2026-11-02T00:00:00.000Z",
  }) as Variant;

/** A stand-in for the background's repurpose port: what the panel posted, and its listeners. */
function fakePort() {
  const listeners: ((event: RepurposeEvent) => void)[] = [];
  const posted: unknown[] = [];
  vi.spyOn(fakeBrowser.runtime, "connect").mockImplementation(
    () =>
      ({
        name: "repurpose",
        postMessage: (message: unknown) => posted.push(message),
        disconnect: () => {},
        onMessage: { addListener: (listener: never) => listeners.push(listener) },
        onDisconnect: { addListener: () => {} },
      }) as never,
  );
  const emit = (event: RepurposeEvent) => {
    for (const listener of listeners) listener(event);
  };
  return { posted, emit };
}

const article = (name: string) => document.querySelector(`article[aria-label="${name}"]`);
const within = (root: Element | null | undefined, selector: string) => [
  ...(root?.querySelectorAll(selector) ?? []),
];
/** A control inside `root` by its label's text. */
const labelledIn = (root: Element | null | undefined, name: string) => {
  const label = within(root, "label").find((l) => l.textContent?.trim() === name) as
    | HTMLLabelElement
    | undefined;
  return label ? (document.getElementById(label.htmlFor) as HTMLTextAreaElement | null) : null;
};
const buttonIn = (root: Element | null | undefined, name: string) =>
  within(root, "button").find(
    (b) => (b.getAttribute("aria-label") ?? b.textContent?.trim()) === name,
  ) as HTMLButtonElement | undefined;

describe("side panel item view", () => {
  let variants: Variant[];
  let edits: unknown[];
  let updates: unknown[];
  /** Stands in for the API's answer to a variant edit, when a test needs another one. */
  let variantAnswer: ((data: { changes: { body?: string } }) => unknown) | null;

  beforeEach(() => {
    session = signedIn;
    variants = [];
    edits = [];
    updates = [];
    variantAnswer = null;
    messaging.removeAllListeners();
    routeMessages();
    messaging.onMessage("session", () => ({ ok: true, value: session }));
    messaging.onMessage("listContent", () => ({ ok: true, value: { items, nextCursor: null } }));
    messaging.onMessage("usage", () => ({
      ok: false,
      error: { code: "OFFLINE", message: "unreachable", status: 0 },
    }));
    messaging.onMessage("getContent", ({ data }) => ({
      ok: true,
      value: { ...(items.find((i) => i.id === data) ?? items[0]), variants } as ContentDetail,
    }));
    messaging.onMessage("updateVariant", ({ data }) => {
      if (variantAnswer) return variantAnswer(data) as never;
      edits.push(data);
      const before = variants.find((v) => v.id === data.variantId) as Variant;
      const parts = "parts" in data.changes ? (data.changes.parts ?? null) : null;
      const edited: Variant = {
        ...before,
        parts,
        body: parts ? parts.join("\n\n") : (data.changes.body ?? ""),
        generatedBy: "person",
      };
      return { ok: true, value: edited };
    });
    messaging.onMessage("updateContent", ({ data }) => {
      updates.push(data);
      const current = items.find((i) => i.id === data.contentId) as ContentItem;
      const next = { ...current, ...data.changes } as ContentItem;
      items = items.map((i) => (i.id === next.id ? next : i));
      return { ok: true, value: next };
    });
  });

  async function openItem() {
    root.render(createElement(App));
    await vi.waitFor(() => expect(button("Editing in one take")).toBeDefined());
    button("Editing in one take")?.click();
    await vi.waitFor(() => expect(button("Back")).toBeDefined());
    await vi.waitFor(() =>
      expect(document.querySelector("h2")?.textContent).toBe("Editing in one take"),
    );
  }

  it("starts Repurpose from every platform when the item names none", async () => {
    const port = fakePort();
    await openItem();
    const boxes = within(document.querySelector("fieldset.platforms"), "input[type=checkbox]");
    expect(boxes).toHaveLength(7);
    expect(boxes.every((box) => (box as HTMLInputElement).checked)).toBe(true);
    expect(text()).toContain("7 credits");
    expect(text()).toContain("No variants yet");
    button("Repurpose")?.click();
    await vi.waitFor(() => expect(port.posted).toHaveLength(1));
    expect(port.posted[0]).toEqual({
      contentId: "cnt_1",
      platforms: ["x", "linkedin", "instagram", "tiktok", "shorts", "newsletter", "youtube"],
    });
  });

  it("shows each platform's progress as its text streams in", async () => {
    items = [{ ...item("cnt_1", "Editing in one take"), platforms: ["x", "linkedin"] }];
    const port = fakePort();
    await openItem();
    button("Repurpose")?.click();
    await vi.waitFor(() => expect(port.posted).toHaveLength(1));
    port.emit({ type: "progress", stage: "started", platforms: ["x", "linkedin"] });
    port.emit({ type: "text", platform: "x", delta: "1/2 One take." });
    port.emit({ type: "text", platform: "linkedin", delta: "I film" });
    const progress = () =>
      document.querySelector('[aria-label="Progress by platform"]')?.textContent;
    await vi.waitFor(() => expect(progress()).toContain("LinkedIn postwriting · 6 characters"));
    expect(progress()).toContain("X threadwritten · 13 characters");
    expect(document.querySelector('[role="log"]')?.textContent).toBe("I film");
    expect(text()).toContain("Writing the LinkedIn post…");
    await accessible();
  });

  it("edits an X thread post by post, counting X weighted characters, and saves the posts", async () => {
    variants = [variantOf("x", "1/2 One take.\n\n2/2 Done.", ["1/2 One take.", "2/2 Done."])];
    await openItem();
    await vi.waitFor(() => expect(article("X thread variant")).not.toBeNull());
    buttonIn(article("X thread variant"), "Edit X thread variant")?.click();
    const card = () => article("X thread variant");
    await vi.waitFor(() => expect(labelledIn(card(), "Post 1 of 2")).not.toBeNull());
    // The editor holds the text; the numbers follow from the order (and count).
    expect(labelledIn(card(), "Post 1 of 2")?.value).toBe("One take.");
    expect(labelledIn(card(), "Post 2 of 2")?.value).toBe("Done.");
    expect(document.activeElement).toBe(labelledIn(card(), "Post 1 of 2"));
    expect(card()?.textContent).toContain("13 / 280");
    const save = () => buttonIn(card(), "Save edit");
    expect(save()?.disabled).toBe(true);

    // Too long for one post: counted as X counts it (a link is 23, an emoji 2), refused here.
    const post2 = labelledIn(card(), "Post 2 of 2") as HTMLTextAreaElement;
    type(post2, `${"😀".repeat(140)}.`);
    await vi.waitFor(() => expect(card()?.textContent).toContain("285 / 280"));
    expect(card()?.textContent).toContain("Post 2 has 285 weighted characters; at most 280.");
    expect(post2.getAttribute("aria-invalid")).toBe("true");
    expect(save()?.disabled).toBe(true);
    await accessible();

    type(post2, "Done, with a link: https://example.com/a/very/long/path/that/counts/as/23.");
    await vi.waitFor(() => expect(save()?.disabled).toBe(false));
    buttonIn(card(), "Add a post")?.click();
    await vi.waitFor(() => expect(labelledIn(card(), "Post 3 of 3")).not.toBeNull());
    type(labelledIn(card(), "Post 3 of 3") as HTMLTextAreaElement, "Thanks for reading!");
    await vi.waitFor(() => expect(save()?.disabled).toBe(false));
    save()?.click();

    await vi.waitFor(() => expect(edits).toHaveLength(1));
    expect(edits[0]).toEqual({
      contentId: "cnt_1",
      variantId: "var_x",
      changes: {
        parts: [
          "1/3 One take.",
          "2/3 Done, with a link: https://example.com/a/very/long/path/that/counts/as/23.",
          "3/3 Thanks for reading!",
        ],
      },
    });
    // Back to the preview, showing the person's text.
    await vi.waitFor(() => expect(within(card(), ".post")).toHaveLength(3));
    expect(card()?.textContent).toContain("edited");
    expect(card()?.textContent).toContain("3/3 Thanks for reading!");
  });

  it("edits a single post in place, and Escape cancels the edit without leaving the item", async () => {
    variants = [variantOf("linkedin", "I film in one take.")];
    await openItem();
    const card = () => article("LinkedIn post variant");
    await vi.waitFor(() => expect(card()).not.toBeNull());
    buttonIn(card(), "Edit LinkedIn post variant")?.click();
    await vi.waitFor(() => expect(labelledIn(card(), "LinkedIn post")).not.toBeNull());
    const body = labelledIn(card(), "LinkedIn post") as HTMLTextAreaElement;
    expect(card()?.textContent).toContain(`19 / ${3000}`);
    type(body, "Edited draft.");
    await vi.waitFor(() => expect(card()?.textContent).toContain("13 / 3000"));

    body.dispatchEvent(
      new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }),
    );
    await vi.waitFor(() => expect(labelledIn(card(), "LinkedIn post")).toBeNull());
    expect(button("Back")).toBeDefined();
    expect(card()?.textContent).toContain("I film in one take.");

    buttonIn(card(), "Edit LinkedIn post variant")?.click();
    await vi.waitFor(() => expect(labelledIn(card(), "LinkedIn post")).not.toBeNull());
    type(labelledIn(card(), "LinkedIn post") as HTMLTextAreaElement, "Edited draft.");
    await vi.waitFor(() => expect(buttonIn(card(), "Save edit")?.disabled).toBe(false));
    buttonIn(card(), "Save edit")?.click();
    await vi.waitFor(() => expect(edits).toHaveLength(1));
    expect(edits[0]).toMatchObject({
      variantId: "var_linkedin",
      changes: { body: "Edited draft." },
    });
    await vi.waitFor(() => expect(card()?.textContent).toContain("Edited draft."));
  });

  it("explains a save the API refused, and keeps the edit", async () => {
    variants = [variantOf("linkedin", "I film in one take.")];
    messaging.removeAllListeners();
    routeMessages();
    messaging.onMessage("session", () => ({ ok: true, value: session }));
    messaging.onMessage("listContent", () => ({ ok: true, value: { items, nextCursor: null } }));
    messaging.onMessage("getContent", () => ({
      ok: true,
      value: { ...items[0], variants } as ContentDetail,
    }));
    messaging.onMessage("updateVariant", () => ({
      ok: false,
      error: { code: "NOT_FOUND", message: "Variant not found", status: 404 },
    }));
    await openItem();
    const card = () => article("LinkedIn post variant");
    await vi.waitFor(() => expect(card()).not.toBeNull());
    buttonIn(card(), "Edit LinkedIn post variant")?.click();
    await vi.waitFor(() => expect(labelledIn(card(), "LinkedIn post")).not.toBeNull());
    type(labelledIn(card(), "LinkedIn post") as HTMLTextAreaElement, "Edited draft.");
    await vi.waitFor(() => expect(buttonIn(card(), "Save edit")?.disabled).toBe(false));
    buttonIn(card(), "Save edit")?.click();
    await vi.waitFor(() =>
      expect(card()?.querySelector('[role="alert"]')?.textContent).toBe(
        "This item no longer exists in this workspace.",
      ),
    );
    expect(labelledIn(card(), "LinkedIn post")?.value).toBe("Edited draft.");
  });

  it("edits the title, the piece and private notes, saving only what changed", async () => {
    items = [{ ...item("cnt_1", "Editing in one take"), body: "The script.", notes: "Call Sam" }];
    await openItem();
    const form = () => document.querySelector('form[aria-label="Idea details"]');
    await vi.waitFor(() => expect(labelledIn(form(), "Private notes")).not.toBeNull());
    const notes = labelledIn(form(), "Private notes") as HTMLTextAreaElement;
    const body = labelledIn(form(), "Script, transcript or article") as HTMLTextAreaElement;
    expect(notes.value).toBe("Call Sam");
    expect(body.value).toBe("The script.");
    // Each says what it is for, read with the field.
    const hint = (field: HTMLElement) =>
      document.getElementById(field.getAttribute("aria-describedby") ?? "")?.textContent;
    expect(hint(notes)).toContain("Never sent to the AI");
    expect(hint(body)).toContain("Repurposing reads this");
    expect(buttonIn(form(), "Save changes")?.disabled).toBe(true);
    await accessible();

    type(body, "The whole script, rewritten.");
    type(labelledIn(form(), "Title") as HTMLTextAreaElement, "Editing in one take, part 2 ");
    await vi.waitFor(() => expect(buttonIn(form(), "Save changes")?.disabled).toBe(false));
    buttonIn(form(), "Save changes")?.click();
    await vi.waitFor(() => expect(updates).toHaveLength(1));
    expect(updates[0]).toEqual({
      contentId: "cnt_1",
      changes: { title: "Editing in one take, part 2", body: "The whole script, rewritten." },
    });
    await vi.waitFor(() =>
      expect(document.querySelector("h2")?.textContent).toBe("Editing in one take, part 2"),
    );
    expect(buttonIn(form(), "Save changes")?.disabled).toBe(true);
  });

  it("says which platforms kept a person's edit, and replaces them when asked", async () => {
    items = [{ ...item("cnt_1", "Editing in one take"), platforms: ["x", "linkedin"] }];
    const port = fakePort();
    await openItem();
    button("Repurpose")?.click();
    await vi.waitFor(() => expect(port.posted).toHaveLength(1));
    port.emit({
      type: "done",
      outcome: {
        variants: [variantOf("linkedin", "A fresh post.")],
        skipped: [{ platform: "x", reason: "edited", variantId: "var_x" }],
        cached: false,
        provider: "offline",
        model: "extractive",
        credits: 1,
      },
    });
    await vi.waitFor(() => expect(text()).toContain("Kept your edit of the X thread"));
    await accessible();
    button("Replace my edit")?.click();
    await vi.waitFor(() => expect(port.posted).toHaveLength(2));
    expect(port.posted[1]).toEqual({ contentId: "cnt_1", platforms: ["x"], replaceEdited: true });
  });

  it("shows a run's progress whatever platforms the stream names, and only the text asked for", async () => {
    items = [{ ...item("cnt_1", "Editing in one take"), platforms: ["x"] }];
    const port = fakePort();
    await openItem();
    button("Repurpose")?.click();
    await vi.waitFor(() => expect(port.posted).toHaveLength(1));
    port.emit({ type: "progress", stage: "started", platforms: ["x", "mastodon" as never] });
    port.emit({ type: "text", platform: "linkedin", delta: "Not asked for" });
    port.emit({ type: "text", platform: "x", delta: "1/2 One take." });
    const progress = () =>
      document.querySelector('[aria-label="Progress by platform"]')?.textContent;
    await vi.waitFor(() => expect(progress()).toContain("X threadwriting · 13 characters"));
    expect(progress()).toContain("other platform");
    expect(text()).not.toContain("Not asked for");
    expect(progress()).not.toContain("LinkedIn");
    expect(button("Back")).toBeDefined();
  });

  it("shows each issue of a refused edit under the post it names", async () => {
    variants = [variantOf("x", "1/2 One take.\n\n2/2 Done.", ["1/2 One take.", "2/2 Done."])];
    variantAnswer = () => ({
      ok: false,
      error: {
        code: "RULE_VIOLATION",
        message: "This X thread breaks the platform rules: Post 2 repeats post 1.",
        status: 400,
        issues: [
          { path: "parts.2", message: "Post 2 repeats post 1." },
          { path: "body", message: "The thread reads as spam." },
        ],
      },
    });
    await openItem();
    const card = () => article("X thread variant");
    await vi.waitFor(() => expect(card()).not.toBeNull());
    buttonIn(card(), "Edit X thread variant")?.click();
    await vi.waitFor(() => expect(labelledIn(card(), "Post 2 of 2")).not.toBeNull());
    type(labelledIn(card(), "Post 2 of 2") as HTMLTextAreaElement, "One take.");
    await vi.waitFor(() => expect(buttonIn(card(), "Save edit")?.disabled).toBe(false));
    buttonIn(card(), "Save edit")?.click();

    const post2 = () => labelledIn(card(), "Post 2 of 2") as HTMLTextAreaElement;
    const described = (field: HTMLElement) =>
      (field.getAttribute("aria-describedby") ?? "")
        .split(" ")
        .map((id) => document.getElementById(id)?.textContent ?? "")
        .join(" ");
    await vi.waitFor(() => expect(described(post2())).toContain("Post 2 repeats post 1."));
    expect(post2().getAttribute("aria-invalid")).toBe("true");
    const post1 = labelledIn(card(), "Post 1 of 2") as HTMLTextAreaElement;
    expect(post1.getAttribute("aria-invalid")).toBe("false");
    expect(described(post1)).not.toContain("repeats");
    expect(card()?.textContent).toContain("The thread reads as spam.");
    // The alert says it in our words; the server's sentence is not repeated there.
    expect(card()?.querySelector('[role="alert"]')?.textContent).toBe(
      "This breaks the platform's rules. Fix the problems shown and save again.",
    );
    await accessible();

    // Changing the draft clears what the API said about the old one.
    type(post2(), "Something new.");
    await vi.waitFor(() => expect(card()?.textContent).not.toContain("Post 2 repeats post 1."));
    expect(post2().getAttribute("aria-invalid")).toBe("false");
  });

  it("keeps unsaved changes to the item when Escape is pressed, and says so", async () => {
    await openItem();
    const form = () => document.querySelector('form[aria-label="Idea details"]');
    await vi.waitFor(() => expect(labelledIn(form(), "Title")).not.toBeNull());
    const title = labelledIn(form(), "Title") as HTMLTextAreaElement;
    type(title, "A better title");
    await vi.waitFor(() => expect(buttonIn(form(), "Save changes")?.disabled).toBe(false));
    title.dispatchEvent(
      new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }),
    );
    await vi.waitFor(() => expect(text()).toContain("This idea has unsaved changes."));
    expect(button("Back")).toBeDefined();
    expect((labelledIn(form(), "Title") as HTMLTextAreaElement).value).toBe("A better title");
    await accessible();

    // Nothing unsaved: Escape leaves the item.
    buttonIn(form(), "Undo changes")?.click();
    await vi.waitFor(() => expect(text()).not.toContain("This idea has unsaved changes."));
    document.body.dispatchEvent(
      new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }),
    );
    await vi.waitFor(() => expect(document.querySelector("h2")?.textContent).toBe("Ideas"));
  });

  it("ignores Escape while a variant edit is being saved, as it does Cancel", async () => {
    variants = [variantOf("linkedin", "I film in one take.")];
    let answer = (_value: unknown) => {};
    variantAnswer = (data) =>
      new Promise((resolve) => {
        answer = () =>
          resolve({
            ok: true,
            value: { ...variants[0], body: data.changes.body, generatedBy: "person" } as Variant,
          });
      });
    await openItem();
    const card = () => article("LinkedIn post variant");
    await vi.waitFor(() => expect(card()).not.toBeNull());
    buttonIn(card(), "Edit LinkedIn post variant")?.click();
    await vi.waitFor(() => expect(labelledIn(card(), "LinkedIn post")).not.toBeNull());
    const body = labelledIn(card(), "LinkedIn post") as HTMLTextAreaElement;
    type(body, "Edited draft.");
    await vi.waitFor(() => expect(buttonIn(card(), "Save edit")?.disabled).toBe(false));
    buttonIn(card(), "Save edit")?.click();
    await vi.waitFor(() => expect(buttonIn(card(), "Saving…")).toBeDefined());
    body.dispatchEvent(
      new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(labelledIn(card(), "LinkedIn post")?.value).toBe("Edited draft.");
    expect(button("Back")).toBeDefined();
    answer(undefined);
    await vi.waitFor(() => expect(labelledIn(card(), "LinkedIn post")).toBeNull());
    expect(card()?.textContent).toContain("Edited draft.");
  });

  it("is not left dirty after saving notes cleared to whitespace", async () => {
    items = [{ ...item("cnt_1", "Editing in one take"), notes: "Call Sam" }];
    await openItem();
    const form = () => document.querySelector('form[aria-label="Idea details"]');
    await vi.waitFor(() => expect(labelledIn(form(), "Private notes")).not.toBeNull());
    type(labelledIn(form(), "Private notes") as HTMLTextAreaElement, "   ");
    await vi.waitFor(() => expect(buttonIn(form(), "Save changes")?.disabled).toBe(false));
    buttonIn(form(), "Save changes")?.click();
    await vi.waitFor(() => expect(updates).toHaveLength(1));
    expect(updates[0]).toEqual({ contentId: "cnt_1", changes: { notes: null } });
    await vi.waitFor(() => expect(text()).toContain("Saved"));
    expect(buttonIn(form(), "Save changes")?.disabled).toBe(true);
    expect(buttonIn(form(), "Undo changes")).toBeUndefined();
  });

  it("moves focus to a control after Remove post and after Save edit", async () => {
    variants = [variantOf("x", "", ["1/3 One take.", "2/3 Then the cut.", "3/3 Done."])];
    await openItem();
    const card = () => article("X thread variant");
    await vi.waitFor(() => expect(card()).not.toBeNull());
    buttonIn(card(), "Edit X thread variant")?.click();
    await vi.waitFor(() => expect(labelledIn(card(), "Post 2 of 3")).not.toBeNull());
    buttonIn(card(), "Remove post 2")?.click();
    await vi.waitFor(() => expect(labelledIn(card(), "Post 2 of 2")?.value).toBe("Done."));
    expect(document.activeElement).toBe(labelledIn(card(), "Post 2 of 2"));
    buttonIn(card(), "Remove post 2")?.click();
    await vi.waitFor(() => expect(labelledIn(card(), "Post 1 of 1")).not.toBeNull());
    expect(document.activeElement).toBe(labelledIn(card(), "Post 1 of 1"));

    buttonIn(card(), "Save edit")?.click();
    await vi.waitFor(() => expect(edits).toHaveLength(1));
    await vi.waitFor(() => expect(labelledIn(card(), "Post 1 of 1")).toBeNull());
    expect(document.activeElement).toBe(buttonIn(card(), "Edit X thread variant"));
  });
});
