/**
 * An item's own text fields, the same in quick capture and the item view: the piece itself
 * (what repurposing reads) and the private notes (never sent to the AI), with their limits
 * from shared/limits.ts.
 */
import { BODY_MAX, NOTES_MAX } from "../../shared/limits";
import { Field } from "./Field";

export interface PieceFieldsProps {
  body: string;
  notes: string;
  onBody: (value: string) => void;
  onNotes: (value: string) => void;
  /** Rows of the body's text area; the notes get half. */
  rows: number;
}

export function PieceFields({ body, notes, onBody, onNotes, rows }: PieceFieldsProps) {
  return (
    <>
      <Field label="Script, transcript or article" hint="The piece itself. Repurposing reads this.">
        {(id, hintId) => (
          <textarea
            id={id}
            name="body"
            rows={rows}
            maxLength={BODY_MAX}
            aria-describedby={hintId}
            value={body}
            onChange={(event) => onBody(event.target.value)}
          />
        )}
      </Field>
      <Field
        label="Private notes"
        hint="Only for you and your workspace. Never sent to the AI or used in posts."
      >
        {(id, hintId) => (
          <textarea
            id={id}
            name="notes"
            rows={Math.max(2, Math.round(rows / 2))}
            maxLength={NOTES_MAX}
            aria-describedby={hintId}
            value={notes}
            onChange={(event) => onNotes(event.target.value)}
          />
        )}
      </Field>
    </>
  );
}
