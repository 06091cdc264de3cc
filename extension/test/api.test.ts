import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { apiClient, unwrap } from "../lib/api";
import { enqueue, readQueue, send } from "../lib/capture-queue";
import { post } from "../lib/captures";
import { ExtensionError } from "../lib/errors";
import { apiOriginItem, sessionItem } from "../lib/storage";

/**
 * The API client's reading of answers: the API's envelope, and what comes back when something
 * else answers in its place (a gateway, a captive portal's login page).
 */
const health = () => unwrap(apiClient("http://api.test").api.health.$get());
const answering = (response: () => Response) =>
  vi.spyOn(globalThis, "fetch").mockImplementation(async () => response());

beforeEach(() => fakeBrowser.reset());
afterEach(() => vi.restoreAllMocks());

describe("unwrap", () => {
  it("keeps the status of a JSON answer that is not an envelope, and reads it by that status", async () => {
    answering(() => Response.json({ message: "Forbidden by gateway" }, { status: 403 }));
    const failure = await health().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExtensionError);
    expect(failure).toMatchObject({ code: "FORBIDDEN", status: 403 });
    expect((failure as ExtensionError).message).not.toContain("gateway");

    answering(() => Response.json({ error: "busy" }, { status: 503 }));
    await expect(health()).rejects.toMatchObject({ code: "INTERNAL_ERROR", status: 503 });
  });

  it("takes a 200 page that is not the API's envelope (a captive portal) as unreachable", async () => {
    answering(
      () =>
        new Response("<html><body>Sign in to the café Wi-Fi</body></html>", {
          status: 200,
          headers: { "Content-Type": "text/html" },
        }),
    );
    const failure = (await health().catch((error: unknown) => error)) as ExtensionError;
    expect(failure).toMatchObject({ code: "OFFLINE", status: 0 });
    expect(failure.retryable).toBe(true);
  });

  it("keeps a capture queued, not failed, while a captive portal answers for the API", async () => {
    await apiOriginItem.setValue("http://api.test");
    await sessionItem.setValue({
      token: "tok",
      expiresAt: "2030-01-01T00:00:00.000Z",
      user: { id: "usr_1", email: "a@b.c", name: "A" },
    });
    answering(() => new Response("<html>Log in</html>", { status: 200 }));
    const capture = await enqueue("content", { title: "On the train" }, "ws_1");
    const { outcome } = await send(capture, post);
    expect(outcome).toMatchObject({ state: "queued", error: { code: "OFFLINE" } });
    expect(await readQueue()).toMatchObject([{ state: "pending" }]);
  });
});
