import { useId } from "react";
import { formatMoney } from "../../shared/view/format";
import type { Pipeline } from "../lib/protocol";

interface Props {
  pipeline: Pipeline | null;
  loading: boolean;
  error: string | null;
  onRetry(): void;
}

/** Amounts of several currencies, one per line, never added together. */
function Amounts({ totals }: { totals: Record<string, { valueMinor: number }> }) {
  const entries = Object.entries(totals)
    .filter(([, total]) => total.valueMinor !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <span className="amounts">
      {entries.map(([currency, total]) => (
        <span key={currency} className="amount" data-currency={currency}>
          {formatMoney(total.valueMinor, currency)}
        </span>
      ))}
    </span>
  );
}

const SUMMARY = [
  ["booked", "Booked"],
  ["invoiced", "Invoiced, unpaid"],
  ["overdue", "Overdue"],
  ["paid", "Paid"],
] as const;

/** The pipeline at a glance: per stage the deals, how many went quiet, and their value. */
export function PipelineSummary({ pipeline, loading, error, onRetry }: Props) {
  const headingId = useId();
  const staleWords = (kind: string) => {
    const days = (pipeline?.staleAfterDays as Partial<Record<string, number>> | undefined)?.[kind];
    return days ? ` (no activity for ${days} days)` : "";
  };
  const summary = pipeline ? SUMMARY.filter(([key]) => Object.keys(pipeline[key]).length > 0) : [];
  return (
    <section className="card stack pipeline" aria-labelledby={headingId}>
      <h2 className="section-title" id={headingId}>
        Pipeline
      </h2>
      {!pipeline ? (
        error ? (
          <div className="row" role="alert">
            <p className="error grow">Couldn't load the pipeline. {error}</p>
            <button type="button" onClick={onRetry}>
              Try again
            </button>
          </div>
        ) : loading ? (
          <>
            <p className="visually-hidden" role="status">
              Loading the pipeline…
            </p>
            <div className="skeleton-line wide" aria-hidden="true" />
            <div className="skeleton-line narrow" aria-hidden="true" />
          </>
        ) : null
      ) : (
        <>
          <table className="pipeline-table">
            <caption className="visually-hidden">
              Deals by stage, with their value in each currency
            </caption>
            <thead>
              <tr>
                <th scope="col">Stage</th>
                <th scope="col" className="number">
                  Deals
                </th>
                <th scope="col" className="number">
                  Value
                </th>
              </tr>
            </thead>
            <tbody>
              {pipeline.stages.map((stage) => (
                <tr key={stage.stageId} className={stage.count === 0 ? "empty-stage" : undefined}>
                  <th scope="row">
                    {stage.name}
                    {stage.staleCount > 0 ? (
                      <span className="badge stale">
                        {stage.staleCount} stale
                        <span className="visually-hidden">{staleWords(stage.kind)}</span>
                      </span>
                    ) : null}
                  </th>
                  <td className="number">{stage.count}</td>
                  <td className="number">
                    <Amounts totals={stage.totals} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {summary.length > 0 ? (
            <dl className="pipeline-summary">
              {summary.map(([key, label]) => (
                <div key={key} className={`summary-${key}`}>
                  <dt>{label}</dt>
                  <dd>
                    <Amounts totals={pipeline[key]} />
                  </dd>
                </div>
              ))}
            </dl>
          ) : null}
        </>
      )}
    </section>
  );
}
