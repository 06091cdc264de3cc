import { type ReactNode, useEffect, useState } from "react";
import { checkVariant, PLATFORM_RULES } from "../../shared/platforms";
import type { Variant } from "../lib/protocol";
import type { CharCount } from "../../shared/view/format";
import { copyText, postCount, variantLabel, variantPosts, wordCount } from "./variant-view";

export interface Author {
  name: string;
  handle: string;
}

interface Props {
  variant: Variant;
  author: Author;
}

/** One variant, dressed like the platform it is for, with its counts and a Copy button. */
export function VariantCard({ variant, author }: Props) {
  const rule = PLATFORM_RULES[variant.platform];
  const posts = variantPosts(variant);
  const problems = checkVariant({
    platform: variant.platform,
    body: variant.body,
    ...(variant.parts ? { parts: variant.parts } : {}),
  });
  const words = wordCount(variant.platform, variant.body);

  return (
    <article
      className={`variant platform-${variant.platform}`}
      aria-label={variantLabel(variant.platform)}
    >
      <header className="variant-head">
        <span className="platform-name">{rule.label}</span>
        {variant.offline ? (
          <span className="badge offline" title="Written without the AI (offline provider)">
            offline draft
          </span>
        ) : null}
        <CopyButton text={copyText(variant)} />
      </header>
      {variant.platform === "x" ? (
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
                <Count count={postCount("x", post)} label={`Post ${index + 1} characters`} />
              </div>
            </li>
          ))}
        </ol>
      ) : (
        <PlatformFrame variant={variant} author={author}>
          <p className="post-text">{variant.body}</p>
        </PlatformFrame>
      )}
      {variant.platform === "x" ? null : (
        <div className="counts">
          <Count count={postCount(variant.platform, variant.body)} label="Characters" />
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
    </article>
  );
}

function PlatformFrame({ variant, author, children }: Props & { children: ReactNode }) {
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

function Count({ count, label, unit }: { count: CharCount; label: string; unit?: string }) {
  return (
    <span
      className={`count-badge ${count.over ? "over" : ""}`}
      title={`${label}: ${count.count} of at most ${count.limit}`}
    >
      {count.text}
      {unit ? ` ${unit}` : ""}
      {count.over ? <span className="visually-hidden"> (over the limit)</span> : null}
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
