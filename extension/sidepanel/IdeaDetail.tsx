import { useCallback, useEffect, useRef, useState } from "react";
import { PLATFORM_IDS, PLATFORM_RULES, type PlatformId } from "../../shared/platforms";
import { ask } from "../lib/ask";
import type { ContentDetail, ContentItem, RepurposeOutcome } from "../lib/protocol";
import { formatDateTime, handleFromEmail } from "../../shared/view/format";
import { useExplain, usePanel } from "./panel-context";
import { StatusControl } from "./StatusControl";
import { useRepurpose } from "./use-repurpose";
import { VariantCard } from "./VariantCard";
import { DEFAULT_PLATFORMS, latestByPlatform, mergeVariants } from "./variant-view";

interface Props {
  contentId: string;
  /** Start repurposing with the default platforms as soon as the item is loaded. */
  autoRepurpose: boolean;
  onBack(): void;
  onChanged(item: ContentItem): void;
}

/** One idea: where it came from, its status, and its variants for each platform. */
export function IdeaDetail({ contentId, autoRepurpose, onBack, onChanged }: Props) {
  const { session, onCreditsChanged } = usePanel();
  const explain = useExplain();
  const [detail, setDetail] = useState<ContentDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [platforms, setPlatforms] = useState<PlatformId[]>([...DEFAULT_PLATFORMS]);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const autoStarted = useRef(false);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setDetail(await ask("getContent", contentId));
    } catch (failure) {
      setLoadError(explain(failure));
    }
  }, [contentId, explain]);

  useEffect(() => {
    void load();
  }, [load]);

  const onRepurposed = useCallback(
    (outcome: RepurposeOutcome) => {
      setDetail((current) =>
        current
          ? { ...current, variants: mergeVariants(current.variants, outcome.variants) }
          : current,
      );
      onCreditsChanged();
    },
    [onCreditsChanged],
  );
  const { run, start } = useRepurpose(contentId, onRepurposed);

  useEffect(() => {
    if (!detail || !autoRepurpose || autoStarted.current) return;
    autoStarted.current = true;
    start([...DEFAULT_PLATFORMS]);
  }, [detail, autoRepurpose, start]);

  // The heading takes focus so a screen reader announces the item that opened.
  const loadedId = detail?.id;
  useEffect(() => {
    if (loadedId) headingRef.current?.focus();
  }, [loadedId]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented) onBack();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onBack]);

  const updateItem = (item: ContentItem) => {
    setDetail((current) => (current ? { ...current, ...item } : current));
    onChanged(item);
  };

  const running = run.phase === "running";
  const variants = detail ? latestByPlatform(detail.variants) : [];
  const author = {
    name: session.user?.name || session.user?.email.split("@")[0] || "You",
    handle: handleFromEmail(session.user?.email ?? ""),
  };

  return (
    <div className="detail stack">
      <div className="row">
        <button type="button" className="quiet back" onClick={onBack}>
          <span aria-hidden="true">← </span>Back
        </button>
      </div>
      {!detail ? (
        loadError ? (
          <div className="empty" role="alert">
            <p>{loadError}</p>
            <button type="button" onClick={() => void load()}>
              Try again
            </button>
          </div>
        ) : (
          <div aria-busy="true">
            <p className="visually-hidden" role="status">
              Loading idea…
            </p>
            <div className="skeleton-line wide tall" aria-hidden="true" />
            <div className="skeleton-line narrow" aria-hidden="true" />
          </div>
        )
      ) : (
        <>
          <header className="stack tight">
            <h2 className="detail-title" ref={headingRef} tabIndex={-1}>
              {detail.title}
            </h2>
            <SourceLine detail={detail} />
            {detail.notes ? <p className="notes">{detail.notes}</p> : null}
          </header>

          <StatusControl item={detail} onUpdated={updateItem} />

          <section className="card stack">
            <fieldset className="platforms" disabled={running}>
              <legend>Platforms</legend>
              {PLATFORM_IDS.map((platform) => (
                <label key={platform} className="check">
                  <input
                    type="checkbox"
                    checked={platforms.includes(platform)}
                    onChange={(event) =>
                      setPlatforms((current) =>
                        event.target.checked
                          ? PLATFORM_IDS.filter((id) => id === platform || current.includes(id))
                          : current.filter((id) => id !== platform),
                      )
                    }
                  />
                  {PLATFORM_RULES[platform].label}
                </label>
              ))}
            </fieldset>
            <div className="row">
              <button
                type="button"
                className="primary"
                disabled={running || platforms.length === 0}
                onClick={() => start(platforms)}
              >
                {running ? "Repurposing…" : variants.length > 0 ? "Regenerate" : "Repurpose"}
              </button>
              <span className="muted small">
                {platforms.length} {platforms.length === 1 ? "credit" : "credits"}
              </span>
            </div>
            {run.phase === "running" ? (
              <div className="stream-box">
                <div className="muted small">
                  <span className="spinner" aria-hidden="true" />
                  {run.stage ? `Working: ${run.stage}` : "Writing your variants…"}
                </div>
                <div
                  className="stream"
                  role="log"
                  aria-live="polite"
                  aria-label="Repurposing output"
                >
                  {run.text}
                </div>
              </div>
            ) : null}
            {run.phase === "error" ? (
              <p className="error" role="alert">
                {run.message}
              </p>
            ) : null}
            {run.phase === "done" ? (
              <p className="success" role="status">
                {run.cached
                  ? "Same request as before — showing the saved variants."
                  : "Variants saved."}
              </p>
            ) : null}
          </section>

          {variants.length > 0 ? (
            <section className="variants stack" aria-label="Variants">
              <h3 className="section-title">Variants</h3>
              {variants.map((variant) => (
                <VariantCard key={variant.id} variant={variant} author={author} />
              ))}
            </section>
          ) : null}
        </>
      )}
    </div>
  );
}

function SourceLine({ detail }: { detail: ContentDetail }) {
  const { source } = detail;
  const channel = "channel" in source && typeof source.channel === "string" ? source.channel : null;
  return (
    <p className="muted small source-line">
      {source.kind === "youtube" ? <span className="badge youtube">YouTube</span> : null}
      {channel ? <span>{channel}</span> : null}
      {source.url ? (
        <a href={source.url} target="_blank" rel="noreferrer">
          {source.kind === "youtube" ? "Open on YouTube" : "Open source"}
          <span className="visually-hidden"> (opens in a new tab)</span>
        </a>
      ) : null}
      <span>Saved {formatDateTime(detail.createdAt)}</span>
    </p>
  );
}
