import { type KeyboardEvent, useId, useState } from "react";
import { formatDateTime, formatTime, toLocalInput } from "../../shared/view/format";
import { Field } from "./Field";
import {
  isLater,
  pickedSnooze,
  SNOOZE_CHOICES,
  SNOOZE_LABELS,
  type SnoozeChoice,
  snoozeUntil,
} from "./snooze";

interface Props {
  /** The follow-up's current due time: a snooze only moves it later. */
  dueAt: string;
  busy: boolean;
  onSnooze(at: Date): void;
  /** Escape closes the choices (focus goes back to the Snooze button). */
  onClose(): void;
  id: string;
}

/** When each choice lands, as the reader's clock says it. */
function whenText(choice: SnoozeChoice, at: Date, now: Date): string {
  if (choice === "nextWeek") {
    return at.toLocaleString(undefined, {
      weekday: "short",
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
    });
  }
  return at.toDateString() === now.toDateString() || choice === "tomorrow"
    ? formatTime(at.getTime())
    : formatDateTime(at.toISOString(), now);
}

/** Later today, tomorrow morning, next Monday morning, or a picked time. */
export function SnoozeMenu({ dueAt, busy, onSnooze, onClose, id }: Props) {
  // One "now" for the labels, taken when the choices open; the time sent is taken at the click.
  const [now] = useState(() => new Date());
  const [picked, setPicked] = useState(() =>
    toLocalInput(snoozeUntil("tomorrow", now).toISOString()),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const problemId = useId();

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "Escape") return;
    // Handled here: the deal view's Escape (back to the list) must not fire too.
    event.preventDefault();
    onClose();
  };

  const snoozePicked = () => {
    const read = pickedSnooze(picked, new Date(), dueAt);
    if ("problem" in read) {
      setProblem(read.problem);
      return;
    }
    setProblem(null);
    onSnooze(read.at);
  };

  return (
    <fieldset id={id} className="snooze-menu stack tight" onKeyDown={onKeyDown}>
      <legend className="visually-hidden">Snooze until</legend>
      <div className="snooze-choices">
        {SNOOZE_CHOICES.map((choice) => {
          const at = snoozeUntil(choice, now);
          const later = isLater(at, dueAt);
          return (
            <button
              key={choice}
              type="button"
              disabled={busy || !later}
              data-snooze={choice}
              onClick={() => {
                // Taken again at the click: a menu left open for hours never snoozes into the past.
                const fresh = snoozeUntil(choice, new Date());
                if (isLater(fresh, dueAt)) onSnooze(fresh);
              }}
            >
              {SNOOZE_LABELS[choice]}{" "}
              <span className="muted small">{whenText(choice, at, now)}</span>
              {later ? null : <span className="visually-hidden"> (it is due later already)</span>}
            </button>
          );
        })}
      </div>
      <form
        className="row end"
        onSubmit={(event) => {
          event.preventDefault();
          snoozePicked();
        }}
      >
        <Field label="Pick a time" className="grow">
          {(inputId) => (
            <input
              id={inputId}
              type="datetime-local"
              value={picked}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? problemId : undefined}
              onChange={(event) => {
                setPicked(event.target.value);
                setProblem(null);
              }}
            />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          Snooze until then
        </button>
      </form>
      {problem ? (
        <p id={problemId} className="error small" role="alert">
          {problem}
        </p>
      ) : null}
    </fieldset>
  );
}
