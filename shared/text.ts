/**
 * Bidirectional embedding, override and isolate controls: U+202A–U+202E and U+2066–U+2069.
 * Hidden in a title or a post they reorder the text around them ("Trojan Source",
 * CVE-2021-42574), so they are removed from everything a creator saves or publishes.
 * Marks that only nudge one character (U+200E/U+200F) are kept: right-to-left writers need them.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** Half of a UTF-16 surrogate pair without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, "");
}

/**
 * Text as it is stored and checked: bidirectional controls removed, and every lone surrogate
 * replaced by U+FFFD (what `String.prototype.toWellFormed` does). Unpaired halves are not text;
 * storage would expand each into three replacement characters after every length check.
 */
export function cleanText(text: string): string {
  return stripBidiControls(text).replace(LONE_SURROGATE, "\uFFFD");
}
