/**
 * The toolbar badge: how many pending follow-ups are due by the end of today in the browser's
 * time zone (overdue ones included: they are due too). Refreshed on a chrome.alarms schedule,
 * after every follow-up change, and when the account or workspace changes; cleared at once for
 * a signed-out user, so it never shows someone else's count.
 */
import { browser } from "wxt/browser";
import { signedInClient, whileSignedIn } from "./account";
import { unwrap } from "./api";
import { sessionItem, workspaceIdItem } from "./storage";

export const BADGE_ALARM = "followups-badge";
/** How often the count is read again while nothing changes (chrome.alarms: at least 30 s). */
export const BADGE_PERIOD_MINUTES = 15;
/** Counted up to this many; more shows as "99+". */
const MAX_COUNTED = 100;

/** The end of the local day of `now`, as the instant `dueBefore` takes. */
export function endOfToday(now = new Date()): string {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).toISOString();
}

/** "", "3", "99+" */
export function badgeText(count: number): string {
  if (count <= 0) return "";
  return count >= MAX_COUNTED ? "99+" : String(count);
}

// MV3's action is MV2's browserAction (the Firefox build).
const button = () => browser.action ?? browser.browserAction;

async function show(text: string) {
  await button().setBadgeText({ text });
  if (text) await button().setBadgeBackgroundColor({ color: "#b3261e" });
}

let latest = 0;
/** Reads the count and shows it; a stale read never overwrites a newer one. */
export async function refreshBadge(): Promise<void> {
  const run = ++latest;
  if (!(await sessionItem.getValue())) return show("");
  try {
    const { client } = await signedInClient();
    const page = await whileSignedIn(
      unwrap(
        client.api.followups.$get({
          query: { status: "pending", dueBefore: endOfToday(), limit: String(MAX_COUNTED) },
        }),
      ),
    );
    if (run === latest) await show(badgeText(page.items.length));
  } catch {
    // Offline, signed out or another workspace meanwhile: keep nothing that may be wrong.
    if (run === latest) await show("");
  }
}

export function keepBadgeFresh() {
  void browser.alarms.create(BADGE_ALARM, { periodInMinutes: BADGE_PERIOD_MINUTES });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === BADGE_ALARM) void refreshBadge();
  });
  sessionItem.watch(() => void refreshBadge());
  workspaceIdItem.watch(() => void refreshBadge());
  void refreshBadge();
}
