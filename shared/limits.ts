/**
 * Input limits of content items, with no runtime dependency (no zod), so the side panel's first
 * chunk and the dashboard can show them; the schemas in shared/content.ts enforce them.
 */

/** Title limit: YouTube's own title limit is 100; 300 leaves room for newsletters and notes. */
export const TITLE_MAX = 300;
/** The piece itself (script, transcript, article): about 15,000 words. */
export const BODY_MAX = 100_000;
/** Private production notes. */
export const NOTES_MAX = 50_000;
/** `limit` of every list route: at most this many items a page. */
export const PAGE_LIMIT_MAX = 100;
