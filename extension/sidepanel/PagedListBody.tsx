import type { ReactNode, RefObject } from "react";
import type { PagedList } from "./use-paged-list";

interface Props<T> {
  state: PagedList<T>;
  /** "ideas", "deals": what the loading and error lines name. */
  noun: string;
  /** What an empty list says. */
  empty: string;
  listRef: RefObject<HTMLUListElement | null>;
  refresh(): void;
  loadMore(): void;
  /** Hidden words after "Load more" for screen readers ("deals"), when the view needs them. */
  loadMoreHint?: string;
  children(item: T): ReactNode;
}

/**
 * A keyset-paged list as the panel shows it: a skeleton while page one loads, an error with
 * Try again, the empty sentence, or the rows with an error line and "Load more" below.
 */
export function PagedListBody<T>(props: Props<T>) {
  const { state, noun, refresh, loadMore } = props;
  if (state.phase === "loading") {
    return (
      <>
        <p className="visually-hidden" role="status">
          Loading {noun}…
        </p>
        <ul className="idea-list" aria-hidden="true">
          {[0, 1, 2].map((n) => (
            <li key={n} className="idea skeleton">
              <div className="skeleton-line wide" />
              <div className="skeleton-line narrow" />
            </li>
          ))}
        </ul>
      </>
    );
  }
  if (state.phase === "error" && state.items.length === 0) {
    return (
      <div className="empty" role="alert">
        <p>
          Couldn't load your {noun}. {state.error}
        </p>
        <button type="button" onClick={refresh}>
          Try again
        </button>
      </div>
    );
  }
  if (state.items.length === 0) return <p className="empty muted">{props.empty}</p>;
  return (
    <>
      <ul className="idea-list" ref={props.listRef}>
        {state.items.map((item) => props.children(item))}
      </ul>
      <PageFooter
        state={state}
        onRetry={refresh}
        onLoadMore={loadMore}
        loadMoreHint={props.loadMoreHint}
      />
    </>
  );
}

/**
 * Below a list's rows: the error of a later page with Try again, and "Load more" while there
 * is a next page (busy while it loads).
 */
export function PageFooter(props: {
  state: Pick<PagedList<unknown>, "phase" | "error" | "nextCursor">;
  onRetry(): void;
  onLoadMore(): void;
  /** Hidden words after "Load more" for screen readers ("deals"), when the view needs them. */
  loadMoreHint?: string | undefined;
}) {
  const { state } = props;
  return (
    <>
      {state.phase === "error" ? (
        <div className="row" role="alert">
          <p className="error">{state.error}</p>
          <button type="button" onClick={props.onRetry}>
            Try again
          </button>
        </div>
      ) : null}
      {state.nextCursor ? (
        <button
          type="button"
          className="load-more"
          disabled={state.phase === "more"}
          onClick={props.onLoadMore}
        >
          {state.phase === "more" ? "Loading…" : "Load more"}
          {props.loadMoreHint ? (
            <span className="visually-hidden"> {props.loadMoreHint}</span>
          ) : null}
        </button>
      ) : null}
    </>
  );
}
