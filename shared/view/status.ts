/** The words for a content item's status, for the clients' lists and filters. */
import type { ContentStatus } from "../content";

export const STATUS_LABELS: Record<ContentStatus, string> = {
  idea: "Idea",
  drafting: "Drafting",
  scheduled: "Scheduled",
  published: "Published",
  archived: "Archived",
};

/** A list's status filter: "" is the API's default view, everything but the archive. */
export const STATUS_FILTERS: { value: ContentStatus | ""; label: string }[] = [
  { value: "", label: "All (not archived)" },
  ...(Object.entries(STATUS_LABELS) as [ContentStatus, string][]).map(([value, label]) => ({
    value,
    label,
  })),
];
