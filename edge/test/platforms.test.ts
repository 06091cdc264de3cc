import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkVariant,
  countChars,
  countWords,
  extractHashtags,
  PLATFORM_IDS,
  PLATFORM_RULES,
  type PlatformId,
  platformLength,
  type RuleProblem,
  type VariantDraft,
} from "../../shared/platforms";
import { repairVariant } from "../../shared/repair";
import { splitThread } from "../../shared/thread";

const PROPERTY = { numRuns: 200, seed: 20240611 };

const thread = (parts: string[]): VariantDraft => ({
  platform: "x",
  body: parts.join("\n\n"),
  parts,
});
const codes = (problems: RuleProblem[]) => problems.map((problem) => problem.code);
/** A post's text without its "i/N " number; a lone post (no number) is all content. */
const contentOf = (post: string, _i = 0, posts: string[] = []) =>
  posts.length === 1 ? post : post.replace(/^\d+\/\d+ /, "");
/** X weighted characters: links 23, CJK and emoji 2 (the count X enforces). */
const xLength = (text: string) => platformLength("x", text);
/** Non-whitespace characters in order, without the "…" marks the splitter may add. */
const ink = (text: string) => text.replace(/\s+|…/g, "");
const words = (count: number, word = "word") => Array.from({ length: count }, () => word).join(" ");

describe("countChars", () => {
  it("counts what a reader sees as one character", () => {
    expect(countChars("hello")).toBe(5);
    expect(countChars("👍🏽")).toBe(1); // skin tone modifier
    expect(countChars("👩‍💻")).toBe(1); // ZWJ sequence
    expect(countChars("🇩🇪")).toBe(1); // flag: two regional indicators
    expect(countChars("e\u0301")).toBe(1); // combining accent
    expect(countChars("\u1100\u1161")).toBe(1); // decomposed Hangul syllable
    expect(countChars("日本語のテキスト")).toBe(8);
    expect(countChars("")).toBe(0);
  });
});

describe("countWords and extractHashtags", () => {
  it("counts spoken words, CJK included", () => {
    expect(countWords("don't  stop\nbelieving 🔥")).toBe(3);
    expect(countWords("   ")).toBe(0);
    expect(countWords("我们今天学习如何写代码")).toBeGreaterThan(3);
  });

  it("finds unicode hashtags and skips numbers, fragments and glued tags", () => {
    const text = "#one #Two_2 #123 a#b https://x.com/#frag #日本 #café (#tag) &#38;";
    expect(extractHashtags(text)).toEqual(["#one", "#Two_2", "#日本", "#café", "#tag"]);
  });
});

describe("splitThread", () => {
  it("returns no posts for empty or blank text", () => {
    expect(splitThread("")).toEqual([]);
    expect(splitThread("  \n\t ")).toEqual([]);
  });

  it("numbers every post i/N and counts the prefix in the limit", () => {
    const posts = splitThread(`${words(300)}.`);
    expect(posts.length).toBeGreaterThan(1);
    posts.forEach((post, i) => {
      expect(post.startsWith(`${i + 1}/${posts.length} `)).toBe(true);
      expect(countChars(post)).toBeLessThanOrEqual(280);
      expect(xLength(post)).toBeLessThanOrEqual(280);
    });
    expect(checkVariant(thread(posts))).toEqual([]);
  });

  // A single post carries no "1/1" number (numbering is for threads of 2+ posts), so one post
  // holds 280 of X's weighted characters of text; "…" weighs 2 on X.
  it("fills a post to exactly 280 characters, and not one more", () => {
    const exact = `${"a".repeat(270)} bcdefghij`; // 280 characters, no number
    expect(splitThread(exact)).toEqual([exact]);
    expect(xLength(exact)).toBe(280);
    const over = `${"a".repeat(270)} bcdefghijk`;
    const posts = splitThread(over);
    expect(posts).toEqual([`1/2 ${"a".repeat(270)}…`, "2/2 bcdefghijk"]);
    expect(posts.map(xLength)).toEqual([276, 14]);
  });

  it("breaks between sentences when the next sentence fits a post of its own", () => {
    const second = `${words(45, "later")}.`; // 270 characters: too long to share, fits alone
    const posts = splitThread(`A short opener. ${second}`);
    expect(posts).toEqual(["1/2 A short opener.", `2/2 ${second}`]);
  });

  it("starts a new post at a blank line", () => {
    expect(splitThread("Hook line\n\nBody line.")).toEqual(["1/2 Hook line…", "2/2 Body line."]);
    expect(splitThread("Hook line!\n\n\n  Body line.")).toEqual([
      "1/2 Hook line!",
      "2/2 Body line.",
    ]);
  });

  it("never cuts a word that fits in a post; mid-sentence breaks end with …", () => {
    const text = words(120, "repurposing");
    const posts = splitThread(text);
    for (const post of posts.slice(0, -1)) expect(post.endsWith("repurposing…")).toBe(true);
    expect(posts.flatMap((post) => contentOf(post).replace(/…$/, "").split(" "))).toEqual(
      text.split(" "),
    );
    expect(checkVariant(thread(posts))).toEqual([]);
  });

  // X counts every link as 23, so a giant URL is no longer "longer than a post": it stays
  // whole (this assertion counted graphemes before; it now counts as X does).
  it("hard-splits only a word longer than a post, such as a giant URL", () => {
    const url = `https://example.com/${"a1b2c3".repeat(100)}`;
    const posts = splitThread(`Read this: ${url} today.`);
    expect(posts.every((post) => xLength(post) <= 280)).toBe(true);
    expect(ink(posts.map(contentOf).join(""))).toBe(ink(`Read this: ${url} today.`));
    expect(checkVariant(thread(posts))).toEqual([]);
    expect(posts).toEqual([`Read this: ${url} today.`]);
    // A word that is not a link is still cut, between graphemes, when longer than a post.
    const giant = "a1b2c3".repeat(100);
    const cut = splitThread(`Read this: ${giant} today.`);
    expect(cut.length).toBeGreaterThan(2);
    expect(cut.every((post) => xLength(post) <= 280)).toBe(true);
    expect(ink(cut.map(contentOf).join(""))).toBe(ink(`Read this: ${giant} today.`));
    expect(checkVariant(thread(cut))).toEqual([]);
  });

  it("splits long emoji runs between graphemes, never inside one", () => {
    const emoji = "👍🏽".repeat(400);
    const posts = splitThread(emoji);
    expect(posts.map(contentOf).join("")).toBe(emoji);
    expect(posts.every((post) => countChars(post) <= 280)).toBe(true);
    expect(posts.every((post) => xLength(post) <= 280)).toBe(true);
  });

  it("widens the prefix when N reaches two digits", () => {
    const posts = splitThread(words(600, "thread"));
    expect(posts.length).toBeGreaterThanOrEqual(10);
    expect(posts[9]?.startsWith(`10/${posts.length} `)).toBe(true);
    expect(posts.every((post) => countChars(post) <= 280)).toBe(true);
    expect(posts.every((post) => xLength(post) <= 280)).toBe(true);
  });
});

describe("checkVariant", () => {
  const hook = "Stop scrolling: this changes everything!";
  const valid: Record<PlatformId, VariantDraft> = {
    x: thread(["1/2 First post.", "2/2 Second post."]),
    linkedin: { platform: "linkedin", body: "A post.\n\nWith paragraphs. #one #two" },
    instagram: { platform: "instagram", body: "A caption.\n\n#one #two" },
    tiktok: { platform: "tiktok", body: `${hook}\nThe script goes here.` },
    shorts: { platform: "shorts", body: `${hook}\nThe script goes here.` },
    newsletter: { platform: "newsletter", body: "Heading\n\nA paragraph." },
    youtube: { platform: "youtube", body: "Summary.\n\nIn this video:\n• A point" },
  };

  it("accepts a good draft for every platform", () => {
    for (const platform of PLATFORM_IDS)
      expect(checkVariant(valid[platform]), platform).toEqual([]);
  });

  it("flags empty drafts", () => {
    expect(codes(checkVariant({ platform: "linkedin", body: " \n " }))).toEqual(["EMPTY"]);
    expect(codes(checkVariant(thread([])))).toEqual(["EMPTY"]);
    expect(checkVariant(thread(["1/2 Text.", "2/2 "]))).toContainEqual(
      expect.objectContaining({ code: "EMPTY", part: 2 }),
    );
  });

  it("flags a body over the platform's limit", () => {
    expect(codes(checkVariant({ platform: "linkedin", body: "a ".repeat(1501) }))).toEqual([
      "TOO_LONG",
    ]);
    expect(codes(checkVariant({ platform: "newsletter", body: "é".repeat(2000) }))).toEqual([]);
  });

  it("flags a post over 280 characters, with its number", () => {
    const problems = checkVariant(thread(["1/2 Fine.", `2/2 ${"a ".repeat(140)}`]));
    expect(problems).toEqual([expect.objectContaining({ code: "POST_TOO_LONG", part: 2 })]);
  });

  it("flags more than 30 hashtags on Instagram", () => {
    const tags = Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(" ");
    expect(codes(checkVariant({ platform: "instagram", body: `Caption.\n\n${tags}` }))).toEqual([
      "TOO_MANY_HASHTAGS",
    ]);
  });

  it("flags a script over 150 words", () => {
    const body = `${hook}\n${words(150)}`;
    expect(codes(checkVariant({ platform: "tiktok", body }))).toEqual(["TOO_MANY_WORDS"]);
  });

  it("flags a script without a hook line", () => {
    for (const body of [
      "no punctuation on the first line\nrest.",
      `${"long ".repeat(25)}hook.\nrest.`,
      "...\nrest.",
    ]) {
      expect(codes(checkVariant({ platform: "shorts", body }))).toEqual(["MISSING_HOOK"]);
    }
  });

  it("flags posts without a correct i/N prefix", () => {
    expect(codes(checkVariant(thread(["Hello.", "World."])))).toEqual([
      "THREAD_NOT_NUMBERED",
      "THREAD_NOT_NUMBERED",
    ]);
    expect(checkVariant(thread(["1/3 Hello.", "2/3 World."]))).toHaveLength(2);
    expect(checkVariant(thread(["1/2 Hello.", "1/2 World."]))).toEqual([
      expect.objectContaining({ code: "THREAD_NOT_NUMBERED", part: 2 }),
    ]);
  });

  it("flags a post that ends inside a word", () => {
    expect(checkVariant(thread(["1/2 This is amaz", "2/2 ing stuff."]))).toEqual([
      expect.objectContaining({ code: "POST_CUT_MID_WORD", part: 1 }),
    ]);
    // After punctuation, an emoji or the "…" mark the boundary is fine.
    expect(checkVariant(thread(["1/2 This is…", "2/2 amazing."]))).toEqual([]);
    expect(checkVariant(thread(["1/2 Look 👀", "2/2 here."]))).toEqual([]);
  });

  it("flags more than 25 posts", () => {
    const posts = Array.from({ length: 26 }, (_, i) => `${i + 1}/26 Post.`);
    expect(codes(checkVariant(thread(posts)))).toEqual(["TOO_MANY_POSTS"]);
  });

  // A body without numbered posts is one post, and a single post carries no number (this
  // assertion expected THREAD_NOT_NUMBERED for "Just text." before numbering was only for 2+).
  it("reads thread posts from the body when parts are missing", () => {
    expect(checkVariant({ platform: "x", body: "1/2 One.\n\n2/2 Two." })).toEqual([]);
    expect(checkVariant({ platform: "x", body: "Just text." })).toEqual([]);
    expect(codes(checkVariant({ platform: "x", body: "1/1 Just text." }))).toEqual([
      "SINGLE_POST_NUMBERED",
    ]);
    expect(checkVariant({ platform: "x", body: "One.\n\n2/2 Two." })).toEqual([
      expect.objectContaining({ code: "THREAD_NOT_NUMBERED", part: 1 }),
    ]);
  });
});

describe("repairVariant", () => {
  const repaired = (draft: VariantDraft) => {
    const result = repairVariant(draft);
    expect(result).not.toBeNull();
    expect(checkVariant(result as VariantDraft)).toEqual([]);
    return result as VariantDraft;
  };

  it("returns a valid draft unchanged", () => {
    const draft: VariantDraft = { platform: "linkedin", body: "Fine as it is." };
    expect(repairVariant(draft)).toBe(draft);
  });

  it("cannot repair an empty draft", () => {
    expect(repairVariant({ platform: "tiktok", body: "  " })).toBeNull();
    expect(repairVariant(thread([]))).toBeNull();
  });

  it("cuts a long body at the last sentence that fits", () => {
    const sentence = "This sentence is exactly sixty characters long, more or less.";
    const result = repaired({ platform: "linkedin", body: Array(80).fill(sentence).join(" ") });
    expect(result.body.endsWith("less.")).toBe(true);
    expect(countChars(result.body)).toBeLessThanOrEqual(3000);
    expect(countChars(result.body)).toBeGreaterThan(2900);
  });

  it("cuts at a word boundary with … when there is no sentence end", () => {
    const result = repaired({ platform: "newsletter", body: words(500, "newsletter") });
    expect(result.body.endsWith("newsletter…")).toBe(true);
    expect(countChars(result.body)).toBeLessThanOrEqual(2000);
  });

  // YouTube counts a description in UTF-8 bytes (🎬 is 4, … is 3): this assertion expected
  // 4,999 🎬 when descriptions were counted in graphemes. Newsletters still count graphemes.
  it("cuts one giant word between graphemes", () => {
    const result = repaired({ platform: "youtube", body: "🎬".repeat(6000) });
    expect(result.body).toBe(`${"🎬".repeat(1249)}…`);
    expect(platformLength("youtube", result.body)).toBe(4999);
    const newsletter = repaired({ platform: "newsletter", body: "🎬".repeat(6000) });
    expect(newsletter.body).toBe(`${"🎬".repeat(1999)}…`);
  });

  // Instagram allows 5 hashtags since December 2025 (was 30): see PLATFORM_RULES.instagram.
  it("drops hashtags from the end", () => {
    const tags = Array.from({ length: 35 }, (_, i) => `#tag${i}`);
    const result = repaired({ platform: "instagram", body: `Caption.\n\n${tags.join(" ")}` });
    expect(extractHashtags(result.body)).toEqual(
      tags.slice(0, PLATFORM_RULES.instagram.maxHashtags),
    );
    expect(extractHashtags(result.body)).toEqual(tags.slice(0, 5));
  });

  it("shortens a script to 150 words and keeps its hook", () => {
    const body = `Here is the hook!\n${Array(40).fill("One two three four.").join(" ")}`;
    const result = repaired({ platform: "tiktok", body });
    expect(result.body.split("\n")[0]).toBe("Here is the hook!");
    expect(countWords(result.body)).toBeLessThanOrEqual(150);
    expect(result.body.endsWith("four.")).toBe(true);
  });

  it("adds a hook derived from the first sentence", () => {
    const first =
      "I spent three years editing videos the slow way before I found the workflow that finally stuck for good";
    const result = repaired({ platform: "shorts", body: `${first}. Then everything changed.` });
    const [hook = "", ...rest] = result.body.split("\n");
    expect(countChars(hook)).toBeLessThanOrEqual(100);
    expect(hook).toMatch(/^I spent three years .*[^ ]\.$/);
    expect(first.startsWith(hook.slice(0, -1))).toBe(true);
    expect(rest.join("\n")).toBe(`${first}. Then everything changed.`);
  });

  it("numbers an unnumbered thread", () => {
    expect(repaired(thread(["Hello.", "World."])).parts).toEqual(["1/2 Hello.", "2/2 World."]);
  });

  it("re-splits a post that is too long", () => {
    const result = repaired(thread([`1/1 ${words(60, "longer")}.`]));
    expect(result.parts?.length).toBe(2);
  });

  // One post is not numbered (this assertion expected "1/1 This is amaz ing stuff." before).
  it("re-joins a post cut inside a word without merging words", () => {
    const result = repaired(thread(["1/2 This is amaz", "2/2 ing stuff."]));
    expect(result.parts).toEqual(["This is amaz ing stuff."]);
  });

  it("packs too many short posts into at most 25", () => {
    const posts = Array.from({ length: 40 }, (_, i) => `${i + 1}/40 Point number ${i + 1}.`);
    const result = repaired(thread(posts));
    expect(result.parts?.length).toBeLessThanOrEqual(25);
    expect(ink(result.body)).toContain(ink("Point number 40."));
  });

  it("keeps the first 25 posts of a thread that cannot fit", () => {
    const result = repaired(thread([`1/1 ${words(2000, "endless")}`]));
    expect(result.parts).toHaveLength(25);
    expect(result.parts?.[24]?.startsWith("25/25 ")).toBe(true);
  });
});

// Text that stresses the splitter: words of every script, emoji, URLs, giant words, blank lines.
const wordArb = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 12 }) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.webUrl() },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 200, maxLength: 700 }) },
  { weight: 1, arbitrary: fc.constantFrom(".", "!", "?", "…", "👍🏽", "🇩🇪", "e\u0301") },
);
const separatorArb = fc.constantFrom(" ", " ", " ", "  ", "\n", "\n\n", "\t");
const textArb = fc
  .array(fc.tuple(wordArb, separatorArb), { maxLength: 120 })
  .map((pairs) => pairs.map(([word, separator]) => word + separator).join(""));

describe("properties", () => {
  it("splitThread keeps every character in order, within the limit, cutting no word that fits", () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 24, max: 280 }), (text, maxPostChars) => {
        const posts = splitThread(text, maxPostChars);
        expect(ink(posts.map(contentOf).join(" "))).toBe(ink(text));
        // Counted as X counts (links 23, CJK and emoji 2); a lone post has no "1/1" number.
        if (posts.length === 1) expect(posts[0]).not.toMatch(/^1\/1 /);
        posts.forEach((post, i) => {
          if (posts.length > 1) expect(post.startsWith(`${i + 1}/${posts.length} `)).toBe(true);
          expect(xLength(post)).toBeLessThanOrEqual(maxPostChars);
        });
        // Words short enough for any post come out whole. The splitter may have reserved one
        // digit more for N than it needed, and a post needs room for the "…" mark (2 on X).
        const room = maxPostChars - 2 * (String(posts.length).length + 1) - 4;
        const inputWords = text.split(/\s+/).filter(Boolean);
        const outputWords = posts.flatMap((post, i) => contentOf(post, i, posts).split(/\s+/));
        const fitting = inputWords.filter((word) => xLength(word) <= room && !word.includes("…"));
        const whole = new Set(outputWords.map((word) => word.replace(/…$/, "")));
        for (const word of fitting) expect(whole.has(word)).toBe(true);
        const xPosts = splitThread(text);
        if (xPosts.length > 0 && xPosts.length <= 25)
          expect(checkVariant(thread(xPosts))).toEqual([]);
      }),
      PROPERTY,
    );
  });

  it("splitThread output re-joined keeps all words of plain text in order", () => {
    const plainWord = fc
      .string({ unit: "grapheme", minLength: 1, maxLength: 15 })
      .filter((w) => !/\s|…/.test(w));
    fc.assert(
      fc.property(fc.array(plainWord, { maxLength: 300 }), (input) => {
        const posts = splitThread(input.join(" "));
        const output = posts.flatMap((post, i) =>
          contentOf(post, i, posts).replace(/…$/, "").split(" "),
        );
        expect(output).toEqual(input.join(" ").split(/\s+/).filter(Boolean));
      }),
      PROPERTY,
    );
  });

  it("repairVariant returns null or a draft that passes, for any draft", () => {
    const draftArb = fc.oneof(
      fc.record({ platform: fc.constantFrom(...PLATFORM_IDS), body: textArb }),
      fc.array(textArb, { maxLength: 30 }).map((parts) => thread(parts)),
      fc
        .array(textArb, { maxLength: 30 })
        .map((parts) => thread(parts.map((p, i) => `${i + 1}/${parts.length} ${p}`))),
    );
    fc.assert(
      fc.property(draftArb, (draft: VariantDraft) => {
        const result = repairVariant(draft);
        if (result) expect(checkVariant(result)).toEqual([]);
        // Numbering alone ("1/1 ") is not content.
        const texts = draft.parts?.map((part) => part.replace(/^\s*\d+\s*\/\s*\d+/, "")) ?? [
          draft.body,
        ];
        const hasWords = texts.some((text) => /[\p{L}\p{N}]/u.test(text));
        if (hasWords) expect(result).not.toBeNull();
      }),
      PROPERTY,
    );
  });

  it("every platform rule has a label and a positive limit", () => {
    for (const id of PLATFORM_IDS) {
      expect(PLATFORM_RULES[id].id).toBe(id);
      expect(PLATFORM_RULES[id].maxChars).toBeGreaterThan(0);
    }
  });
});
