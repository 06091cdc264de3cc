import { base64url } from "./encoding";

/**
 * Opaque random ids with a readable prefix (`ws_…`, `usr_…`): 128 random bits, so ids in
 * URLs reveal neither order nor count.
 */
export type IdPrefix =
  | "usr"
  | "oa"
  | "ses"
  | "ws"
  | "inv"
  | "cnt"
  | "var"
  | "spn"
  | "deal"
  | "stg"
  | "dlv"
  | "act"
  | "fu"
  | "sub"
  | "air"
  | "job"
  | "eml"
  | "dlq"
  | "aud"
  | "cal";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${base64url(crypto.getRandomValues(new Uint8Array(16)))}`;
}
