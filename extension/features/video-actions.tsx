/** @jsxImportSource preact */
/**
 * "Save idea" and "Repurpose" next to a YouTube video's own actions (watch pages and Shorts).
 * Follows YouTube's single-page navigation: each new video gets fresh buttons showing whether
 * it is already saved; the old ones are removed with their listeners.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ContentScriptContext } from "wxt/utils/content-script-context";
import { createShadowRootUi } from "wxt/utils/content-script-ui/shadow-root";
import { pageErrorWords } from "../../shared/view/page-words";
import { ask } from "../lib/ask";
import { errorView } from "../lib/errors";
import { type CaptureOutcome, type CaptureResult, messaging } from "../lib/protocol";
import { youtubeSubject } from "../lib/subjects";
import {
  actionsContainer,
  extractVideo,
  type YouTubePage,
  youtubePage,
} from "../selectors/youtube";
import type { Feature } from "./feature";
import "./video-actions.css";
import { waitForElement } from "./wait-for-element";

export const ACTIONS_HOST = "creatorops-youtube-actions";

type SaveState =
  | { kind: "checking" }
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved"; itemId: string }
  | { kind: "queued" }
  | { kind: "problem"; message: string };

/** The background's news of landed captures, for the buttons of the video on screen. */
const landedListeners = new Set<(landed: CaptureResult) => void>();

const NOT_LOADED = "This video hasn't finished loading";
const problem = (message: string): SaveState => ({ kind: "problem", message });

function stateAfter(outcome: CaptureOutcome): SaveState {
  if (outcome.state === "saved") return { kind: "saved", itemId: outcome.result.id };
  if (outcome.state === "queued") return { kind: "queued" };
  return problem(pageErrorWords(outcome.error));
}

function VideoActions({ page }: { page: YouTubePage }) {
  const [save, setSave] = useState<SaveState>({ kind: "checking" });
  const [opening, setOpening] = useState(false);

  useEffect(() => {
    let live = true;
    ask("videoState", page.videoId).then(
      (state) => {
        if (!live) return;
        if (state.itemId) setSave({ kind: "saved", itemId: state.itemId });
        else setSave(state.queued ? { kind: "queued" } : { kind: "idle" });
      },
      () => live && setSave({ kind: "idle" }),
    );
    const subject = youtubeSubject(page.videoId);
    const onLanded = (landed: CaptureResult) => {
      if (landed.subject === subject) setSave({ kind: "saved", itemId: landed.id });
    };
    landedListeners.add(onLanded);
    return () => {
      live = false;
      landedListeners.delete(onLanded);
    };
  }, [page.videoId]);

  const videoBody = () => extractVideo(document, new URL(location.href));

  const onSave = async () => {
    const body = videoBody();
    if (!body) return setSave({ kind: "problem", message: NOT_LOADED });
    setSave({ kind: "saving" });
    try {
      setSave(stateAfter(await ask("saveVideo", body)));
    } catch (error) {
      setSave(problem(pageErrorWords(errorView(error))));
    }
  };

  const onRepurpose = async () => {
    const body = videoBody();
    if (!body) return setSave({ kind: "problem", message: NOT_LOADED });
    setOpening(true);
    try {
      setSave(stateAfter(await ask("repurposeVideo", body)));
    } catch (error) {
      setSave(problem(pageErrorWords(errorView(error))));
    } finally {
      setOpening(false);
    }
  };

  const saveLabel =
    save.kind === "saved"
      ? "Saved ✓"
      : save.kind === "saving"
        ? "Saving…"
        : save.kind === "queued"
          ? "Queued"
          : "Save idea";
  return (
    <div class={`actions ${page.kind}`}>
      <button
        type="button"
        class={`pill ${save.kind === "saved" ? "done" : ""}`}
        disabled={save.kind === "saving" || save.kind === "checking"}
        aria-busy={save.kind === "saving" || save.kind === "checking"}
        title={
          save.kind === "queued"
            ? "Kept on this device; it reaches CreatorOps as soon as it can"
            : "Save this video to CreatorOps as an idea"
        }
        onClick={save.kind === "saved" ? undefined : onSave}
      >
        <span class="mark" aria-hidden="true">
          {save.kind === "saved" ? "" : "+"}
        </span>
        {saveLabel}
      </button>
      <button
        type="button"
        class="pill"
        disabled={opening}
        aria-busy={opening}
        title="Turn this video into posts for every platform"
        onClick={onRepurpose}
      >
        <span class="mark" aria-hidden="true">
          ✦
        </span>
        Repurpose
      </button>
      {save.kind === "problem" && (
        <span class="problem" role="status">
          {save.message}
        </span>
      )}
    </div>
  );
}

export const videoActions: Feature = {
  name: "video-actions",
  start(ctx: ContentScriptContext) {
    type Shown = { key: string; stop: AbortController; remove?: () => void; host?: Element };
    let shown: Shown | null = null;

    const show = () => {
      const page = youtubePage(new URL(location.href));
      const key = page ? `${page.kind}:${page.videoId}` : "";
      // Both of YouTube's navigation signals can fire for one navigation: show once per video.
      if (shown && shown.key === key && (!shown.host || shown.host.isConnected)) return;
      shown?.stop.abort();
      shown?.remove?.();
      shown = null;
      if (!page) return;
      const entry: Shown = { key, stop: new AbortController() };
      shown = entry;
      void waitForElement(ctx, () => actionsContainer(document, page), entry.stop.signal).then(
        async (anchor) => {
          if (!anchor || entry.stop.signal.aborted) return;
          const ui = await createShadowRootUi(ctx, {
            name: ACTIONS_HOST,
            position: "inline",
            anchor,
            append: "last",
            onMount: (container) => render(<VideoActions page={page} />, container),
            onRemove: () => render(null, ui.uiContainer),
          });
          if (entry.stop.signal.aborted) return;
          ui.mount();
          entry.remove = () => ui.remove();
          entry.host = ui.shadowHost;
        },
      );
    };

    const stopListening = messaging.onMessage("captureLanded", ({ data }) => {
      for (const listener of landedListeners) listener(data);
    });
    ctx.onInvalidated(() => {
      stopListening();
      shown?.stop.abort();
      shown?.remove?.();
    });
    ctx.addEventListener(document, "yt-navigate-finish", show);
    ctx.addEventListener(window, "wxt:locationchange", show);
    show();
  },
};
