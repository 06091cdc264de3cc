import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import type { FieldOrigin } from "../../shared/crm";
import { ask } from "../lib/ask";
import type { DealDetail } from "../lib/protocol";
import { FIELD_SPECS, type FieldSpec, originOf, originTitle, SOURCE_WORDS } from "./deal-fields";
import { Field } from "./Field";
import { FormMessage, type Message } from "./FormMessage";
import { useExplain } from "./panel-context";

/** Where a value came from: AI, read from the email, or you. */
export function SourceLabel({ origin }: { origin: FieldOrigin | undefined }) {
  if (!origin) return null;
  return (
    <span className={`badge source source-${origin.source}`} title={originTitle(origin)}>
      <span className="visually-hidden">Source: </span>
      {SOURCE_WORDS[origin.source]}
    </span>
  );
}

interface Props {
  deal: DealDetail;
  onUpdated(deal: DealDetail): void;
  /** Whether a correction is open (the deal view keeps Escape from losing it). */
  onEditing?(editing: boolean): void;
}

/**
 * The deal's terms, each with where it came from; any of them can be corrected in place, and a
 * correction makes it the creator's own ("you"), never overwritten by a later email.
 */
export function DealFields({ deal, onUpdated, onEditing }: Props) {
  const [editing, setEditing] = useState<FieldSpec["id"] | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const headingId = useId();
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const returnFocus = useRef<string | null>(null);

  useEffect(() => onEditing?.(editing !== null), [editing, onEditing]);
  useEffect(() => {
    if (editing !== null || !returnFocus.current) return;
    buttons.current.get(returnFocus.current)?.focus();
    returnFocus.current = null;
  }, [editing]);

  const close = (spec: FieldSpec, said: Message | null) => {
    returnFocus.current = spec.id;
    setEditing(null);
    setMessage(said);
  };

  return (
    <section className="card stack" aria-labelledby={headingId}>
      <h3 className="section-title" id={headingId}>
        Details
      </h3>
      <dl className="deal-fields">
        {FIELD_SPECS.map((spec) => {
          const shown = spec.shown(deal);
          return (
            <div key={spec.id} className="deal-field">
              <dt>{spec.label}</dt>
              <dd>
                {editing === spec.id ? (
                  <FieldEditor
                    spec={spec}
                    deal={deal}
                    onCancel={() => close(spec, null)}
                    onSaved={(updated) => {
                      onUpdated(updated);
                      close(spec, { tone: "ok", text: `Saved the ${spec.noun}` });
                    }}
                  />
                ) : (
                  <div className="deal-field-value">
                    <span className={shown === null ? "muted" : "grow field-text"}>
                      {shown ?? "Not set"}
                    </span>
                    <SourceLabel origin={originOf(deal, spec.columns)} />
                    <button
                      type="button"
                      className="quiet"
                      data-field={spec.id}
                      ref={(button) => {
                        if (button) buttons.current.set(spec.id, button);
                        else buttons.current.delete(spec.id);
                      }}
                      onClick={() => {
                        setMessage(null);
                        setEditing(spec.id);
                      }}
                    >
                      {shown === null ? "Set" : "Correct"}
                      <span className="visually-hidden"> {spec.noun}</span>
                    </button>
                  </div>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
      <FormMessage message={message} />
    </section>
  );
}

function FieldEditor({
  spec,
  deal,
  onCancel,
  onSaved,
}: {
  spec: FieldSpec;
  deal: DealDetail;
  onCancel(): void;
  onSaved(deal: DealDetail): void;
}) {
  const explain = useExplain();
  const inputs = spec.inputs(deal);
  const [values, setValues] = useState(() =>
    Object.fromEntries(inputs.map((input) => [input.name, input.value])),
  );
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const problemId = useId();
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    formRef.current?.querySelector<HTMLInputElement>("input")?.focus();
  }, []);

  async function save(event: FormEvent) {
    event.preventDefault();
    const correction = spec.correction(values, deal);
    if ("problem" in correction) {
      setProblem(correction.problem);
      return;
    }
    if (Object.keys(correction.changes).length === 0) {
      onCancel();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      onSaved(await ask("updateDeal", { dealId: deal.id, changes: correction.changes }));
    } catch (failure) {
      setProblem(explain(failure));
      setBusy(false);
    }
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || busy) return;
    // Handled here: the deal view's Escape (back to the list) must not fire too.
    event.preventDefault();
    onCancel();
  };

  return (
    <form
      ref={formRef}
      className="field-editor stack tight"
      aria-label={`Correct the ${spec.noun}`}
      onSubmit={save}
      onKeyDown={onKeyDown}
    >
      <div className="row end">
        {inputs.map((input) => (
          <Field
            key={input.name}
            label={input.label}
            hint={input.hint}
            className={input.narrow ? "narrow" : "grow"}
          >
            {(id, hintId) => (
              <input
                id={id}
                name={input.name}
                type={input.type}
                inputMode={input.inputMode}
                maxLength={input.maxLength}
                value={values[input.name] ?? ""}
                aria-invalid={problem ? true : undefined}
                aria-describedby={
                  [hintId, problem ? problemId : undefined].filter(Boolean).join(" ") || undefined
                }
                onChange={(event) => {
                  const value = event.target.value;
                  setProblem(null);
                  setValues((current) => ({ ...current, [input.name]: value }));
                }}
              />
            )}
          </Field>
        ))}
      </div>
      {problem ? (
        <p id={problemId} className="error small" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Saving…" : "Save"}
        </button>
        <button type="button" className="quiet" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
