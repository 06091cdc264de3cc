import { useEffect, useRef, useState } from "react";
import type { ContentStatus } from "../../shared/content";
import { formatDateTime } from "../../shared/view/format";
import { STATUS_FILTERS, STATUS_LABELS } from "../../shared/view/status";
import type { ContentItem } from "../lib/protocol";
import { Field } from "./Field";
import { PagedListBody } from "./PagedListBody";
import type { Ideas } from "./use-ideas";

interface Props {
  ideas: Ideas;
  onOpen(contentId: string): void;
  /** The item to focus when coming back from its detail. */
  returnFocusTo: string | null;
}

const SEARCH_DELAY_MS = 250;

export function IdeasList({ ideas, onOpen, returnFocusTo }: Props) {
  const { filter, setFilter, state, refresh, loadMore } = ideas;
  const [search, setSearch] = useState(filter.q);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (search === filter.q) return;
    const timer = setTimeout(
      () => setFilter((current) => ({ ...current, q: search })),
      SEARCH_DELAY_MS,
    );
    return () => clearTimeout(timer);
  }, [search, filter.q, setFilter]);

  useEffect(() => {
    if (!returnFocusTo) return;
    const button = listRef.current?.querySelector<HTMLButtonElement>(
      `[data-content-id="${CSS.escape(returnFocusTo)}"]`,
    );
    button?.focus();
  }, [returnFocusTo]);

  const filtered = filter.q.trim() !== "" || filter.status !== "";

  return (
    <section className="ideas">
      <div className="section-head">
        <h2>Ideas</h2>
        {state.phase === "refreshing" ? (
          <span className="muted small" role="status">
            Updating…
          </span>
        ) : null}
      </div>
      <div className="filters">
        <Field label="Search" className="grow">
          {(id) => (
            <input
              id={id}
              type="search"
              placeholder="Title or notes"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
            />
          )}
        </Field>
        <Field label="Status">
          {(id) => (
            <select
              id={id}
              value={filter.status}
              onChange={(event) =>
                setFilter((current) => ({
                  ...current,
                  status: event.target.value as ContentStatus | "",
                }))
              }
            >
              {STATUS_FILTERS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      <PagedListBody
        state={state}
        noun="ideas"
        empty={
          filtered ? "No ideas match this search." : "No ideas yet — save one from YouTube or above"
        }
        listRef={listRef}
        refresh={refresh}
        loadMore={loadMore}
      >
        {(item) => <IdeaRow key={item.id} item={item} onOpen={onOpen} />}
      </PagedListBody>
    </section>
  );
}

function IdeaRow({ item, onOpen }: { item: ContentItem; onOpen(contentId: string): void }) {
  return (
    <li className="idea">
      {/* The button's name is the title alone; the row's whole area is its click target. */}
      <button
        type="button"
        className="idea-open"
        data-content-id={item.id}
        onClick={() => onOpen(item.id)}
      >
        {item.title}
      </button>
      <div className="idea-meta">
        <span className={`badge status-${item.status}`}>{STATUS_LABELS[item.status]}</span>
        {item.source.kind === "youtube" ? (
          <span className="badge youtube">
            <svg viewBox="0 0 16 12" width="12" height="9" aria-hidden="true">
              <rect width="16" height="12" rx="3" fill="currentColor" />
              <path d="M6.5 3.5v5l4-2.5z" fill="var(--youtube-play)" />
            </svg>
            YouTube
          </span>
        ) : item.source.kind === "web" ? (
          <span className="badge">Web</span>
        ) : item.source.kind === "email" ? (
          <span className="badge">Email</span>
        ) : null}
        {item.scheduledAt ? (
          <span className="muted small">
            <time dateTime={item.scheduledAt}>{formatDateTime(item.scheduledAt)}</time>
          </span>
        ) : null}
      </div>
    </li>
  );
}
