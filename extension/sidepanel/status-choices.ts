import { type ContentStatus, STATUS_TRANSITIONS } from "../../shared/content";

/** The statuses an item can move to from where it is, itself first. */
export function statusChoices(from: ContentStatus): ContentStatus[] {
  return [from, ...STATUS_TRANSITIONS[from].filter((to) => to !== from)];
}
