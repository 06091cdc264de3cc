// The home page: sign in, then the account and its workspaces. API data is only ever written
// with textContent, never as HTML.
import { ApiError, api, element, type Me, messageOf, setBusy } from "./api";

export function startHome(): void {
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

  async function loadMe(): Promise<void> {
    try {
      showAccount(await api<Me>("/api/auth/me"));
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) {
        formError.textContent = messageOf(error, "Could not reach the API");
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
      formError.textContent = messageOf(error, "Sign-in failed");
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
      accountError.textContent = messageOf(error, "Sign-out failed");
    } finally {
      setBusy(signout, false, "Sign out");
    }
  });

  void loadMe();
}
