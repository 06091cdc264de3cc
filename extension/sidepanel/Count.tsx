import type { CharCount } from "../../shared/view/format";

/** "212 / 280", with its meaning in words for assistive technology and on hover. */
export function Count({
  count,
  label,
  unit,
  id,
}: {
  count: CharCount;
  label: string;
  unit?: string;
  id?: string;
}) {
  return (
    <span
      id={id}
      className={`count-badge ${count.over ? "over" : ""}`}
      title={`${label}: ${count.count} of at most ${count.limit}`}
    >
      {count.text}
      {unit ? ` ${unit}` : <span className="visually-hidden"> {label.toLowerCase()}</span>}
      {count.over ? <span className="visually-hidden"> (over the limit)</span> : null}
    </span>
  );
}
