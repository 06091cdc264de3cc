import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { badgeText, endOfToday, refreshBadge } from "../lib/badge";
import { sessionItem, workspaceIdItem } from "../lib/storage";

/**
 * The toolbar badge: the count of pending follow-ups due by the end of the local day, asked of
 * the API with that instant; cleared for a signed-out user and never left stale by a slow read.
 */
const session = {
  token: "tok_1",
  expiresAt: "2099-01-01T00:00:00.000Z",
  user: { id: "usr_1", email: "maya@example.com", name: "Maya" },
};

function followupsAnswer(count: number) {
  return new Response(
    JSON.stringify({
      success: true,
      data: {
        items: Array.from({ length: count }, (_, i) => ({ id: `fu_${i}` })),
        nextCursor: null,
      },
    }),
    { status: 200, headers: { "content-type": "application/json" } },
  );
}

let badge: string | undefined;
let asked: URL[];

beforeEach(async () => {
  fakeBrowser.reset();
  badge = undefined;
  asked = [];
  const action = fakeBrowser.action as unknown as Record<string, unknown>;
  action.setBadgeText = vi.fn(async ({ text }: { text: string }) => {
    badge = text;
  });
  action.setBadgeBackgroundColor = vi.fn(async () => undefined);
  await workspaceIdItem.setValue("ws_1");
});
afterEach(() => vi.restoreAllMocks());

describe("the follow-ups badge", () => {
  it("writes no count as nothing, and more than 99 as 99+", () => {
    expect(badgeText(0)).toBe("");
    expect(badgeText(3)).toBe("3");
    expect(badgeText(100)).toBe("99+");
  });

  it("asks for pending follow-ups due before the end of the local day", async () => {
    const now = new Date(2026, 11, 1, 23, 59);
    expect(endOfToday(now)).toBe(new Date(2026, 11, 2, 0, 0).toISOString());
    await sessionItem.setValue(session);
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      asked.push(new URL(input instanceof Request ? input.url : String(input)));
      return followupsAnswer(4);
    });
    await refreshBadge();
    expect(badge).toBe("4");
    const [url] = asked;
    expect(url?.pathname).toBe("/api/followups");
    expect(url?.searchParams.get("status")).toBe("pending");
    expect(url?.searchParams.get("dueBefore")).toBe(endOfToday());
  });

  it("is cleared at once for a signed-out user, without asking the API", async () => {
    badge = "7";
    const fetch = vi.spyOn(globalThis, "fetch");
    await refreshBadge();
    expect(badge).toBe("");
    expect(fetch).not.toHaveBeenCalled();
  });

  it("keeps the newest count when an older read answers last", async () => {
    await sessionItem.setValue(session);
    let release: (() => void) | undefined;
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => {
      calls += 1;
      if (calls === 1) {
        await slow;
        return followupsAnswer(9);
      }
      return followupsAnswer(2);
    });
    const first = refreshBadge();
    await vi.waitFor(() => expect(calls).toBe(1));
    await refreshBadge();
    release?.();
    await first;
    expect(badge).toBe("2");
  });
});
