/**
 * When a snoozed follow-up falls due again, in the browser's time zone. Days and hours are built
 * from local calendar fields (`new Date(year, month, day, hour)`), never by adding 24 hours, so a
 * daylight-saving change never turns "tomorrow at 9:00" into 8:00 or 10:00. Pure: `now` is given.
 */

export const SNOOZE_CHOICES = ["laterToday", "tomorrow", "nextWeek"] as const;
export type SnoozeChoice = (typeof SNOOZE_CHOICES)[number];

export const SNOOZE_LABELS: Record<SnoozeChoice, string> = {
  laterToday: "Later today",
  tomorrow: "Tomorrow",
  nextWeek: "Next week",
};

const HOUR_MS = 60 * 60 * 1000;
/** "Later today" is this many hours of real time from now. */
export const LATER_TODAY_HOURS = 3;
/** "Tomorrow" and "next week" start the working day at this local hour. */
export const MORNING_HOUR = 9;

/**
 * The time a choice snoozes to: later today is 3 hours from now; tomorrow is 9:00 tomorrow;
 * next week is 9:00 next Monday (a week on when today is Monday).
 */
export function snoozeUntil(choice: SnoozeChoice, now: Date): Date {
  const year = now.getFullYear();
  const month = now.getMonth();
  const day = now.getDate();
  switch (choice) {
    case "laterToday":
      return new Date(now.getTime() + LATER_TODAY_HOURS * HOUR_MS);
    case "tomorrow":
      return new Date(year, month, day + 1, MORNING_HOUR);
    case "nextWeek": {
      // getDay(): Sunday 0 … Saturday 6; Monday is 1.
      const daysToMonday = (8 - now.getDay()) % 7 || 7;
      return new Date(year, month, day + daysToMonday, MORNING_HOUR);
    }
  }
}

/**
 * A picked time (a datetime-local value, read in local time) as the new due time, or why not:
 * a snooze moves a follow-up later, so the time must be after now and after its current due time.
 */
export function pickedSnooze(
  value: string,
  now: Date,
  dueAt: string,
): { at: Date } | { problem: string } {
  if (!value) return { problem: "Pick a date and time." };
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return { problem: "Pick a date and time." };
  if (at.getTime() <= now.getTime()) return { problem: "Pick a time in the future." };
  if (at.getTime() <= Date.parse(dueAt)) {
    return { problem: "Pick a time after it is due now: a snooze moves it later." };
  }
  return { at };
}

/** Whether a snooze to `at` moves the follow-up later (the only way a snooze goes). */
export const isLater = (at: Date, dueAt: string) => at.getTime() > Date.parse(dueAt);
