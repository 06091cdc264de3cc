import { describe, expect, it } from "vitest";
import {
  BODY_MAX,
  CONTENT_STATUSES,
  canTransition,
  createContentSchema,
  NOTES_MAX,
  TITLE_MAX,
} from "../../shared/content";
import { PLATFORM_IDS, PLATFORM_RULES } from "../../shared/platforms";
import { changesOf } from "../sidepanel/ItemEditor";
import { statusChoices } from "../sidepanel/status-choices";
import {
  copyText,
  draftOf,
  draftProblems,
  editOf,
  latestByPlatform,
  mergeVariants,
  numberPosts,
  postCount,
  problemsFor,
  refusedProblems,
  replaceVariant,
  sameDraft,
  startingPlatforms,
  variantLabel,
  variantPosts,
  wordCount,
} from "../sidepanel/variant-view";

describe("status choices", () => {
  it("offers the current status and only the allowed moves", () => {
    for (const from of CONTENT_STATUSES) {
      const choices = statusChoices(from);
      expect(choices[0]).toBe(from);
      for (const to of choices) expect(canTransition(from, to)).toBe(true);
      const refused = CONTENT_STATUSES.filter((to) => !choices.includes(to));
      for (const to of refused) expect(canTransition(from, to)).toBe(false);
    }
    expect(statusChoices("idea")).toEqual(["idea", "drafting", "archived"]);
  });
});

describe("variants", () => {
  it("counts an X post in X weighted characters against 280, other platforms against the body limit", () => {
    // X weighs an emoji sequence 2 and a link 23 (twitter-text), as the API checks it.
    expect(postCount("x", "👍🏽 hi").text).toBe("5 / 280");
    expect(postCount("x", "See https://example.com/a/very/long/path/indeed").text).toBe("27 / 280");
    expect(postCount("youtube", "é").text).toBe(`2 / ${PLATFORM_RULES.youtube.maxChars}`);
    expect(postCount("linkedin", "hello").text).toBe(`5 / ${PLATFORM_RULES.linkedin.maxChars}`);
    expect(wordCount("tiktok", "Don't stop now.")?.text).toBe("3 / 150");
    expect(wordCount("linkedin", "words")).toBeNull();
  });

  const variant = (platform: "x" | "linkedin", createdAt: string, id = createdAt) => ({
    id,
    platform,
    createdAt,
    body: "",
    parts: null,
  });

  it("names each card by its platform label", () => {
    expect(variantLabel("x")).toBe(`${PLATFORM_RULES.x.label} variant`);
    expect(variantLabel("linkedin")).toBe("LinkedIn post variant");
  });

  it("shows the newest variant of each platform, in platform order", () => {
    const shown = latestByPlatform([
      variant("linkedin", "2026-11-01T00:00:00Z"),
      variant("x", "2026-11-01T00:00:00Z"),
      variant("x", "2026-11-02T00:00:00Z"),
    ]);
    expect(shown.map((v) => `${v.platform}@${v.createdAt}`)).toEqual([
      "x@2026-11-02T00:00:00Z",
      "linkedin@2026-11-01T00:00:00Z",
    ]);
  });

  it("replaces the variants of regenerated platforms", () => {
    const merged = mergeVariants(
      [variant("x", "a", "old-x"), variant("linkedin", "a", "old-li")],
      [variant("x", "b", "new-x")],
    );
    expect(merged.map((v) => v.id)).toEqual(["old-li", "new-x"]);
  });

  it("splits a thread into posts and copies it with blank lines", () => {
    const thread = { platform: "x" as const, body: "1/2 First.\n\n2/2 Second.", parts: null };
    expect(variantPosts(thread)).toEqual(["1/2 First.", "2/2 Second."]);
    expect(copyText({ ...thread, parts: ["1/2 A.", "2/2 B."] })).toBe("1/2 A.\n\n2/2 B.");
    expect(copyText({ platform: "linkedin", body: "Post", parts: null })).toBe("Post");
  });
});

describe("an item's own fields", () => {
  it("shows the limits the API enforces (shared/limits.ts, read by the fields and the schema)", () => {
    const at = (title: number, body: number, notes: number) =>
      createContentSchema.safeParse({
        title: "t".repeat(title),
        body: "b".repeat(body),
        notes: "n".repeat(notes),
      }).success;
    expect(at(TITLE_MAX, BODY_MAX, NOTES_MAX)).toBe(true);
    expect(at(TITLE_MAX + 1, 0, 0)).toBe(false);
    expect(at(1, BODY_MAX + 1, 0)).toBe(false);
    expect(at(1, 0, NOTES_MAX + 1)).toBe(false);
  });

  it("sends only what changed, an emptied text as cleared", () => {
    const before = { title: "A", body: "Script", notes: "Note" };
    expect(changesOf(before, before)).toEqual({});
    expect(changesOf(before, { ...before, title: " B ", notes: "  " })).toEqual({
      title: "B",
      notes: null,
    });
    expect(changesOf(before, { ...before, body: "" })).toEqual({ body: null });
  });
});

describe("variant editing", () => {
  const thread = { platform: "x" as const, body: "", parts: ["1/2 One take.", "2/2 Done."] };

  it("holds a thread's posts without their numbers, and numbers them again to save", () => {
    const draft = draftOf(thread);
    expect(draft).toEqual({ posts: ["One take.", "Done."] });
    expect(editOf(draft)).toEqual({ parts: ["1/2 One take.", "2/2 Done."] });
    expect(editOf({ posts: ["Alone."] })).toEqual({ parts: ["Alone."] });
    expect(numberPosts(["a", "b", "c"])).toEqual(["1/3 a", "2/3 b", "3/3 c"]);
    expect(editOf(draftOf({ platform: "linkedin", body: "Post", parts: null }))).toEqual({
      body: "Post",
    });
    expect(sameDraft(draft, { posts: ["One take.", "Done. "] })).toBe(true);
    expect(sameDraft(draft, { posts: ["One take.", "Done!"] })).toBe(false);
  });

  it("keeps a lone post's leading fraction, and strips only a thread's own numbers", () => {
    const lone = { platform: "x" as const, body: "1/3 of creators quit in year one.", parts: null };
    expect(draftOf(lone)).toEqual({ posts: ["1/3 of creators quit in year one."] });
    expect(editOf(draftOf(lone))).toEqual({ parts: ["1/3 of creators quit in year one."] });
    expect(draftOf({ ...lone, parts: ["1/3 of creators quit in year one."] })).toEqual({
      posts: ["1/3 of creators quit in year one."],
    });
    // In a thread of 2, "1/3 …" is not this post's number: it is its text.
    expect(draftOf({ ...thread, parts: ["1/3 of creators quit.", "2/2 Done."] })).toEqual({
      posts: ["1/3 of creators quit.", "Done."],
    });
  });

  it("finds the rules a draft breaks, post by post, as the API will check them", () => {
    const long = { posts: ["One take.", "x".repeat(290)] };
    const problems = draftProblems("x", long);
    expect(problemsFor(problems, 2).map((problem) => problem.code)).toContain("POST_TOO_LONG");
    expect(problemsFor(problems, 1)).toEqual([]);
    expect(draftProblems("x", { posts: ["One take.", "Done."] })).toEqual([]);
    expect(problemsFor(draftProblems("linkedin", { body: "  " }), undefined)[0]?.code).toBe(
      "EMPTY",
    );
  });

  it("puts each issue of a refused edit on the post it names, or on the whole variant", () => {
    const issues = [
      { path: "parts.2", message: "Post 2 repeats post 1." },
      { path: "parts.9", message: "Post 9 is empty." },
      { path: "body", message: "The thread reads as spam." },
    ];
    expect(refusedProblems(issues, 2).map((problem) => problem.part)).toEqual([
      2,
      undefined,
      undefined,
    ]);
    // A single body has no posts to put them on.
    expect(refusedProblems(issues, 0).every((problem) => problem.part === undefined)).toBe(true);
    expect(new Set(refusedProblems(issues, 2).map((problem) => problem.code)).size).toBe(3);
  });

  it("starts a run with the item's own platforms, in the usual order, or all of them", () => {
    expect(startingPlatforms(["newsletter", "x"])).toEqual(["x", "newsletter"]);
    expect(startingPlatforms([])).toEqual([...PLATFORM_IDS]);
  });

  it("puts an edited variant in place of the one it was", () => {
    const a = { id: "var_1", body: "old" };
    const b = { id: "var_2", body: "other" };
    expect(replaceVariant([a, b], { id: "var_1", body: "new" })).toEqual([
      { id: "var_1", body: "new" },
      b,
    ]);
  });
});
