/**
 * Stale deals: a deal in an open or won stage with no activity (a note, a stage change, a
 * captured email, a follow-up…) for longer than its kind allows.
 *
 * The numbers are our own choice, not a standard: an open deal is a conversation, and two
 * weeks of silence is when a brand's interest usually cools (14 days); a won deal has work and
 * money in flight, so a week without news is already worth a look (7 days). Paid and lost deals
 * are finished and never stale.
 */
import type { StageKind } from "../../shared/crm";

const DAY_MS = 24 * 60 * 60 * 1000;

export const STALE_AFTER_DAYS: Readonly<Partial<Record<StageKind, number>>> = {
  open: 14,
  won: 7,
};

/** The instant before which a deal of `kind` with no activity is stale; undefined: never. */
export function staleBefore(kind: StageKind | null | undefined, now: number): number | undefined {
  const days = kind ? STALE_AFTER_DAYS[kind] : undefined;
  return days === undefined ? undefined : now - days * DAY_MS;
}

/** Whether a deal of `kind` whose last activity was at `lastActivityAt` is stale at `now`. */
export function isStale(
  kind: StageKind | null | undefined,
  lastActivityAt: Date,
  now: number,
): boolean {
  const before = staleBefore(kind, now);
  return before !== undefined && lastActivityAt.getTime() < before;
}
