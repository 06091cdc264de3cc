import { ApiError } from "../errors";
import { base64url, fromBase64url } from "./encoding";

/** Keyset cursors: `(time, id)` of the last row, so pages never skip or repeat rows. */
export interface Cursor {
  at: number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return base64url(new TextEncoder().encode(`${cursor.at}|${cursor.id}`));
}

export function decodeCursor(text: string | undefined): Cursor | undefined {
  if (!text) return undefined;
  try {
    const [at, id] = new TextDecoder().decode(fromBase64url(text)).split("|");
    if (at && id && /^\d+$/.test(at)) return { at: Number(at), id };
  } catch {
    // fall through to the error below
  }
  throw new ApiError(400, "VALIDATION_ERROR", "The page cursor is not valid", [
    { path: "cursor", message: "Use the nextCursor value from the previous page" },
  ]);
}
