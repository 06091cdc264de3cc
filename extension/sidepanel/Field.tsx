import { type ReactNode, useId } from "react";

interface Props {
  label: string;
  /** A sentence under the control that says what it is for; read with it (aria-describedby). */
  hint?: string;
  className?: string;
  children(id: string, hintId: string | undefined): ReactNode;
}

/**
 * A label tied to its control by id rather than by wrapping it: a wrapped select or textbox
 * lends its value to the label's text, so "Status" would read "Status Idea".
 */
export function Field({ label, hint, className, children }: Props) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={id}>{label}</label>
      {children(id, hintId)}
      {hint ? (
        <p id={hintId} className="hint muted small">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
