/**
 * What a detail view shows before its item is there: a skeleton while it loads (announced as
 * "Loading <noun>…"), or the reason it could not be opened with Try again.
 */
export function DetailPlaceholder(props: { noun: string; error: string | null; onRetry(): void }) {
  if (props.error) {
    return (
      <div className="empty" role="alert">
        <p>{props.error}</p>
        <button type="button" onClick={props.onRetry}>
          Try again
        </button>
      </div>
    );
  }
  return (
    <div aria-busy="true">
      <p className="visually-hidden" role="status">
        Loading {props.noun}…
      </p>
      <div className="skeleton-line wide tall" aria-hidden="true" />
      <div className="skeleton-line narrow" aria-hidden="true" />
    </div>
  );
}
