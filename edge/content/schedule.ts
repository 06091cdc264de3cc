/**
 * The content life cycle's rules, the same for creating (`POST`) and changing (`PUT`) an item:
 * which status may follow which (shared/content.ts STATUS_TRANSITIONS), and that a scheduled
 * item has a time that is not already past.
 */
import {
  type ContentStatus,
  canTransition,
  FIRST_STATUSES,
  STATUS_TRANSITIONS,
} from "../../shared/content";
import { ApiError } from "../errors";

/** A scheduled time this far in the past is still accepted: clocks and clicks take a moment. */
const SCHEDULE_GRACE_MS = 60_000;

export interface ScheduleChange {
  /** The item's status now; undefined when the item is being created. */
  from?: ContentStatus;
  to: ContentStatus;
  /** The scheduled time after the change (UTC). */
  scheduledAt: Date | null;
  /** True when this request sets the time (or moves into `scheduled`): only then is a past time refused. */
  timeChanged: boolean;
}

/**
 * @throws ApiError 400 INVALID_STATUS_TRANSITION (with `details.allowed`, the statuses that may
 *   follow), 400 SCHEDULE_TIME_REQUIRED, 400 SCHEDULE_TIME_PAST.
 */
export function checkSchedule(change: ScheduleChange, now = new Date()): void {
  const allowed: readonly ContentStatus[] = change.from
    ? STATUS_TRANSITIONS[change.from]
    : FIRST_STATUSES;
  const ok = change.from ? canTransition(change.from, change.to) : allowed.includes(change.to);
  if (!ok) {
    const start = change.from ? `An item that is ${change.from}` : "A new item";
    throw new ApiError(
      400,
      "INVALID_STATUS_TRANSITION",
      `${start} cannot become ${change.to}. It can become: ${allowed.join(", ")}.`,
      [{ path: "status", message: `Allowed: ${allowed.join(", ")}` }],
      undefined,
      { from: change.from ?? null, to: change.to, allowed },
    );
  }
  if (change.to !== "scheduled") return;
  if (!change.scheduledAt) {
    throw new ApiError(
      400,
      "SCHEDULE_TIME_REQUIRED",
      "Give a scheduledAt time to schedule this item",
      [{ path: "scheduledAt", message: "Required to schedule" }],
    );
  }
  const movedIn = change.from !== "scheduled";
  if (
    (movedIn || change.timeChanged) &&
    change.scheduledAt.getTime() < now.getTime() - SCHEDULE_GRACE_MS
  ) {
    throw new ApiError(
      400,
      "SCHEDULE_TIME_PAST",
      "This time has already passed. Pick a time in the future to schedule the item.",
      [{ path: "scheduledAt", message: "Must be in the future" }],
    );
  }
}
