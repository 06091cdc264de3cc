/**
 * Platform limits counted in each platform's own unit: X weighted characters (twitter-text),
 * YouTube description bytes, characters elsewhere. These run in workerd, where checkVariant runs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkVariant,
  countChars,
  graphemes,
  PLATFORM_IDS,
  PLATFORM_RULES,
  platformLength,
  type RuleProblem,
  type VariantDraft,
  xLinkRanges,
} from "../../shared/platforms";
import { repairVariant } from "../../shared/repair";
import { splitThread } from "../../shared/thread";

const PROPERTY = { numRuns: 150, seed: 20261112 };

const x = (text: string) => platformLength("x", text);
const thread = (parts: string[]): VariantDraft => ({
  platform: "x",
  body: parts.join("\n\n"),
  parts,
});
const codes = (problems: RuleProblem[]) => problems.map((problem) => problem.code);
/** The posts' texts without their "i/N " numbers (a lone post has none). */
const contents = (posts: string[]) =>
  posts.length > 1 ? posts.map((post) => post.replace(/^\d+\/\d+ /, "")) : posts;
/** Non-whitespace characters in order, without the "…" marks the splitter may add. */
const ink = (text: string) => text.replace(/\s+|…/g, "");

/** The note: a Japanese voice-over of about 400 characters, sentences ending in 。 */
const JAPANESE_SENTENCES = [
  "動画編集を十分で終わらせる方法について話します。",
  "まず無音部分をカットします。",
  "次にテロップを自動で入れます。",
  "最後にBGMの音量を整えて書き出します！",
  "これだけで作業時間が半分になります。",
];
const japaneseNote = (chars: number) => {
  let note = "";
  for (let i = 0; note.length < chars; i++) {
    note += JAPANESE_SENTENCES[i % JAPANESE_SENTENCES.length];
  }
  return note;
};

describe("platformLength", () => {
  it("runs X's official counter (twitter-text) inside workerd", () => {
    expect(navigator.userAgent).toBe("Cloudflare-Workers");
    expect(x("hello")).toBe(5);
    expect(x("の".repeat(141))).toBe(282);
  });

  // Rows of twitter-text's own conformance suite: conformance/validate.yml,
  // WeightedTweetsWithDiscountedEmojiCounterTest (the default, version 3 configuration),
  // https://github.com/twitter/twitter-text/blob/master/conformance/validate.yml
  const CJK_160 =
    "故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。朱雀桥边野草花，乌衣巷口夕阳斜。旧时王谢堂前燕，飞入寻常百姓家。朝辞白帝彩云间，千里江陵一日还。两岸猿声啼不住，轻舟已过万重山。泪湿罗巾梦不成，夜深前殿按歌声。红颜未老恩先断，斜倚薰笼坐到明。独在异乡为异客，每逢佳节倍思亲。遥知兄弟登高处，遍插茱萸少一人。";
  const conformance: Array<[description: string, text: string, weightedLength: number]> = [
    ["Regular Tweet with url", "Hi http://test.co", 26],
    ["10 url string, no overflow", "https://www.twitter.com/aloha ".repeat(10), 240],
    ["160 CJK char, overflow at char index 140", CJK_160, 320],
    ["3 latin char + 160 CJK char, overflow at char index 141", `the${CJK_160}`, 323],
    [
      "Count a mix of single byte single word, and double word unicode characters",
      "H🐱☺👨‍👩‍👧‍👦",
      7,
    ],
    [
      "Count unicode emoji chars outside the basic multilingual plane with skin tone modifiers",
      "🙋🏽👨‍🎤",
      4,
    ],
    ["140 family emoji", "👨‍👩‍👧‍👦".repeat(140), 280],
    [
      "282 chars with a normalized character within valid range but outside 280",
      `282 chars-${"xxxxxxxxxx-".repeat(24)}xxxxxA\u0301x`,
      281,
    ],
    ["Emoji with a leading character in the latin range is counted as 2", "1\u20e3", 2],
  ];
  for (const [description, text, weightedLength] of conformance) {
    it(`matches twitter-text's conformance row "${description}"`, () => {
      expect(x(text)).toBe(weightedLength);
    });
  }

  it("counts YouTube descriptions in UTF-8 bytes and the other platforms in characters", () => {
    expect(platformLength("youtube", "abc")).toBe(3);
    expect(platformLength("youtube", "é")).toBe(2);
    expect(platformLength("youtube", "日本")).toBe(6);
    expect(platformLength("youtube", "👍🏽")).toBe(8);
    expect(x("👍🏽")).toBe(2);
    for (const platform of ["linkedin", "instagram", "tiktok", "shorts", "newsletter"] as const) {
      expect(platformLength(platform, "👍🏽日本e\u0301"), platform).toBe(4);
      expect(PLATFORM_RULES[platform].unit).toBe("characters");
    }
    expect(PLATFORM_RULES.x.unit).toBe("weighted characters");
    expect(PLATFORM_RULES.youtube.unit).toBe("bytes");
  });

  it("every platform rule names its unit", () => {
    for (const id of PLATFORM_IDS) expect(PLATFORM_RULES[id].unit.length).toBeGreaterThan(0);
  });
});

describe("X posts are checked in X weighted characters", () => {
  it("refuses 141 「の」 (X counts 282) with a message that names X's unit", () => {
    const problems = checkVariant({ platform: "x", body: "の".repeat(141) });
    expect(problems).toEqual([
      {
        code: "POST_TOO_LONG",
        message: "Post 1 has 282 weighted characters; at most 280.",
        part: 1,
      },
    ]);
    expect(checkVariant(thread(["の".repeat(141)]))).toEqual(problems);
    expect(checkVariant({ platform: "x", body: "の".repeat(140) })).toEqual([]);
  });

  it("accepts 250 letters, a space and a 90-character link: X counts 274, not 341", () => {
    const link = `https://example.com/${"x".repeat(70)}`;
    const post = `${"a".repeat(250)} ${link}`;
    expect(link).toHaveLength(90);
    expect(countChars(post)).toBe(341);
    expect(x(post)).toBe(274);
    expect(checkVariant({ platform: "x", body: post })).toEqual([]);
    expect(splitThread(post)).toEqual([post]);
  });

  it("refuses a thread post that is short in characters but long in X's count", () => {
    const note = japaneseNote(200); // ~200 characters, ~400 weighted
    const problems = checkVariant(thread([`1/2 ${note}`, "2/2 以上です。"]));
    expect(codes(problems)).toEqual(["POST_TOO_LONG"]);
    expect(problems[0]?.message).toMatch(/^Post 1 has \d+ weighted characters; at most 280\.$/);
  });

  it("numbers threads of two or more posts only, never a single post", () => {
    expect(checkVariant(thread(["One post."]))).toEqual([]);
    expect(codes(checkVariant(thread(["1/1 One post."])))).toEqual(["SINGLE_POST_NUMBERED"]);
    expect(codes(checkVariant({ platform: "x", body: "1/1 One post." }))).toEqual([
      "SINGLE_POST_NUMBERED",
    ]);
    // "1/2 cup" in a single post is content, not a number.
    expect(checkVariant({ platform: "x", body: "1/2 cup of rice." })).toEqual([]);
    expect(codes(checkVariant(thread(["One.", "Two."])))).toEqual([
      "THREAD_NOT_NUMBERED",
      "THREAD_NOT_NUMBERED",
    ]);
  });
});

describe("splitThread in X weighted characters", () => {
  it("splits the issue's 400-character Japanese note into posts of at most 280, at 。", () => {
    const note = japaneseNote(400);
    expect(note.length).toBeGreaterThanOrEqual(400);
    const posts = splitThread(note);
    expect(posts.length).toBeGreaterThan(2);
    posts.forEach((post, i) => {
      expect(post.startsWith(`${i + 1}/${posts.length} `)).toBe(true);
      expect(x(post), post).toBeLessThanOrEqual(280);
    });
    // Short sentences: every break falls at a sentence end, so no "…" is needed.
    for (const content of contents(posts)) expect(content).toMatch(/[。！]$/);
    expect(contents(posts).join("")).toBe(note);
    expect(checkVariant(thread(posts))).toEqual([]);
  });

  it("splits CJK text without sentence ends between characters, marking the cut with …", () => {
    const text = "動画編集".repeat(150); // 600 characters, 1,200 weighted, no 。
    const posts = splitThread(text);
    for (const post of posts) expect(x(post)).toBeLessThanOrEqual(280);
    for (const content of contents(posts).slice(0, -1)) expect(content.endsWith("…")).toBe(true);
    expect(ink(contents(posts).join(""))).toBe(text);
    expect(checkVariant(thread(posts))).toEqual([]);
  });

  it("keeps text that fits one post as that post, without a 1/1 number", () => {
    expect(splitThread("Just one post.")).toEqual(["Just one post."]);
    expect(splitThread("の".repeat(140))).toEqual(["の".repeat(140)]);
    expect(splitThread("👨‍👩‍👧‍👦".repeat(140))).toEqual(["👨‍👩‍👧‍👦".repeat(140)]);
    const posts = splitThread("の".repeat(141));
    expect(posts).toHaveLength(2);
    expect(posts.map(x)).toEqual([280, 12]);
  });

  it("never splits an emoji: ZWJ sequences, flags, skin tones and keycaps stay whole", () => {
    const emoji = ["👨‍👩‍👧‍👦", "🇯🇵", "👍🏽", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "1️⃣", "👩🏾‍💻"];
    const run = Array.from({ length: 500 }, (_, i) => emoji[(i * 7) % emoji.length]).join("");
    const posts = splitThread(run);
    expect(posts.length).toBeGreaterThan(1);
    for (const post of posts) expect(x(post)).toBeLessThanOrEqual(280);
    const whole = new RegExp(`^(?:${emoji.join("|")})+$`, "u");
    for (const content of contents(posts)) expect(content).toMatch(whole);
    expect(contents(posts).join("")).toBe(run);
  });

  it("never splits a link, in spaced text or glued into CJK text", () => {
    const link = `https://example.com/videos/editing?from=${"a".repeat(120)}`;
    const spaced = Array.from({ length: 12 }, (_, i) => `Step ${i + 1}: read ${link} today.`);
    const glued = `${japaneseNote(150)}詳しくは${link} を見てください。${japaneseNote(150)}`;
    for (const text of [spaced.join(" "), glued]) {
      const posts = splitThread(text);
      expect(posts.length).toBeGreaterThan(1);
      for (const post of posts) expect(x(post)).toBeLessThanOrEqual(280);
      const links = contents(posts).flatMap((content) =>
        xLinkRanges(content).map(([start, end]) => content.slice(start, end)),
      );
      expect(links).toEqual(xLinkRanges(text).map(() => link));
      expect(ink(contents(posts).join(""))).toBe(ink(text));
      expect(checkVariant(thread(posts))).toEqual([]);
    }
  });
});

describe("repairVariant in X weighted characters", () => {
  it("re-splits a one-post X variant holding the Japanese note into a valid thread", () => {
    const note = japaneseNote(400);
    const repaired = repairVariant({ platform: "x", body: note, parts: [note] });
    expect(repaired).not.toBeNull();
    const parts = repaired?.parts ?? [];
    expect(parts.length).toBeGreaterThan(2);
    for (const post of parts) expect(x(post)).toBeLessThanOrEqual(280);
    expect(contents(parts).join("")).toBe(note);
    expect(checkVariant(repaired as VariantDraft)).toEqual([]);
  });

  it("re-joins CJK posts cut mid-sentence without adding spaces", () => {
    const repaired = repairVariant(thread(["1/2 動画編集を十分で終わら…", "2/2 せる方法。"]));
    // Valid already: the cut is marked. A numbered lone post is repaired by dropping the number.
    expect(repaired?.parts).toEqual(["1/2 動画編集を十分で終わら…", "2/2 せる方法。"]);
    expect(repairVariant(thread(["1/2 動画編集を十分で終わら", "2/2 せる方法。"]))?.parts).toEqual([
      "動画編集を十分で終わらせる方法。",
    ]);
    expect(repairVariant(thread(["1/1 One post."]))?.parts).toEqual(["One post."]);
  });
});

describe("the other platforms' units and rules", () => {
  it("YouTube: a description of at most 5,000 bytes, without < or >", () => {
    expect(checkVariant({ platform: "youtube", body: "日本語".repeat(555) })).toEqual([]); // 4,995 bytes
    const long = checkVariant({ platform: "youtube", body: "日本語".repeat(556) }); // 5,004 bytes
    expect(long).toEqual([
      {
        code: "TOO_LONG",
        message: "The YouTube description has 5004 bytes; at most 5000.",
      },
    ]);
    expect(codes(checkVariant({ platform: "youtube", body: "Use <b> tags -> no." }))).toEqual([
      "FORBIDDEN_CHARACTERS",
    ]);
    const repaired = repairVariant({ platform: "youtube", body: "Use <b> tags -> no." });
    expect(repaired?.body).toBe("Use ‹b› tags -› no.");
    const cut = repairVariant({ platform: "youtube", body: "日本語です。".repeat(400) });
    expect(cut?.body.endsWith("。")).toBe(true);
    expect(platformLength("youtube", cut?.body ?? "")).toBeLessThanOrEqual(5000);
    expect(PLATFORM_RULES.youtube.maxTitleChars).toBe(100);
  });

  it("Instagram: at most 5 hashtags and 2,200 characters", () => {
    const tags = (count: number) => Array.from({ length: count }, (_, i) => `#tag${i}`).join(" ");
    expect(checkVariant({ platform: "instagram", body: `Caption.\n\n${tags(5)}` })).toEqual([]);
    expect(codes(checkVariant({ platform: "instagram", body: `Caption.\n\n${tags(6)}` }))).toEqual([
      "TOO_MANY_HASHTAGS",
    ]);
    expect(PLATFORM_RULES.instagram.maxChars).toBe(2200);
  });

  it("cuts CJK text at its sentence ends (no spaces) when it is too long", () => {
    const body = japaneseNote(3200);
    const repaired = repairVariant({ platform: "linkedin", body });
    expect(repaired?.body.endsWith("。") || repaired?.body.endsWith("！")).toBe(true);
    expect(countChars(repaired?.body ?? "")).toBeLessThanOrEqual(3000);
    expect(countChars(repaired?.body ?? "")).toBeGreaterThan(2900);
    expect(body.startsWith(repaired?.body ?? "-")).toBe(true);
  });

  it("TikTok and Shorts hooks may end in the CJK 。！？", () => {
    const script = `動画編集を十分で終わらせる方法！\n${japaneseNote(120)}`;
    expect(checkVariant({ platform: "tiktok", body: script })).toEqual([]);
    const repaired = repairVariant({ platform: "shorts", body: japaneseNote(120) });
    expect(repaired?.body.split("\n")[0]).toBe("動画編集を十分で終わらせる方法について話します。");
    expect(checkVariant(repaired as VariantDraft)).toEqual([]);
  });

  it("limits as published: LinkedIn 3,000, TikTok/Shorts scripts 150 words, X 280 a post", () => {
    expect(PLATFORM_RULES.linkedin.maxChars).toBe(3000);
    expect(PLATFORM_RULES.tiktok.maxWords).toBe(150);
    expect(PLATFORM_RULES.shorts.maxWords).toBe(150);
    expect(PLATFORM_RULES.x.maxPostChars).toBe(280);
  });
});

// Text mixing CJK sentences, emoji sequences, links and Latin words, with and without spaces.
const cjkRun = fc
  .array(
    fc.constantFrom(..."動画編集を十分で終わらせる方法について話します無音部分カットテロップ"),
    {
      minLength: 1,
      maxLength: 80,
    },
  )
  .map((chars) => chars.join(""));
const pieceArb = fc.oneof(
  { weight: 4, arbitrary: cjkRun },
  { weight: 2, arbitrary: fc.constantFrom("。", "！", "？", "」", "、") },
  { weight: 2, arbitrary: fc.constantFrom("👨‍👩‍👧‍👦", "🇯🇵", "👍🏽", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "1️⃣", "é") },
  { weight: 1, arbitrary: fc.constantFrom("https://example.com/a/b?c=d", "https://t.co/xyz") },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 10 }) },
);
const mixedText = fc
  .array(fc.tuple(pieceArb, fc.constantFrom("", "", " ", " ", "\n", "\n\n")), { maxLength: 60 })
  .map((pairs) => pairs.map(([piece, gap]) => piece + gap).join(""));

describe("properties of the X splitter", () => {
  it("posts fit X's count, numbering only threads, never cutting a grapheme or a link", () => {
    fc.assert(
      fc.property(mixedText, (text) => {
        const posts = splitThread(text);
        if (posts.length === 1) expect(posts[0]).not.toMatch(/^1\/1 /);
        posts.forEach((post, i) => {
          if (posts.length > 1) expect(post.startsWith(`${i + 1}/${posts.length} `)).toBe(true);
        });
        for (const post of posts) expect(x(post)).toBeLessThanOrEqual(280);
        // Every grapheme of the text comes out whole, in order, in exactly one post.
        const out = contents(posts).flatMap((content) => graphemes(ink(content)));
        expect(out).toEqual(graphemes(ink(text)));
        // Every link of the text comes out whole.
        const joined = contents(posts);
        for (const [start, end] of xLinkRanges(text)) {
          const link = text.slice(start, end);
          expect(
            joined.some((content) => content.includes(link)),
            link,
          ).toBe(true);
        }
        if (posts.length > 0 && posts.length <= 25) expect(checkVariant(thread(posts))).toEqual([]);
      }),
      PROPERTY,
    );
  });
});
