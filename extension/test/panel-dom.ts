import { expect } from "vitest";
import { wcagViolations } from "./axe";

/**
 * Finding things in the rendered side panel the way a person (or a screen reader) names them,
 * and acting on them: the helpers of the deals and follow-ups view tests.
 */

type Scope = ParentNode | null | undefined;

/** An element's accessible name as these tests need it: aria-label, or its text without aria-hidden parts. */
export function nameOf(element: Element): string {
  const label = element.getAttribute("aria-label");
  if (label) return label;
  const copy = element.cloneNode(true) as HTMLElement;
  for (const hidden of copy.querySelectorAll("[aria-hidden]")) hidden.remove();
  return (copy.textContent ?? "").replace(/\s+/g, " ").trim();
}

export const all = <T extends Element = HTMLElement>(selector: string, scope: Scope = document) =>
  [...(scope?.querySelectorAll<T>(selector) ?? [])] as T[];

/** A button by its exact accessible name. */
export const button = (name: string, scope: Scope = document) =>
  all<HTMLButtonElement>("button", scope).find((b) => nameOf(b) === name);

/** A button whose accessible name starts with `prefix` ("Later today 5:30 PM"). */
export const buttonStarting = (prefix: string, scope: Scope = document) =>
  all<HTMLButtonElement>("button", scope).find((b) => nameOf(b).startsWith(prefix));

/** The control a label names. */
export function labelled<T extends HTMLElement = HTMLInputElement>(
  name: string,
  scope: Scope = document,
) {
  const label = all<HTMLLabelElement>("label", scope).find((l) => l.textContent?.trim() === name);
  if (!label) return null;
  if (label.htmlFor) return document.getElementById(label.htmlFor) as T | null;
  return label.querySelector<T>("input, select, textarea");
}

/** A section (or article) by the text of the heading that labels it (not a tab's panel). */
export function region(name: string, scope: Scope = document) {
  return all("section[aria-labelledby], article[aria-labelledby]", scope).find((element) => {
    const ids = (element.getAttribute("aria-labelledby") ?? "").split(" ");
    return ids.some((id) => {
      const heading = document.getElementById(id);
      return heading && nameOf(heading).startsWith(name);
    });
  });
}

/** A tab of the panel's tab list. */
export const tab = (name: string) =>
  all<HTMLButtonElement>('[role="tab"]').find((t) => nameOf(t) === name);

export const text = (scope: Element | null | undefined = document.body) => scope?.textContent ?? "";

/** Types into a text field as a person would (React sees an input event). */
export function type(field: Element | null | undefined, value: string) {
  if (!field) throw new Error("no field to type into");
  const element = field as HTMLInputElement | HTMLTextAreaElement;
  const prototype =
    element instanceof HTMLTextAreaElement
      ? HTMLTextAreaElement.prototype
      : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(prototype, "value")?.set?.call(element, value);
  element.dispatchEvent(new Event("input", { bubbles: true }));
}

/** Chooses an option of a select by its value. */
export function choose(select: Element | null | undefined, value: string) {
  if (!select) throw new Error("no select to choose in");
  const element = select as HTMLSelectElement;
  Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value")?.set?.call(element, value);
  element.dispatchEvent(new Event("change", { bubbles: true }));
}

export function press(element: Element | null | undefined, key: string) {
  if (!element) throw new Error(`nothing to press ${key} on`);
  element.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
}

/** The panel as rendered, against WCAG 2.1 AA (what the fake DOM can check). */
export async function expectAccessible() {
  expect(await wcagViolations(document.getElementById("root") as HTMLElement)).toEqual([]);
}
