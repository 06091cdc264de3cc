/** The sending side for extension pages and content scripts: a Result becomes a value or a throw. */
import { ExtensionError, fromView } from "./errors";
import { type Asked, messaging, type ProtocolMap, type Result, type ValueOf } from "./protocol";

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
  throw fromView(result.error);
}
