import { type FormEvent, useEffect, useState } from "react";
import { ask } from "../lib/ask";
import { Field } from "./Field";
import { useExplain } from "./panel-context";

interface Props {
  onSaved(): void;
}

type Outcome = { tone: "ok" | "queued" | "error"; text: string };

/** A title and optional notes, saved through the offline queue like every capture. */
export function QuickCapture({ onSaved }: Props) {
  const explain = useExplain();
  const [title, setTitle] = useState("");
  const [notes, setNotes] = useState("");
  const [showNotes, setShowNotes] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  // "Saved" fades after a few seconds; warnings stay until the next save.
  useEffect(() => {
    if (outcome?.tone !== "ok") return;
    const timer = setTimeout(() => setOutcome(null), 4000);
    return () => clearTimeout(timer);
  }, [outcome]);

  async function save(event: FormEvent) {
    event.preventDefault();
    const trimmed = title.trim();
    if (!trimmed) return;
    setBusy(true);
    setOutcome(null);
    try {
      const result = await ask("captureIdea", {
        title: trimmed,
        ...(notes.trim() ? { notes } : {}),
        source: { kind: "manual" },
      });
      if (result.state === "failed") {
        setOutcome({ tone: "error", text: result.error.message });
      } else {
        setTitle("");
        setNotes("");
        setShowNotes(false);
        setOutcome(
          result.state === "saved"
            ? { tone: "ok", text: "Saved" }
            : {
                tone: "queued",
                text:
                  result.error.code === "OFFLINE"
                    ? "Queued — will save when you're back online"
                    : `Queued — will retry: ${result.error.message}`,
              },
        );
        onSaved();
      }
    } catch (failure) {
      setOutcome({ tone: "error", text: explain(failure) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card capture" aria-label="Quick capture">
      <form className="stack" onSubmit={save}>
        <Field label="Idea">
          {(id) => (
            <input
              id={id}
              name="title"
              maxLength={300}
              placeholder="A video, a post, a hook…"
              value={title}
              onChange={(event) => setTitle(event.target.value)}
            />
          )}
        </Field>
        {showNotes ? (
          <Field label="Notes">
            {(id) => (
              <textarea
                id={id}
                name="notes"
                rows={3}
                maxLength={50_000}
                value={notes}
                onChange={(event) => setNotes(event.target.value)}
              />
            )}
          </Field>
        ) : null}
        <div className="row">
          <button type="submit" className="primary" disabled={busy || !title.trim()}>
            {busy ? "Saving…" : "Save idea"}
          </button>
          {showNotes ? null : (
            <button type="button" className="quiet" onClick={() => setShowNotes(true)}>
              Add notes
            </button>
          )}
          <output className={`outcome ${outcome?.tone ?? ""}`} aria-live="polite">
            {outcome?.text}
          </output>
        </div>
      </form>
    </section>
  );
}
