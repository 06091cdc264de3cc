// A minimal sign-in page until the React dashboard lands. API data is only ever written
// with textContent, never as HTML.
import type { ApiEnvelope } from "../../shared/envelope";

interface Me {
  user: { id: string; email: string; name: string | null };
  workspaces: { id: string; name: string; role: string; plan: string }[];
}

class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`Missing #${id}`);
  return found as T;
}

const loading = element<HTMLParagraphElement>("loading");
const form = element<HTMLFormElement>("signin");
const email = element<HTMLInputElement>("email");
const password = element<HTMLInputElement>("password");
const formError = element<HTMLParagraphElement>("error");
const submit = element<HTMLButtonElement>("submit");
const account = element<HTMLElement>("account");
const signedIn = element<HTMLHeadingElement>("signed-in");
const workspaceList = element<HTMLUListElement>("workspaces");
const accountError = element<HTMLParagraphElement>("account-error");
const signout = element<HTMLButtonElement>("signout");

async function api<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const envelope = (await response.json().catch(() => null)) as ApiEnvelope<T> | null;
  if (!envelope) throw new ApiError(`Unexpected response (${response.status})`, response.status);
  if (!envelope.success) throw new ApiError(envelope.error.message, response.status);
  return envelope.data;
}

function showForm(): void {
  loading.hidden = true;
  account.hidden = true;
  form.hidden = false;
  email.focus();
}

function showAccount(me: Me): void {
  signedIn.textContent = `Signed in as ${me.user.email}`;
  workspaceList.replaceChildren(
    ...me.workspaces.map((workspace) => {
      const item = document.createElement("li");
      const name = document.createElement("strong");
      name.textContent = workspace.name;
      item.append(name, ` — ${workspace.role}, ${workspace.plan} plan`);
      return item;
    }),
  );
  if (me.workspaces.length === 0) workspaceList.append("No workspaces yet.");
  accountError.textContent = "";
  loading.hidden = true;
  form.hidden = true;
  account.hidden = false;
  signout.focus();
}

function setBusy(button: HTMLButtonElement, busy: boolean, label: string): void {
  button.disabled = busy;
  button.setAttribute("aria-busy", String(busy));
  button.textContent = label;
}

async function loadMe(): Promise<void> {
  try {
    showAccount(await api<Me>("/api/auth/me"));
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      formError.textContent = error instanceof Error ? error.message : "Could not reach the API";
    }
    showForm();
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  formError.textContent = "";
  if (!email.value.trim() || !password.value) {
    formError.textContent = "Enter your email and password.";
    return;
  }
  setBusy(submit, true, "Signing in…");
  try {
    await api("/api/auth/signin", { email: email.value, password: password.value });
    password.value = "";
    showAccount(await api<Me>("/api/auth/me"));
  } catch (error) {
    formError.textContent = error instanceof Error ? error.message : "Sign-in failed";
    password.focus();
  } finally {
    setBusy(submit, false, "Sign in");
  }
});

signout.addEventListener("click", async () => {
  setBusy(signout, true, "Signing out…");
  try {
    await api("/api/auth/signout", {});
    showForm();
  } catch (error) {
    accountError.textContent = error instanceof Error ? error.message : "Sign-out failed";
  } finally {
    setBusy(signout, false, "Sign out");
  }
});

void loadMe();
