import { useCallback, useEffect, useRef, useState } from "react";
import type { SkippedPlatform } from "../../shared/content";
import { PLATFORM_IDS, PLATFORM_RULES, type PlatformId } from "../../shared/platforms";
import { creditsCount, formatDateTime, handleFromEmail } from "../../shared/view/format";
import { ask } from "../lib/ask";
import type { ContentDetail, ContentItem, RepurposeOutcome, Variant } from "../lib/protocol";
import { DetailPlaceholder } from "./DetailPlaceholder";
import { ItemEditor } from "./ItemEditor";
import { useExplain, usePanel } from "./panel-context";
import { StatusControl } from "./StatusControl";
import { type RepurposeRun, useRepurpose } from "./use-repurpose";
import { VariantCard } from "./VariantCard";
import { latestByPlatform, mergeVariants, replaceVariant, startingPlatforms } from "./variant-view";

interface Props {
  contentId: string;
  /** Start repurposing (with the item's platforms) as soon as the item is loaded. */
  autoRepurpose: boolean;
  onBack(): void;
  onChanged(item: ContentItem): void;
}

/** One idea: where it came from, its own text, its status, and its variants for each platform. */
export function IdeaDetail({ contentId, autoRepurpose, onBack, onChanged }: Props) {
  const { session, onCreditsChanged } = usePanel();
  const explain = useExplain();
  const [detail, setDetail] = useState<ContentDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [platforms, setPlatforms] = useState<PlatformId[] | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const autoStarted = useRef(false);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const loaded = await ask("getContent", contentId);
      setDetail(loaded);
      // The checkboxes start from the item's own platforms (all when it names none).
      setPlatforms((chosen) => chosen ?? startingPlatforms(loaded.platforms));
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
    if (!detail || !platforms || !autoRepurpose || autoStarted.current) return;
    autoStarted.current = true;
    start(platforms);
  }, [detail, platforms, autoRepurpose, start]);

  // The heading takes focus so a screen reader announces the item that opened.
  const loadedId = detail?.id;
  useEffect(() => {
    if (loadedId) headingRef.current?.focus();
  }, [loadedId]);

  // Escape leaves the item, but never throws away unsaved changes to its text: it says so.
  const unsaved = useRef(false);
  const [keptUnsaved, setKeptUnsaved] = useState(false);
  const onDirty = useCallback((dirty: boolean) => {
    unsaved.current = dirty;
    if (!dirty) setKeptUnsaved(false);
  }, []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if (unsaved.current) setKeptUnsaved(true);
      else onBack();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onBack]);

  const updateItem = (item: ContentItem) => {
    setDetail((current) => (current ? { ...current, ...item } : current));
    onChanged(item);
  };

  const onVariantEdited = useCallback((edited: Variant) => {
    setDetail((current) =>
      current ? { ...current, variants: replaceVariant(current.variants, edited) } : current,
    );
  }, []);

  const running = run.phase === "running";
  const chosen = platforms ?? [];
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
      {keptUnsaved ? (
        <p className="notice" role="status">
          This idea has unsaved changes. Save or undo them, or use Back to leave without saving.
        </p>
      ) : null}
      {!detail ? (
        <DetailPlaceholder noun="idea" error={loadError} onRetry={() => void load()} />
      ) : (
        <>
          <header className="stack tight">
            <h2 className="detail-title" ref={headingRef} tabIndex={-1}>
              {detail.title}
            </h2>
            <SourceLine detail={detail} />
          </header>

          <StatusControl item={detail} onUpdated={updateItem} />

          <ItemEditor item={detail} onUpdated={updateItem} onDirty={onDirty} />

          <section className="card stack" aria-label="Repurpose">
            <fieldset className="platforms" disabled={running}>
              <legend>Platforms</legend>
              {PLATFORM_IDS.map((platform) => (
                <label key={platform} className="check">
                  <input
                    type="checkbox"
                    checked={chosen.includes(platform)}
                    onChange={(event) =>
                      setPlatforms((current) =>
                        event.target.checked
                          ? PLATFORM_IDS.filter(
                              (id) => id === platform || (current ?? []).includes(id),
                            )
                          : (current ?? []).filter((id) => id !== platform),
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
                disabled={running || chosen.length === 0}
                onClick={() => start(chosen)}
              >
                {running ? "Repurposing…" : variants.length > 0 ? "Regenerate" : "Repurpose"}
              </button>
              <span className="muted small">{creditsCount(chosen.length)}</span>
            </div>
            <RunStatus run={run} onReplace={(skipped) => start(skipped, { replaceEdited: true })} />
          </section>

          {variants.length > 0 ? (
            <section className="variants stack" aria-labelledby={`${contentId}-variants`}>
              <h3 className="section-title" id={`${contentId}-variants`}>
                Variants
              </h3>
              {variants.map((variant) => (
                <VariantCard
                  key={variant.id}
                  variant={variant}
                  author={author}
                  onEdited={onVariantEdited}
                />
              ))}
            </section>
          ) : running ? null : (
            <p className="empty muted">
              No variants yet. Pick the platforms above and press Repurpose.
            </p>
          )}
        </>
      )}
    </div>
  );
}

/** A platform's name; one this version does not know (a newer API's) is named generically. */
const platformName = (platform: PlatformId) =>
  (PLATFORM_RULES as Partial<Record<string, { label: string }>>)[platform]?.label ??
  "other platform";

/** A run as it goes: each platform's progress and the text being written, then the result. */
function RunStatus({
  run,
  onReplace,
}: {
  run: RepurposeRun;
  onReplace(platforms: PlatformId[]): void;
}) {
  if (run.phase === "running") {
    const writing = run.current ? (run.written[run.current] ?? "") : "";
    return (
      <div className="stream-box">
        <div className="muted small">
          <span className="spinner" aria-hidden="true" />
          {run.current ? `Writing the ${platformName(run.current)}…` : "Writing your variants…"}
        </div>
        <ul className="progress-list" aria-label="Progress by platform">
          {run.platforms.map((platform) => {
            const text = run.written[platform];
            const state =
              platform === run.current ? "writing" : text !== undefined ? "written" : "waiting";
            return (
              <li key={platform} className={`progress ${state}`}>
                <span>{platformName(platform)}</span>
                <span className="muted small">
                  {state === "waiting" ? "waiting" : `${state} · ${text?.length ?? 0} characters`}
                </span>
              </li>
            );
          })}
        </ul>
        <div className="stream" role="log" aria-live="polite" aria-label="Repurposing output">
          {writing}
        </div>
      </div>
    );
  }
  if (run.phase === "error") {
    return (
      <p className="error" role="alert">
        {run.message}
      </p>
    );
  }
  if (run.phase === "done") {
    return (
      <>
        <p className="success" role="status">
          {run.cached ? "Same request as before — showing the saved variants." : "Variants saved."}
        </p>
        {run.skipped.length > 0 ? <Skipped skipped={run.skipped} onReplace={onReplace} /> : null}
      </>
    );
  }
  return null;
}

/** Platforms a run left alone because a person edited their variant, and the way to replace them. */
function Skipped({
  skipped,
  onReplace,
}: {
  skipped: SkippedPlatform[];
  onReplace(platforms: PlatformId[]): void;
}) {
  const names = skipped.map((entry) => platformName(entry.platform));
  return (
    <div className="notice stack tight" role="status">
      <p>Kept your edit of the {names.join(", ")}: repurposing doesn't overwrite what you wrote.</p>
      <div className="row">
        <button type="button" onClick={() => onReplace(skipped.map((entry) => entry.platform))}>
          Replace my edit
        </button>
        <span className="muted small">{creditsCount(skipped.length)}</span>
      </div>
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
      <span>
        Saved <time dateTime={detail.createdAt}>{formatDateTime(detail.createdAt)}</time>
      </span>
    </p>
  );
}
