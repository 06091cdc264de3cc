/**
 * Display helpers for the side panel. Kept free of runtime imports from shared/ (which pull in
 * zod) so the panel's first load stays small; the detail view imports the rules it needs.
 */
import type { ContentStatus } from "../../shared/content";
import type { Usage } from "../lib/protocol";

export const STATUS_LABELS: Record<ContentStatus, string> = {
  idea: "Idea",
  drafting: "Drafting",
  scheduled: "Scheduled",
  published: "Published",
  archived: "Archived",
};

/** The list's status filter: "" is the API's default view, everything but the archive. */
export const STATUS_FILTERS: { value: ContentStatus | ""; label: string }[] = [
  { value: "", label: "All (not archived)" },
  ...(Object.entries(STATUS_LABELS) as [ContentStatus, string][]).map(([value, label]) => ({
    value,
    label,
  })),
];

export interface CharCount {
  count: number;
  limit: number;
  over: boolean;
  /** "212 / 280" */
  text: string;
}

export function charCountView(count: number, limit: number): CharCount {
  return { count, limit, over: count > limit, text: `${count} / ${limit}` };
}

/** "38 of 50 AI credits left" */
export function creditsText(usage: Pick<Usage, "creditsLeft" | "creditsLimit">): string {
  const noun = usage.creditsLimit === 1 ? "AI credit" : "AI credits";
  return `${usage.creditsLeft} of ${usage.creditsLimit} ${noun} left`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An ISO time as a datetime-local input value, in the browser's time zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}`;
}

/** A datetime-local input value (local time) as ISO 8601 in UTC; null when empty or invalid. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function formatDay(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  });
}

export function formatTime(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
}

/** "in 2 min", "in 40 s", or "now" for a retry time. */
export function untilText(at: number, now = Date.now()): string {
  const seconds = Math.round((at - now) / 1000);
  if (seconds <= 0) return "now";
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `in ${minutes} min`;
  return `at ${formatTime(at)}`;
}

/** "@maya" from "maya@example.com": the handle shown on the X and LinkedIn previews. */
export function handleFromEmail(email: string): string {
  return `@${email.split("@")[0] || "you"}`;
}
