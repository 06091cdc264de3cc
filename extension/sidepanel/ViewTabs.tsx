import { type KeyboardEvent, useRef } from "react";

export const VIEWS = ["ideas", "deals", "followups"] as const;
export type View = (typeof VIEWS)[number];

export const VIEW_NAMES: Record<View, string> = {
  ideas: "Ideas",
  deals: "Deals",
  followups: "Follow-ups",
};

export const tabIdOf = (prefix: string, view: View) => `${prefix}-tab-${view}`;
export const panelIdOf = (prefix: string, view: View) => `${prefix}-panel-${view}`;

interface Props {
  view: View;
  onView(view: View): void;
  /** Makes the tab and panel ids unique on the page. */
  idPrefix: string;
}

/**
 * The panel's views as tabs (WAI-ARIA tabs pattern): one tab stop, arrow keys move between the
 * tabs (Home and End to the first and last) and select the one they land on.
 */
export function ViewTabs({ view, onView, idPrefix }: Props) {
  const tabs = useRef(new Map<View, HTMLButtonElement>());

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const at = VIEWS.indexOf(view);
    const next =
      event.key === "ArrowRight"
        ? VIEWS[(at + 1) % VIEWS.length]
        : event.key === "ArrowLeft"
          ? VIEWS[(at - 1 + VIEWS.length) % VIEWS.length]
          : event.key === "Home"
            ? VIEWS[0]
            : event.key === "End"
              ? VIEWS[VIEWS.length - 1]
              : null;
    if (!next) return;
    event.preventDefault();
    onView(next);
    tabs.current.get(next)?.focus();
  };

  return (
    <div className="view-tabs" role="tablist" aria-label="Views">
      {VIEWS.map((candidate) => {
        const selected = candidate === view;
        return (
          <button
            key={candidate}
            ref={(tab) => {
              if (tab) tabs.current.set(candidate, tab);
              else tabs.current.delete(candidate);
            }}
            type="button"
            role="tab"
            id={tabIdOf(idPrefix, candidate)}
            aria-selected={selected}
            aria-controls={panelIdOf(idPrefix, candidate)}
            tabIndex={selected ? 0 : -1}
            className="view-tab"
            onClick={() => onView(candidate)}
            onKeyDown={onKeyDown}
          >
            {VIEW_NAMES[candidate]}
          </button>
        );
      })}
    </div>
  );
}
