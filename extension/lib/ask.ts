/** The sending side for extension pages and content scripts: a Result becomes a value or a throw. */
import { ExtensionError } from "./errors";
import { messaging, type ProtocolMap, type Result } from "./protocol";

type Asked = {
  [K in keyof ProtocolMap]: ReturnType<ProtocolMap[K]> extends Result<unknown> ? K : never;
}[keyof ProtocolMap];
type ValueOf<K extends Asked> = ReturnType<ProtocolMap[K]> extends Result<infer T> ? T : never;

export async function ask<K extends Asked>(
  type: K,
  ...data: Parameters<ProtocolMap[K]>
): Promise<ValueOf<K>> {
  let result: Result<ValueOf<K>>;
  try {
    result = (await messaging.sendMessage(type, ...(data as [never]))) as Result<ValueOf<K>>;
  } catch {
    // The background is restarting or the extension was updated under this page.
    throw new ExtensionError("UNKNOWN", "CreatorOps is restarting. Try again in a moment.");
  }
  if (result.ok) return result.value;
  const { code, message, status, retryAfterSeconds, details } = result.error;
  throw new ExtensionError(code, message, status, {
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    ...(details ? { details } : {}),
  });
}
