import { lazy, Suspense, useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import type { ContentItem, SessionView } from "../lib/protocol";
import {
  captureQueueItem,
  type PanelDealFocus,
  type PanelFocus,
  panelDealFocusItem,
  panelFocusItem,
  readStoredQueue,
} from "../lib/storage";
import { AccountBar } from "./AccountBar";
import type { OpenDeal } from "./Deals";
import { IdeasList } from "./IdeasList";
import { PendingCaptures } from "./PendingCaptures";
import { PanelContext, type PanelContextValue } from "./panel-context";
import { QuickCapture } from "./QuickCapture";
import { useOnline, useStoredValue } from "./storage-hooks";
import { UsageMeter } from "./UsageMeter";
import { useIdeas } from "./use-ideas";
import { panelIdOf, tabIdOf, VIEWS, type View, ViewTabs } from "./ViewTabs";

// The detail view (status, repurposing, platform previews and rules) loads on first open.
const IdeaDetail = lazy(() =>
  import("./IdeaDetail").then((module) => ({ default: module.IdeaDetail })),
);
// Deals and follow-ups load when their tab is first chosen: the panel's first screen stays small.
const Deals = lazy(() => import("./Deals").then((module) => ({ default: module.Deals })));
const Followups = lazy(() =>
  import("./Followups").then((module) => ({ default: module.Followups })),
);

interface Props {
  session: SessionView;
  onSession(session: SessionView): void;
  onSessionLost(): void;
}

interface OpenItem {
  contentId: string;
  autoRepurpose: boolean;
  /** Distinguishes two requests for the same item, so each one runs. */
  nonce: string;
}

export function SignedInPanel(props: Props) {
  const [creditsKey, setCreditsKey] = useState(0);
  const onCreditsChanged = useCallback(() => setCreditsKey((key) => key + 1), []);
  const context = useMemo<PanelContextValue>(
    () => ({ session: props.session, onSessionLost: props.onSessionLost, onCreditsChanged }),
    [props.session, props.onSessionLost, onCreditsChanged],
  );
  return (
    <PanelContext.Provider value={context}>
      <AccountBar onSession={props.onSession} />
      {props.session.workspaceId ? (
        <WorkspaceView key={props.session.workspaceId} creditsKey={creditsKey} />
      ) : (
        <main className="panel-main">
          <p className="empty muted">Choose a workspace above to see its ideas and deals.</p>
        </main>
      )}
    </PanelContext.Provider>
  );
}

function WorkspaceView({ creditsKey }: { creditsKey: number }) {
  const ideas = useIdeas();
  const online = useOnline();
  // Read entry by entry: a damaged or newer version's entry never blanks the panel.
  const stored = useStoredValue(captureQueueItem);
  const captures = useMemo(() => readStoredQueue(stored), [stored]);
  const [view, setView] = useState<View>("ideas");
  const [open, setOpen] = useState<OpenItem | null>(null);
  const [openDeal, setOpenDeal] = useState<OpenDeal | null>(null);
  const [returnFocusTo, setReturnFocusTo] = useState<string | null>(null);
  const idPrefix = useId();
  const { refresh, replaceItem } = ideas;

  // A shorter queue means a capture landed (or was discarded): the list catches up.
  const queueLength = useRef<number | null>(null);
  useEffect(() => {
    const previous = queueLength.current;
    queueLength.current = captures.length;
    if (previous !== null && captures.length < previous) refresh();
  }, [captures.length, refresh]);

  // "Repurpose" on a page asks the panel to show an item; each request is handled once.
  useEffect(() => {
    const focus = (request: PanelFocus | null) => {
      if (!request) return;
      setView("ideas");
      setOpen({
        contentId: request.contentId,
        autoRepurpose: request.repurpose,
        nonce: request.nonce,
      });
      void panelFocusItem.setValue(null);
    };
    void panelFocusItem.getValue().then(focus);
    return panelFocusItem.watch(focus);
  }, []);

  // Gmail's "Open in side panel" asks for a deal the same way; each request is handled once.
  useEffect(() => {
    const focus = (request: PanelDealFocus | null) => {
      if (!request) return;
      setView("deals");
      setOpenDeal({ dealId: request.dealId, nonce: request.nonce });
      void panelDealFocusItem.setValue(null);
    };
    void panelDealFocusItem.getValue().then(focus);
    return panelDealFocusItem.watch(focus);
  }, []);

  const showDeal = useCallback((dealId: string) => {
    setView("deals");
    setOpenDeal({ dealId, nonce: crypto.randomUUID() });
  }, []);
  const closeDeal = useCallback(() => setOpenDeal(null), []);

  const openRef = useRef(open);
  openRef.current = open;
  const back = useCallback(() => {
    if (openRef.current) setReturnFocusTo(openRef.current.contentId);
    setOpen(null);
    refresh();
  }, [refresh]);

  const changed = useCallback((item: ContentItem) => replaceItem(item), [replaceItem]);

  const loading = (what: string) => (
    <p className="muted" role="status">
      Opening {what}…
    </p>
  );
  const ideasView = open ? (
    <Suspense fallback={loading("the idea")}>
      <IdeaDetail
        key={`${open.contentId}:${open.nonce}`}
        contentId={open.contentId}
        autoRepurpose={open.autoRepurpose}
        onBack={back}
        onChanged={changed}
      />
    </Suspense>
  ) : (
    <>
      <QuickCapture onSaved={refresh} />
      <PendingCaptures captures={captures} />
      <IdeasList
        ideas={ideas}
        returnFocusTo={returnFocusTo}
        onOpen={(contentId) =>
          setOpen({ contentId, autoRepurpose: false, nonce: crypto.randomUUID() })
        }
      />
    </>
  );
  const current =
    view === "ideas" ? (
      ideasView
    ) : view === "deals" ? (
      <Suspense fallback={loading("deals")}>
        <Deals open={openDeal} onOpen={showDeal} onClose={closeDeal} />
      </Suspense>
    ) : (
      <Suspense fallback={loading("follow-ups")}>
        <Followups onOpenDeal={showDeal} />
      </Suspense>
    );

  return (
    <main className="panel-main">
      {online ? null : (
        <p className="banner" role="status">
          You're offline — captures are queued.
        </p>
      )}
      <UsageMeter refreshKey={creditsKey} />
      <ViewTabs view={view} onView={setView} idPrefix={idPrefix} />
      {VIEWS.map((candidate) => (
        // Only the chosen view is rendered: the others' Escape handlers and requests stay off.
        <div
          key={candidate}
          role="tabpanel"
          id={panelIdOf(idPrefix, candidate)}
          aria-labelledby={tabIdOf(idPrefix, candidate)}
          hidden={candidate !== view}
          className="view-panel"
        >
          {candidate === view ? current : null}
        </div>
      ))}
    </main>
  );
}
