import { useEffect, useId, useState } from "react";
import { creditsText, formatDay } from "../../shared/view/format";
import { ask } from "../lib/ask";
import type { Usage } from "../lib/protocol";
import { useExplain } from "./panel-context";

interface Props {
  /** Changes whenever credits may have been spent. */
  refreshKey: number;
}

/** This month's AI credits: how many are left and when they reset. */
export function UsageMeter({ refreshKey }: Props) {
  const explain = useExplain();
  const labelId = useId();
  const [usage, setUsage] = useState<Usage | null>(null);
  const [error, setError] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey is the trigger
  useEffect(() => {
    let live = true;
    ask("usage").then(
      (answer) => {
        if (!live) return;
        setUsage(answer);
        setError(null);
      },
      (failure: unknown) => {
        if (live) setError(explain(failure));
      },
    );
    return () => {
      live = false;
    };
  }, [refreshKey, explain]);

  if (!usage) {
    return error ? (
      <p className="usage muted small" role="status">
        Credits unavailable: {error}
      </p>
    ) : (
      <div className="usage skeleton-line" aria-hidden="true" />
    );
  }
  const low = Math.max(1, Math.round(usage.creditsLimit * 0.2));
  return (
    <section className="usage" aria-label="AI credits">
      <div className="usage-text">
        <span id={labelId}>{creditsText(usage)}</span>
        <span className="muted small">Resets {formatDay(usage.resetsAt)}</span>
      </div>
      <meter
        aria-labelledby={labelId}
        min={0}
        max={usage.creditsLimit}
        low={low}
        high={usage.creditsLimit / 2}
        optimum={usage.creditsLimit}
        value={usage.creditsLeft}
      />
    </section>
  );
}
