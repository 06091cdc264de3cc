import { vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";

/**
 * Lets `@webext-core/messaging` run over WXT's fake browser: it sends with the callback form of
 * runtime.sendMessage and answers through sendResponse, which the fake does not implement.
 * Messages then reach the handlers a test registers with `messaging.onMessage`.
 */
export function routeMessages() {
  // The fake's lastError is a "not implemented" stub, which reads as an error on every answer.
  Object.defineProperty(fakeBrowser.runtime, "lastError", { value: undefined, configurable: true });
  vi.spyOn(fakeBrowser.runtime, "sendMessage").mockImplementation(((
    message: unknown,
    respond: (answer: unknown) => void,
  ) => {
    const trigger = fakeBrowser.runtime.onMessage.trigger as (...args: unknown[]) => unknown;
    void trigger(message, {}, respond);
  }) as never);
}
