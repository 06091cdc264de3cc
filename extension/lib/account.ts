/** The signed-in creator, their workspaces and the API address, as the background sees them. */
import { apiClient, unwrap } from "./api";
import { ExtensionError } from "./errors";
import type { SessionView, Workspace } from "./protocol";
import {
  apiOriginItem,
  lastEmailCaptureItem,
  sessionItem,
  workspaceIdItem,
  workspacesItem,
} from "./storage";

export async function signedInClient() {
  const [origin, session, workspaceId] = await Promise.all([
    apiOriginItem.getValue(),
    sessionItem.getValue(),
    workspaceIdItem.getValue(),
  ]);
  if (!session) throw new ExtensionError("SIGNED_OUT", "Sign in to CreatorOps first", 401);
  return {
    client: apiClient(origin, { token: session.token, workspaceId }),
    workspaceId,
    session,
    origin,
  };
}

function forgetSession() {
  return Promise.all([
    sessionItem.setValue(null),
    workspaceIdItem.setValue(null),
    workspacesItem.setValue([]),
    // The last Gmail capture is this account's and workspace's: never shown to the next.
    lastEmailCaptureItem.setValue(null),
  ]);
}

/** A call made while signed in; an expired or revoked session signs the extension out. */
export async function whileSignedIn<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ExtensionError && error.status === 401) {
      await forgetSession();
      throw new ExtensionError("SIGNED_OUT", "Your session ended. Sign in again.", 401);
    }
    throw error;
  }
}

async function fetchWorkspaces(): Promise<Workspace[]> {
  const { client } = await signedInClient();
  const me = await whileSignedIn(unwrap(client.api.auth.me.$get()));
  await workspacesItem.setValue(me.workspaces);
  return me.workspaces;
}

export async function sessionView(): Promise<SessionView> {
  const [apiOrigin, session] = await Promise.all([
    apiOriginItem.getValue(),
    sessionItem.getValue(),
  ]);
  if (!session) return { apiOrigin, user: null, workspaces: [], workspaceId: null, offline: false };
  let workspaces: Workspace[];
  try {
    workspaces = await fetchWorkspaces();
  } catch (error) {
    if (!(error instanceof ExtensionError) || error.status !== 0) throw error;
    // Offline is no reason to look signed out: the queue and what we know still show.
    return {
      apiOrigin,
      user: session.user,
      workspaces: await workspacesItem.getValue(),
      workspaceId: await workspaceIdItem.getValue(),
      offline: true,
    };
  }
  let workspaceId = await workspaceIdItem.getValue();
  // Keep the chosen workspace while it is still one of theirs; else their first.
  if (!workspaces.some((workspace) => workspace.id === workspaceId)) {
    workspaceId = workspaces[0]?.id ?? null;
    await workspaceIdItem.setValue(workspaceId);
  }
  return { apiOrigin, user: session.user, workspaces, workspaceId, offline: false };
}

export async function signIn(email: string, password: string): Promise<SessionView> {
  const client = apiClient(await apiOriginItem.getValue());
  const signedIn = await unwrap(
    client.api.auth.signin.$post({ json: { email, password, client: "extension" } }),
  );
  // `client: "extension"` answers a token; a cookie sign-in (the dashboard's) does not.
  if (!("token" in signedIn) || !signedIn.token) {
    throw new ExtensionError("UNKNOWN", "The API did not return a session");
  }
  const { id, email: signedInEmail, name } = signedIn.user;
  await sessionItem.setValue({
    token: signedIn.token,
    expiresAt: signedIn.expiresAt,
    user: { id, email: signedInEmail, name: name ?? "" },
  });
  return sessionView();
}

export async function signOut(): Promise<SessionView> {
  const session = await sessionItem.getValue();
  if (session) {
    const { client } = await signedInClient();
    // Revoke on the server when we can; signing out locally must work offline too.
    await unwrap(client.api.auth.signout.$post()).catch(() => undefined);
  }
  await forgetSession();
  return sessionView();
}

export async function selectWorkspace(workspaceId: string): Promise<SessionView> {
  const workspaces = await fetchWorkspaces();
  if (!workspaces.some((workspace) => workspace.id === workspaceId)) {
    throw new ExtensionError("NOT_FOUND", "That workspace isn't one of yours", 404);
  }
  if ((await workspaceIdItem.getValue()) !== workspaceId) await lastEmailCaptureItem.setValue(null);
  await workspaceIdItem.setValue(workspaceId);
  return sessionView();
}

/** Changes the API address after checking something answers there as CreatorOps. */
export async function setApiOrigin(input: string): Promise<SessionView> {
  let origin: string;
  try {
    const url = new URL(input.trim());
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("scheme");
    origin = url.origin;
  } catch {
    throw new ExtensionError(
      "VALIDATION_ERROR",
      "Enter a web address like https://api.example.com",
      400,
    );
  }
  await unwrap(apiClient(origin).api.health.$get());
  if (origin !== (await apiOriginItem.getValue())) {
    // A session belongs to one API.
    await forgetSession();
  }
  await apiOriginItem.setValue(origin);
  return sessionView();
}
