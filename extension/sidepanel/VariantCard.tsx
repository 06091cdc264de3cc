import { type ReactNode, useEffect, useRef, useState } from "react";
import { checkVariant, PLATFORM_RULES } from "../../shared/platforms";
import type { Variant } from "../lib/protocol";
import { Count } from "./Count";
import { VariantEditor } from "./VariantEditor";
import {
  copyText,
  lengthUnit,
  postCount,
  variantLabel,
  variantPosts,
  wordCount,
} from "./variant-view";

export interface Author {
  name: string;
  handle: string;
}

interface Props {
  variant: Variant;
  author: Author;
  /** The variant after a person's edit was saved. */
  onEdited(variant: Variant): void;
}

/**
 * One variant, dressed like the platform it is for, with its counts and a Copy button; "Edit"
 * turns it into its editor in place.
 */
export function VariantCard({ variant, author, onEdited }: Props) {
  const [editing, setEditing] = useState(false);
  const rule = PLATFORM_RULES[variant.platform];
  const label = variantLabel(variant.platform);
  // Leaving the editor (saved or cancelled) takes its fields away: focus goes back to Edit.
  const editButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  useEffect(() => {
    if (editing || !returnFocus.current) return;
    returnFocus.current = false;
    editButton.current?.focus();
  }, [editing]);
  const stopEditing = () => {
    returnFocus.current = true;
    setEditing(false);
  };

  return (
    <article className={`variant platform-${variant.platform}`} aria-label={label}>
      <header className="variant-head">
        <span className="platform-name">{rule.label}</span>
        {variant.generatedBy === "person" ? (
          <span className="badge edited" title="You edited this; repurposing keeps it">
            edited
          </span>
        ) : variant.offline ? (
          <span className="badge offline" title="Written without the AI (offline provider)">
            offline draft
          </span>
        ) : null}
        {editing ? null : (
          <>
            <button
              ref={editButton}
              type="button"
              className="quiet"
              aria-label={`Edit ${label}`}
              onClick={() => setEditing(true)}
            >
              Edit
            </button>
            <CopyButton text={copyText(variant)} />
          </>
        )}
      </header>
      {editing ? (
        <VariantEditor
          variant={variant}
          onCancel={stopEditing}
          onSaved={(edited) => {
            stopEditing();
            onEdited(edited);
          }}
        />
      ) : (
        <VariantPreview variant={variant} author={author} />
      )}
    </article>
  );
}

function VariantPreview({ variant, author }: Omit<Props, "onEdited">) {
  const posts = variantPosts(variant);
  const problems = checkVariant({
    platform: variant.platform,
    body: variant.body,
    ...(variant.parts ? { parts: variant.parts } : {}),
  });
  const words = wordCount(variant.platform, variant.body);
  const unit = lengthUnit(variant.platform);
  return (
    <>
      {PLATFORM_RULES[variant.platform].thread ? (
        <ol className="thread">
          {posts.map((post, index) => (
            // Posts have no ids; their order is their identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: order is identity within a thread
            <li key={index} className="post">
              <Avatar author={author} />
              <div className="post-body">
                <div className="post-author">
                  <strong>{author.name}</strong> <span className="muted">{author.handle}</span>
                </div>
                <p className="post-text">{post}</p>
                <Count
                  count={postCount(variant.platform, post)}
                  label={`Post ${index + 1} ${unit}`}
                />
              </div>
            </li>
          ))}
        </ol>
      ) : (
        <PlatformFrame variant={variant} author={author}>
          <p className="post-text">{variant.body}</p>
        </PlatformFrame>
      )}
      {PLATFORM_RULES[variant.platform].thread ? null : (
        <div className="counts">
          <Count count={postCount(variant.platform, variant.body)} label={capitalized(unit)} />
          {words ? <Count count={words} label="Words" unit="words" /> : null}
        </div>
      )}
      {problems.length > 0 ? (
        <ul className="problems">
          {problems.map((problem) => (
            <li key={`${problem.code}-${problem.part ?? 0}`}>{problem.message}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function PlatformFrame({
  variant,
  author,
  children,
}: Omit<Props, "onEdited"> & { children: ReactNode }) {
  switch (variant.platform) {
    case "linkedin":
      return (
        <div className="frame linkedin-frame">
          <div className="post-author">
            <Avatar author={author} />
            <div>
              <strong>{author.name}</strong>
              <div className="muted small">Creator · now</div>
            </div>
          </div>
          {children}
        </div>
      );
    case "instagram":
      return (
        <div className="frame instagram-frame">
          <div className="insta-media" aria-hidden="true" />
          <div className="insta-caption">
            <strong>{author.handle.slice(1)}</strong> {children}
          </div>
        </div>
      );
    case "tiktok":
    case "shorts":
      return (
        <div className="frame vertical-frame">
          <span className="vertical-handle">{author.handle}</span>
          {children}
        </div>
      );
    case "newsletter":
      return (
        <div className="frame newsletter-frame">
          <div className="muted small">From {author.name}</div>
          {children}
        </div>
      );
    default:
      return <div className="frame youtube-frame">{children}</div>;
  }
}

function Avatar({ author }: { author: Author }) {
  return (
    <span className="avatar" aria-hidden="true">
      {(author.name || author.handle.slice(1)).slice(0, 1).toUpperCase()}
    </span>
  );
}

function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className="quiet copy"
      onClick={() =>
        navigator.clipboard.writeText(text).then(
          () => setState("copied"),
          () => setState("failed"),
        )
      }
    >
      {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : "Copy"}
    </button>
  );
}
