import { type ReactNode, useId } from "react";

interface Props {
  label: string;
  className?: string;
  children(id: string): ReactNode;
}

/**
 * A label tied to its control by id rather than by wrapping it: a wrapped select or textbox
 * lends its value to the label's text, so "Status" would read "Status Idea".
 */
export function Field({ label, className, children }: Props) {
  const id = useId();
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
