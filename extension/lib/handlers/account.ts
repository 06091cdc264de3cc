/** Account messages: who is signed in, to which API, in which workspace, with what credits. */
import {
  selectWorkspace,
  sessionView,
  setApiOrigin,
  signedInClient,
  signIn,
  signOut,
  whileSignedIn,
} from "../account";
import { unwrap } from "../api";
import { makeDue } from "../capture-queue";
import { retryQueued } from "../captures";
import type { HandlerDomain } from "./define";

export const account: HandlerDomain = {
  name: "account",
  handlers: {
    session: { from: "panel", handle: sessionView },
    signIn: {
      from: "panel",
      async handle({ email, password }) {
        const session = await signIn(email, password);
        // Captures that waited for a session go now.
        await makeDue();
        void retryQueued();
        return session;
      },
    },
    signOut: { from: "panel", handle: signOut },
    selectWorkspace: { from: "panel", handle: selectWorkspace },
    setApiOrigin: { from: "panel", handle: setApiOrigin },
    usage: {
      from: "panel",
      async handle() {
        const { client } = await signedInClient();
        return whileSignedIn(unwrap(client.api.usage.$get()));
      },
    },
  },
};
