/**
 * The one place a variant is checked against its platform's rules (shared/platforms.ts)
 * before it is saved, whoever wrote it: an AI draft is cleaned, checked and repaired when it
 * can be; a person's edit is cleaned and checked, and refused with the rule it breaks.
 */
import {
  checkVariant,
  PLATFORM_RULES,
  type PlatformId,
  threadParts,
  type VariantDraft,
} from "../../shared/platforms";
import { repairVariant } from "../../shared/repair";
import { cleanText } from "../../shared/text";
import { ApiError } from "../errors";

/** The body and every post cleaned like a creator's text (shared/text.ts says why). */
function clean(draft: VariantDraft): VariantDraft {
  return {
    ...draft,
    body: cleanText(draft.body),
    ...(draft.parts ? { parts: draft.parts.map(cleanText) } : {}),
  };
}

/** An AI draft that passes its platform's rules (repaired if needed), or null when it cannot. */
export function acceptAiDraft(draft: VariantDraft | undefined): VariantDraft | null {
  if (!draft) return null;
  const cleaned = clean(draft);
  if (checkVariant(cleaned).length === 0) return cleaned;
  const repaired = repairVariant(cleaned);
  return repaired && checkVariant(repaired).length === 0 ? repaired : null;
}

/**
 * A person's edit as the draft to save. A thread platform (X) takes `parts`, or a body split
 * at its numbered posts ("2/3 …"); the others take `body` (or the parts joined).
 * @throws ApiError 400 RULE_VIOLATION with one issue per broken rule (`parts.N` or `body`).
 */
export function acceptPersonEdit(
  platform: PlatformId,
  edit: { body?: string; parts?: string[] },
): VariantDraft {
  const rule = PLATFORM_RULES[platform];
  // A body is split only at numbered posts ("2/3 …"): paragraphs of one post stay one post.
  const parts = rule.thread
    ? (edit.parts ?? threadParts({ platform, body: edit.body ?? "" }))
    : undefined;
  const body =
    rule.thread && parts ? parts.join("\n\n") : (edit.body ?? edit.parts?.join("\n\n") ?? "");
  const draft = clean({ platform, body, ...(parts ? { parts } : {}) });
  const problems = checkVariant(draft);
  if (problems.length > 0) {
    throw new ApiError(
      400,
      "RULE_VIOLATION",
      `This ${rule.label} breaks the platform rules: ${problems[0]?.message}`,
      problems.map((problem) => ({
        path: problem.part !== undefined ? `parts.${problem.part}` : "body",
        message: problem.message,
      })),
    );
  }
  return draft;
}
