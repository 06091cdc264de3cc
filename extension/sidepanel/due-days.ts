/**
 * Which day a follow-up is due, in the browser's time zone: overdue (before today), today, or
 * upcoming. The day's bounds are built from local calendar fields (`new Date(y, m, d)`), so a
 * day of 23 or 25 hours (a daylight-saving change) is still one day. Pure: `now` is given.
 */

export const DUE_GROUPS = ["overdue", "today", "upcoming"] as const;
export type DueGroup = (typeof DUE_GROUPS)[number];

/** The start of today and of tomorrow in the browser's time zone, as instants. */
export interface DayBounds {
  startOfToday: string;
  startOfTomorrow: string;
}

export function dayBounds(now: Date): DayBounds {
  const year = now.getFullYear();
  const month = now.getMonth();
  const day = now.getDate();
  return {
    startOfToday: new Date(year, month, day).toISOString(),
    startOfTomorrow: new Date(year, month, day + 1).toISOString(),
  };
}

/**
 * What each group asks `GET /api/followups` for: `dueAfter` is inclusive and `dueBefore`
 * exclusive, so the three windows meet without a gap or an overlap.
 */
export function dueWindows(bounds: DayBounds): Record<
  DueGroup,
  {
    dueAfter?: string;
    dueBefore?: string;
  }
> {
  return {
    overdue: { dueBefore: bounds.startOfToday },
    today: { dueAfter: bounds.startOfToday, dueBefore: bounds.startOfTomorrow },
    upcoming: { dueAfter: bounds.startOfTomorrow },
  };
}

/** The group a due time falls in, by the same bounds the windows were asked with. */
export function dueGroupOf(dueAt: string, bounds: DayBounds): DueGroup {
  const at = Date.parse(dueAt);
  if (at < Date.parse(bounds.startOfToday)) return "overdue";
  if (at < Date.parse(bounds.startOfTomorrow)) return "today";
  return "upcoming";
}
