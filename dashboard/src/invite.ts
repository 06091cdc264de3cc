// The page an invitation link opens: /invite?token=…[&email=…]. Signed out, the invitee creates
// an account or signs in (email filled in when known), then joins; signed in, one button joins.
// Each step moves focus to what changed, so keyboard and screen-reader users follow along.
import { ApiError, api, element, type Me, messageOf, setBusy } from "./api";

interface JoinedWorkspace {
  id: string;
  name: string;
  plan: string;
  role: string;
}

type AuthMode = "signup" | "signin";

const TOKEN_KEY = "creatorops.invitationToken";
const PASSWORD_MIN = 10;

/**
 * The token from the link, then out of the address bar (history, screen shares): it stays in
 * this tab's sessionStorage so a reload still works, and is forgotten once used.
 */
function takeToken(): string | null {
  const url = new URL(location.href);
  const fromLink = url.searchParams.get("token");
  if (fromLink) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromLink);
      url.searchParams.delete("token");
      history.replaceState(history.state, "", `${url.pathname}${url.search}${url.hash}`);
    } catch {
      // Storage refused (private mode): keep the token in the address bar instead.
    }
    return fromLink;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function forgetToken(): void {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing stored.
  }
}

export function startInvite(): void {
  const loading = element<HTMLParagraphElement>("loading");
  const section = element<HTMLElement>("invite");
  const title = element<HTMLHeadingElement>("invite-title");
  const status = element<HTMLParagraphElement>("invite-status");

  const authForm = element<HTMLFormElement>("invite-auth");
  const authTitle = element<HTMLHeadingElement>("invite-auth-title");
  const email = element<HTMLInputElement>("invite-email");
  const nameField = element<HTMLDivElement>("invite-name-field");
  const name = element<HTMLInputElement>("invite-name");
  const password = element<HTMLInputElement>("invite-password");
  const passwordHint = element<HTMLParagraphElement>("invite-password-hint");
  const authError = element<HTMLParagraphElement>("invite-auth-error");
  const authSubmit = element<HTMLButtonElement>("invite-auth-submit");
  const authSwitch = element<HTMLButtonElement>("invite-auth-switch");

  const confirm = element<HTMLDivElement>("invite-confirm");
  const account = element<HTMLParagraphElement>("invite-account");
  const accept = element<HTMLButtonElement>("invite-accept");
  const otherAccount = element<HTMLButtonElement>("invite-other-account");

  const problem = element<HTMLDivElement>("invite-problem");
  const problemText = element<HTMLParagraphElement>("invite-problem-text");
  const retry = element<HTMLButtonElement>("invite-retry");
  const signOut = element<HTMLButtonElement>("invite-signout");

  const done = element<HTMLDivElement>("invite-done");
  const joined = element<HTMLParagraphElement>("invite-joined");

  const token = takeToken();
  let knownEmail = new URL(location.href).searchParams.get("email")?.trim() ?? "";
  let mode: AuthMode = "signup";
  let retryStep: (() => Promise<void>) | null = null;

  document.title = "Join a workspace — CreatorOps AI";
  loading.hidden = true;
  section.hidden = false;

  const submitLabel = () => (mode === "signup" ? "Create account and join" : "Sign in and join");

  const views = [authForm, confirm, problem, done];
  function show(view: HTMLElement | null, heading: string, focus: HTMLElement = title): void {
    for (const candidate of views) candidate.hidden = candidate !== view;
    title.textContent = heading;
    status.textContent = "";
    focus.focus();
  }

  function fieldError(field: HTMLInputElement | null, message: string): void {
    for (const input of [email, name, password]) input.removeAttribute("aria-invalid");
    authError.textContent = message;
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  }

  function showAuth(nextMode: AuthMode, message = ""): void {
    mode = nextMode;
    const signup = mode === "signup";
    authTitle.textContent = signup ? "Create your account" : "Sign in";
    nameField.hidden = !signup;
    password.autocomplete = signup ? "new-password" : "current-password";
    passwordHint.hidden = !signup;
    // A hidden hint would still be read as the field's description: name it only when shown.
    password.setAttribute(
      "aria-describedby",
      signup ? `${passwordHint.id} ${authError.id}` : authError.id,
    );
    authSubmit.textContent = submitLabel();
    authSwitch.textContent = signup
      ? "I already have an account: sign in instead"
      : "I'm new here: create an account instead";
    if (!email.value && knownEmail) email.value = knownEmail;
    password.value = "";
    show(authForm, "Join a workspace", email.value ? password : email);
    fieldError(null, message);
  }

  function showConfirm(me: Me): void {
    account.textContent = `You are signed in as ${me.user.email}.`;
    show(confirm, "Join a workspace", accept);
  }

  function showProblem(
    heading: string,
    message: string,
    options: { retry?: () => Promise<void>; signOut?: boolean } = {},
  ): void {
    problemText.textContent = message;
    retryStep = options.retry ?? null;
    retry.hidden = !retryStep;
    signOut.hidden = !options.signOut;
    show(problem, heading);
  }

  function showJoined(workspace: JoinedWorkspace): void {
    const article = /^[aeiou]/i.test(workspace.role) ? "an" : "a";
    joined.textContent = `You are now ${article} ${workspace.role} of ${workspace.name}. Its ideas, drafts and deals are waiting in your dashboard.`;
    show(done, `You joined ${workspace.name}`);
  }

  async function join(): Promise<void> {
    if (!token) return;
    setBusy(accept, true, "Joining…");
    status.textContent = "Joining the workspace…";
    try {
      const { workspace } = await api<{ workspace: JoinedWorkspace }>("/api/invitations/accept", {
        token,
      });
      forgetToken();
      showJoined(workspace);
    } catch (error) {
      const code = error instanceof ApiError ? error.code : "INTERNAL_ERROR";
      if (code === "INVITATION_INVALID" || code === "VALIDATION_ERROR") {
        forgetToken();
        showProblem(
          "This invitation can't be used",
          code === "INVITATION_INVALID"
            ? messageOf(error, "")
            : "This invitation link is incomplete or damaged. Ask for a new one.",
        );
      } else if (code === "FORBIDDEN") {
        // Signed in as someone else: the message names the invited email.
        const invited = error instanceof ApiError ? error.details?.email : undefined;
        if (typeof invited === "string") knownEmail = invited;
        showProblem("This invitation is for another account", messageOf(error, ""), {
          signOut: true,
        });
      } else if (code === "UNAUTHORIZED" || code === "SESSION_EXPIRED") {
        showAuth("signin", "Your session ended. Sign in again to join.");
      } else {
        showProblem("Could not join the workspace", messageOf(error, "Something went wrong."), {
          retry: join,
        });
      }
    } finally {
      setBusy(accept, false, "Join the workspace");
    }
  }

  async function begin(): Promise<void> {
    if (!token) {
      showProblem(
        "This invitation link is incomplete",
        "Open the link from your invitation again, or ask the person who invited you for a new one.",
      );
      return;
    }
    status.textContent = "Checking your invitation…";
    try {
      showConfirm(await api<Me>("/api/auth/me"));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) showAuth("signup");
      else showProblem("Could not load the invitation", messageOf(error, ""), { retry: begin });
    }
  }

  authForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const signup = mode === "signup";
    if (!email.value.trim() || !email.validity.valid) {
      fieldError(email, "Enter the email address the invitation was sent to.");
      return;
    }
    if (!password.value) {
      fieldError(password, "Enter your password.");
      return;
    }
    if (signup && password.value.length < PASSWORD_MIN) {
      fieldError(password, `Use at least ${PASSWORD_MIN} characters for your password.`);
      return;
    }
    fieldError(null, "");
    setBusy(authSubmit, true, signup ? "Creating your account…" : "Signing in…");
    try {
      const credentials = { email: email.value.trim(), password: password.value };
      if (signup) {
        const displayName = name.value.trim();
        // Reminders and the daily digest follow the creator's own clock from the start.
        const { timeZone } = Intl.DateTimeFormat().resolvedOptions();
        await api("/api/auth/signup", {
          ...credentials,
          ...(displayName && { name: displayName }),
          ...(timeZone && { timeZone }),
        });
      } else {
        await api("/api/auth/signin", credentials);
      }
      password.value = "";
    } catch (error) {
      setBusy(authSubmit, false, submitLabel());
      if (error instanceof ApiError && error.code === "EMAIL_TAKEN") {
        showAuth("signin", "An account with this email already exists: sign in to join.");
      } else if (error instanceof ApiError && error.code === "INVALID_CREDENTIALS") {
        fieldError(password, messageOf(error, "Email or password is incorrect."));
      } else {
        fieldError(null, messageOf(error, "Could not sign in."));
      }
      return;
    }
    // Signed in: join right away, the button stays busy until the answer is shown.
    await join();
    setBusy(authSubmit, false, submitLabel());
  });

  authSwitch.addEventListener("click", () => {
    knownEmail = email.value.trim() || knownEmail;
    showAuth(mode === "signup" ? "signin" : "signup");
  });

  accept.addEventListener("click", () => void join());

  async function signOutThenAuth(button: HTMLButtonElement, label: string): Promise<void> {
    setBusy(button, true, "Signing out…");
    try {
      await api("/api/auth/signout", {});
      email.value = "";
      showAuth("signin");
    } catch (error) {
      showProblem("Could not sign out", messageOf(error, "Something went wrong."));
    } finally {
      setBusy(button, false, label);
    }
  }
  otherAccount.addEventListener("click", () => {
    void signOutThenAuth(otherAccount, "Use another account");
  });
  signOut.addEventListener("click", () => {
    void signOutThenAuth(signOut, "Sign out and use another account");
  });

  retry.addEventListener("click", () => {
    if (retryStep) void retryStep();
  });

  void begin();
}
