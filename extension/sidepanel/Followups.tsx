import { useCallback, useId, useState } from "react";
import type { FollowupItem } from "../lib/protocol";
import { DUE_GROUPS, type DueGroup } from "./due-days";
import { FollowupCard } from "./FollowupCard";
import { PageFooter } from "./PagedListBody";
import { type FollowupGroupState, useFollowups } from "./use-followups";

interface Props {
  /** Opens a follow-up's deal in the deals view. */
  onOpenDeal(dealId: string): void;
}

const GROUP_WORDS: Record<DueGroup, { title: string; empty: string; loading: string }> = {
  overdue: {
    title: "Overdue",
    empty: "Nothing overdue.",
    loading: "Loading overdue follow-ups…",
  },
  today: {
    title: "Due today",
    empty: "Nothing due today.",
    loading: "Loading today's follow-ups…",
  },
  upcoming: {
    title: "Upcoming",
    empty: "Nothing scheduled after today.",
    loading: "Loading upcoming follow-ups…",
  },
};

/** The follow-ups still to send: overdue, due today and upcoming, in the browser's time zone. */
export function Followups({ onOpenDeal }: Props) {
  const { groups, refresh, loadMore, retry, place } = useFollowups();
  const [said, setSaid] = useState<string | null>(null);
  // The card to focus after a snooze moved it: its id and a nonce, so each move focuses it.
  const [moved, setMoved] = useState<{ id: string; key: string } | null>(null);
  const titleId = useId();

  const onChanged = useCallback(
    (followup: FollowupItem, words: string) => {
      setSaid(words);
      place(followup);
      if (followup.status === "pending") setMoved({ id: followup.id, key: crypto.randomUUID() });
    },
    [place],
  );

  const busy = DUE_GROUPS.some((group) => groups[group].phase === "refreshing");
  return (
    <section className="followups stack" aria-labelledby={titleId}>
      <div className="section-head">
        <h2 id={titleId}>Follow-ups</h2>
        <button type="button" className="quiet" disabled={busy} onClick={refresh}>
          {busy ? "Updating…" : "Refresh"}
        </button>
      </div>
      <p className="success small" role="status">
        {said}
      </p>
      {DUE_GROUPS.map((group) => (
        <FollowupGroup
          key={group}
          group={group}
          state={groups[group]}
          moved={moved}
          onChanged={onChanged}
          onOpenDeal={onOpenDeal}
          onRetry={() => retry(group)}
          onLoadMore={() => loadMore(group)}
        />
      ))}
    </section>
  );
}

function FollowupGroup({
  group,
  state,
  moved,
  onChanged,
  onOpenDeal,
  onRetry,
  onLoadMore,
}: {
  group: DueGroup;
  state: FollowupGroupState;
  moved: { id: string; key: string } | null;
  onChanged(followup: FollowupItem, said: string): void;
  onOpenDeal(dealId: string): void;
  onRetry(): void;
  onLoadMore(): void;
}) {
  const words = GROUP_WORDS[group];
  const headingId = useId();
  const pending = state.items.filter((item) => item.status === "pending").length;
  return (
    <section className={`followup-group ${group}`} aria-labelledby={headingId}>
      <h3 className="section-title" id={headingId}>
        {words.title}{" "}
        {state.phase === "loading" ? null : (
          <span className="count">
            {pending}
            {state.nextCursor ? "+" : ""}
          </span>
        )}
      </h3>
      {state.phase === "loading" ? (
        <>
          <p className="visually-hidden" role="status">
            {words.loading}
          </p>
          <div className="card" aria-hidden="true">
            <div className="skeleton-line wide" />
            <div className="skeleton-line narrow" />
          </div>
        </>
      ) : state.phase === "error" && state.items.length === 0 ? (
        <div className="empty" role="alert">
          <p>Couldn't load these follow-ups. {state.error}</p>
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        </div>
      ) : state.items.length === 0 ? (
        <p className="muted small">{words.empty}</p>
      ) : (
        <>
          <ul className="plain-list">
            {state.items.map((followup) => (
              <li key={followup.id}>
                <FollowupCard
                  followup={followup}
                  onChanged={onChanged}
                  onOpenDeal={onOpenDeal}
                  focusKey={moved?.id === followup.id ? moved.key : null}
                />
              </li>
            ))}
          </ul>
          <PageFooter
            state={state}
            onRetry={onRetry}
            onLoadMore={onLoadMore}
            loadMoreHint={words.title.toLowerCase()}
          />
        </>
      )}
    </section>
  );
}
