/** Content messages from the side panel: the ideas list, one item, and a person's edits. */
import { signedInClient, whileSignedIn } from "../account";
import { unwrap } from "../api";
import type { HandlerDomain } from "./define";

export const content: HandlerDomain = {
  name: "content",
  handlers: {
    listContent: {
      from: "panel",
      async handle({ limit, ...query }) {
        const { client } = await signedInClient();
        return whileSignedIn(
          unwrap(
            client.api.content.$get({
              query: { ...query, ...(limit ? { limit: String(limit) } : {}) },
            }),
          ),
        );
      },
    },
    getContent: {
      from: "panel",
      async handle(contentId) {
        const { client } = await signedInClient();
        return whileSignedIn(unwrap(client.api.content[":id"].$get({ param: { id: contentId } })));
      },
    },
    updateContent: {
      from: "panel",
      async handle({ contentId, changes }) {
        const { client } = await signedInClient();
        return whileSignedIn(
          unwrap(client.api.content[":id"].$put({ param: { id: contentId }, json: changes })),
        );
      },
    },
    updateVariant: {
      from: "panel",
      async handle({ contentId, variantId, changes }) {
        const { client } = await signedInClient();
        return whileSignedIn(
          unwrap(
            client.api.content[":id"].variants[":variantId"].$put({
              param: { id: contentId, variantId },
              json: changes,
            }),
          ),
        );
      },
    },
  },
};
