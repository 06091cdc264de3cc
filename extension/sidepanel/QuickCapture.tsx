import { type FormEvent, useEffect, useState } from "react";
import { TITLE_MAX } from "../../shared/limits";
import { errorWords } from "../../shared/view/error-words";
import { ask } from "../lib/ask";
import { Field } from "./Field";
import { PieceFields } from "./PieceFields";
import { useExplain } from "./panel-context";

interface Props {
  onSaved(): void;
}

type Outcome = { tone: "ok" | "queued" | "error"; text: string };

/**
 * A title, and if wanted the piece itself and private notes, saved through the offline queue
 * like every capture.
 */
export function QuickCapture({ onSaved }: Props) {
  const explainFailure = useExplain();
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [notes, setNotes] = useState("");
  const [showDetails, setShowDetails] = useState(false);
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
        ...(body.trim() ? { body } : {}),
        ...(notes.trim() ? { notes } : {}),
        source: { kind: "manual" },
      });
      if (result.state === "failed") {
        setOutcome({ tone: "error", text: errorWords(result.error) });
      } else {
        setTitle("");
        setBody("");
        setNotes("");
        setShowDetails(false);
        setOutcome(
          result.state === "saved"
            ? { tone: "ok", text: "Saved" }
            : {
                tone: "queued",
                text:
                  result.error.code === "OFFLINE"
                    ? "Queued — will save when you're back online"
                    : `Queued — will retry: ${errorWords(result.error)}`,
              },
        );
        onSaved();
      }
    } catch (failure) {
      setOutcome({ tone: "error", text: explainFailure(failure) });
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
              maxLength={TITLE_MAX}
              placeholder="A video, a post, a hook…"
              value={title}
              onChange={(event) => setTitle(event.target.value)}
            />
          )}
        </Field>
        {showDetails ? (
          <>
            <PieceFields body={body} notes={notes} onBody={setBody} onNotes={setNotes} rows={4} />
          </>
        ) : null}
        <div className="row">
          <button type="submit" className="primary" disabled={busy || !title.trim()}>
            {busy ? "Saving…" : "Save idea"}
          </button>
          {showDetails ? null : (
            <button type="button" className="quiet" onClick={() => setShowDetails(true)}>
              Add script or notes
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
