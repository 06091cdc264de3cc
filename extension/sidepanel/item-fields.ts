/**
 * The words and limits of an item's own fields, the same in quick capture and the item view.
 * The limits restate shared/content's TITLE_MAX, BODY_MAX and NOTES_MAX (a unit test keeps them
 * equal): importing those would pull zod into the panel's first chunk.
 */
export const LIMITS = { title: 300, body: 100_000, notes: 50_000 } as const;

export const BODY_LABEL = "Script, transcript or article";
export const BODY_HINT = "The piece itself. Repurposing reads this.";
export const NOTES_LABEL = "Private notes";
export const NOTES_HINT = "Only for you and your workspace. Never sent to the AI or used in posts.";
