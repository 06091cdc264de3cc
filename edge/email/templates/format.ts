/** How emails write times and money: in the recipient's IANA time zone, en-US words. */
import { formatMoney } from "../../../shared/view/format";

/** "Tue, Dec 1, 2026, 9:00 AM GMT" in `timeZone`. */
export function emailDateTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", {
    weekday: "short",
    month: "short",
    day: "numeric",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  }).format(at);
}

/** "Tue, Dec 1, 2026" — a calendar day (deliverable dates are UTC days, as the clients show them). */
export function emailCalendarDay(at: Date): string {
  return new Intl.DateTimeFormat("en-US", {
    weekday: "short",
    month: "short",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  }).format(at);
}

/** "$2,500" for (250000, "USD"). */
export function emailMoney(valueMinor: number, currency: string): string {
  return formatMoney(valueMinor, currency, "en-US");
}
