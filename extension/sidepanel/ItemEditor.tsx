import { type FormEvent, useEffect, useRef, useState } from "react";
import type { UpdateContentInput } from "../../shared/content";
import { TITLE_MAX } from "../../shared/limits";
import { ask } from "../lib/ask";
import type { ContentItem } from "../lib/protocol";
import { Field } from "./Field";
import { FormMessage, type Message } from "./FormMessage";
import { PieceFields } from "./PieceFields";
import { useExplain } from "./panel-context";

interface Props {
  item: ContentItem;
  onUpdated(item: ContentItem): void;
  /** Whether the form holds changes not saved yet (the item view keeps Escape from losing them). */
  onDirty?(dirty: boolean): void;
}

interface Fields {
  title: string;
  body: string;
  notes: string;
}

const fieldsOf = (item: ContentItem): Fields => ({
  title: item.title,
  body: item.body ?? "",
  notes: item.notes ?? "",
});

/** A text as saved: only whitespace is no text (cleared). */
const asSaved = (text: string) => (text.trim() ? text : "");

/** Only what changed, with emptied texts sent as null (cleared); compared as they would be saved. */
export function changesOf(before: Fields, after: Fields): UpdateContentInput {
  const changes: UpdateContentInput = {};
  if (after.title.trim() !== before.title) changes.title = after.title.trim();
  if (asSaved(after.body) !== asSaved(before.body)) changes.body = asSaved(after.body) || null;
  if (asSaved(after.notes) !== asSaved(before.notes)) changes.notes = asSaved(after.notes) || null;
  return changes;
}

/** The item's own text: its title, the piece itself (what repurposing reads), private notes. */
export function ItemEditor({ item, onUpdated, onDirty }: Props) {
  const explain = useExplain();
  const saved = fieldsOf(item);
  const [fields, setFields] = useState(saved);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);

  // The item changed (saved here, or its status elsewhere): fields nobody is editing follow it.
  const shown = useRef(saved);
  useEffect(() => {
    const previous = shown.current;
    const next = fieldsOf(item);
    shown.current = next;
    setFields((current) => ({
      title: current.title === previous.title ? next.title : current.title,
      body: current.body === previous.body ? next.body : current.body,
      notes: current.notes === previous.notes ? next.notes : current.notes,
    }));
  }, [item]);

  const changes = changesOf(saved, fields);
  const dirty = Object.keys(changes).length > 0;
  useEffect(() => onDirty?.(dirty), [dirty, onDirty]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!dirty || !fields.title.trim()) return;
    setBusy(true);
    setMessage(null);
    try {
      const updated = await ask("updateContent", { contentId: item.id, changes });
      onUpdated(updated);
      setMessage({ tone: "ok", text: "Saved" });
    } catch (failure) {
      setMessage({ tone: "error", text: explain(failure) });
    } finally {
      setBusy(false);
    }
  }

  const set = (name: keyof Fields) => (value: string) => {
    setMessage(null);
    setFields((current) => ({ ...current, [name]: value }));
  };

  return (
    <form className="card stack" aria-label="Idea details" onSubmit={save}>
      <Field label="Title">
        {(id) => (
          <input
            id={id}
            name="title"
            required
            maxLength={TITLE_MAX}
            value={fields.title}
            onChange={(event) => set("title")(event.target.value)}
          />
        )}
      </Field>
      <PieceFields
        body={fields.body}
        notes={fields.notes}
        onBody={set("body")}
        onNotes={set("notes")}
        rows={6}
      />
      <div className="row">
        <button type="submit" className="primary" disabled={busy || !dirty || !fields.title.trim()}>
          {busy ? "Saving…" : "Save changes"}
        </button>
        {dirty && !busy ? (
          <button type="button" className="quiet" onClick={() => setFields(saved)}>
            Undo changes
          </button>
        ) : null}
        <FormMessage message={message} />
      </div>
    </form>
  );
}
