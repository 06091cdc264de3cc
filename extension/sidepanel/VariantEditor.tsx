import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { PLATFORM_RULES } from "../../shared/platforms";
import { ask } from "../lib/ask";
import { ExtensionError } from "../lib/errors";
import type { Variant } from "../lib/protocol";
import { Count } from "./Count";
import { useExplain } from "./panel-context";
import {
  draftOf,
  draftProblems,
  editOf,
  lengthUnit,
  numberPosts,
  postCount,
  problemsFor,
  refusedProblems,
  type ShownProblem,
  sameDraft,
  type VariantDraftText,
  wordCount,
} from "./variant-view";

interface Props {
  variant: Variant;
  onSaved(variant: Variant): void;
  onCancel(): void;
}

/**
 * A person's edit of one variant: a thread post by post, anything else as one text, each with
 * a live count in the platform's own unit and the rules it breaks. Saving sends the text to
 * PUT /api/content/:id/variants/:variantId; repurposing then keeps it unless asked to replace it.
 */
export function VariantEditor({ variant, onSaved, onCancel }: Props) {
  const explain = useExplain();
  const rule = PLATFORM_RULES[variant.platform];
  const original = useMemo(() => draftOf(variant), [variant]);
  const [draft, setDraft] = useState<VariantDraftText>(original);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** What the API named when it refused the draft as it is now (cleared by the next change). */
  const [refused, setRefused] = useState<ShownProblem[]>([]);
  const firstField = useRef<HTMLTextAreaElement>(null);
  const problemsId = useId();

  useEffect(() => firstField.current?.focus(), []);

  const problems = draftProblems(variant.platform, draft);
  const shown: ShownProblem[] = [...problems, ...refused];
  const unchanged = sameDraft(draft, original);
  const change = (next: VariantDraftText) => {
    setDraft(next);
    setRefused([]);
  };

  async function save() {
    setBusy(true);
    setError(null);
    try {
      const edited = await ask("updateVariant", {
        contentId: variant.contentId,
        variantId: variant.id,
        changes: editOf(draft),
      });
      onSaved(edited);
    } catch (failure) {
      setError(explain(failure));
      const issues = failure instanceof ExtensionError ? failure.extras.issues : undefined;
      if (failure instanceof ExtensionError && failure.code === "RULE_VIOLATION" && issues) {
        setRefused(refusedProblems(issues, "posts" in draft ? draft.posts.length : 0));
      }
      setBusy(false);
    }
  }

  // Escape cancels the edit here, rather than leaving the item; while a save is on its way it
  // does nothing (like Cancel): the save would land anyway.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    if (!busy) onCancel();
  };

  const general = problemsFor(shown, undefined);

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape from any field inside cancels
    <div className="variant-editor stack" onKeyDown={onKeyDown}>
      {"posts" in draft ? (
        <ThreadFields
          platform={variant.platform}
          posts={draft.posts}
          problems={shown}
          firstField={firstField}
          onChange={(posts) => change({ posts })}
        />
      ) : (
        <BodyField
          platform={variant.platform}
          label={rule.label}
          body={draft.body}
          firstField={firstField}
          onChange={(body) => change({ body })}
          describedBy={general.length > 0 ? problemsId : undefined}
          invalid={general.length > 0}
        />
      )}
      {general.length > 0 ? (
        <ul className="problems" id={problemsId}>
          {general.map((problem) => (
            <li key={problem.code}>{problem.message}</li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={busy || unchanged || problems.length > 0}
          onClick={() => void save()}
        >
          {busy ? "Saving…" : "Save edit"}
        </button>
        <button type="button" className="quiet" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
        <span className="muted small" role="status">
          {problems.length > 0 ? "Fix what's listed to save." : ""}
        </span>
      </div>
    </div>
  );
}

interface ThreadProps {
  platform: Variant["platform"];
  posts: string[];
  problems: readonly ShownProblem[];
  firstField: React.RefObject<HTMLTextAreaElement | null>;
  onChange(posts: string[]): void;
}

function ThreadFields({ platform, posts, problems, firstField, onChange }: ThreadProps) {
  const baseId = useId();
  const numbered = numberPosts(posts);
  const update = (index: number, text: string) =>
    onChange(posts.map((post, i) => (i === index ? text : post)));
  // A removed post's button goes with it: focus moves to the post that took its place.
  const fields = useRef<(HTMLTextAreaElement | null)[]>([]);
  const [focusPost, setFocusPost] = useState<number | null>(null);
  useEffect(() => {
    if (focusPost === null) return;
    fields.current[focusPost]?.focus();
    setFocusPost(null);
  }, [focusPost]);
  const remove = (index: number) => {
    onChange(posts.filter((_, i) => i !== index));
    setFocusPost(Math.min(index, posts.length - 2));
  };
  return (
    <ol className="thread-editor">
      {posts.map((post, index) => {
        const id = `${baseId}-${index}`;
        const own = problemsFor(problems, index + 1);
        const count = postCount(platform, numbered[index] ?? "");
        return (
          // Posts have no ids; their order is their identity.
          // biome-ignore lint/suspicious/noArrayIndexKey: order is identity within a thread
          <li key={index} className="field post-field">
            <div className="row tight">
              <label htmlFor={id} className="grow">
                Post {index + 1} of {posts.length}
              </label>
              <Count
                id={`${id}-count`}
                count={count}
                label={`Post ${index + 1} ${lengthUnit(platform)}`}
              />
            </div>
            <textarea
              id={id}
              ref={(field) => {
                fields.current[index] = field;
                if (index === 0) firstField.current = field;
              }}
              rows={4}
              value={post}
              aria-invalid={own.length > 0 || count.over}
              aria-describedby={`${id}-count${own.length > 0 ? ` ${id}-problems` : ""}`}
              onChange={(event) => update(index, event.target.value)}
            />
            {own.length > 0 ? (
              <ul className="problems" id={`${id}-problems`}>
                {own.map((problem) => (
                  <li key={problem.code}>{problem.message}</li>
                ))}
              </ul>
            ) : null}
            {posts.length > 1 ? (
              <button
                type="button"
                className="quiet danger"
                aria-label={`Remove post ${index + 1}`}
                onClick={() => remove(index)}
              >
                Remove post
              </button>
            ) : null}
          </li>
        );
      })}
      <li className="row">
        <button type="button" className="quiet" onClick={() => onChange([...posts, ""])}>
          Add a post
        </button>
        <span className="muted small">Posts are numbered for you.</span>
      </li>
    </ol>
  );
}

interface BodyProps {
  platform: Variant["platform"];
  label: string;
  body: string;
  firstField: React.RefObject<HTMLTextAreaElement | null>;
  describedBy: string | undefined;
  /** Problems about the whole text are listed (describedBy). */
  invalid: boolean;
  onChange(body: string): void;
}

function BodyField({
  platform,
  label,
  body,
  firstField,
  describedBy,
  invalid,
  onChange,
}: BodyProps) {
  const id = useId();
  const count = postCount(platform, body);
  const words = wordCount(platform, body);
  return (
    <div className="field">
      <div className="row tight">
        <label htmlFor={id} className="grow">
          {label}
        </label>
        <Count id={`${id}-count`} count={count} label={lengthUnit(platform)} />
        {words ? <Count id={`${id}-words`} count={words} label="Words" unit="words" /> : null}
      </div>
      <textarea
        id={id}
        ref={firstField}
        rows={8}
        value={body}
        aria-invalid={invalid || count.over || (words?.over ?? false)}
        aria-describedby={[`${id}-count`, words ? `${id}-words` : "", describedBy ?? ""]
          .filter(Boolean)
          .join(" ")}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
