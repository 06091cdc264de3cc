import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkVariant,
  countChars,
  countWords,
  extractHashtags,
  PLATFORM_IDS,
  type PlatformId,
  type VariantDraft,
} from "../../shared/platforms";
import { offlineRepurpose, type RepurposeOptions, type RepurposeSource } from "../ai/offline";

const PROPERTY = { numRuns: 200, seed: 424242 };
const ALL = [...PLATFORM_IDS];

const video: RepurposeSource = {
  title: "How I edit a YouTube video in 30 minutes",
  description: `Editing used to take me a whole day. Now it takes 30 minutes, and the videos are better.
- Start with a rough cut: delete every mistake before you touch anything else.
- Use J-cuts so the audio leads the picture; viewers feel the pace without noticing it.
- Batch your b-roll in one pass instead of hunting for clips shot by shot.
The biggest win was a template project with my color grade, titles and music bus set up.
Finally, export with a preset and never tweak the settings at the last minute.`,
  url: "https://www.youtube.com/watch?v=abc123def45",
  channel: "Edit Lab",
};

const byPlatform = (drafts: VariantDraft[]) =>
  Object.fromEntries(drafts.map((draft) => [draft.platform, draft])) as Record<
    PlatformId,
    VariantDraft
  >;
const firstLine = (draft: VariantDraft) => draft.body.split("\n")[0] ?? "";

describe("offlineRepurpose", () => {
  const drafts = byPlatform(offlineRepurpose(video, { platforms: ALL }));

  it("writes one passing draft per platform, in the order asked", () => {
    const order: PlatformId[] = ["youtube", "x", "tiktok", "x"];
    const result = offlineRepurpose(video, { platforms: order });
    expect(result.map((draft) => draft.platform)).toEqual(order);
    for (const draft of offlineRepurpose(video, { platforms: ALL })) {
      expect(checkVariant(draft), draft.platform).toEqual([]);
    }
    expect(offlineRepurpose(video, { platforms: [] })).toEqual([]);
  });

  it("makes an X thread: hook first, the source's points, the link last", () => {
    const parts = drafts.x.parts ?? [];
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts[0]).toMatch(/^1\/\d+ How I edit a YouTube video in 30 minutes\./);
    expect(parts.at(-1)).toContain(video.url);
    expect(drafts.x.body).toBe(parts.join("\n\n"));
    expect(drafts.x.body).toContain("Editing used to take me a whole day.");
  });

  it("shapes LinkedIn and Instagram posts with a few hashtags", () => {
    expect(drafts.linkedin.body).toMatch(/^How I edit a YouTube video in 30 minutes\.\n\n/);
    expect(drafts.linkedin.body).toContain("\n\n#EditYoutubeVideo");
    expect(extractHashtags(drafts.linkedin.body).length).toBeLessThanOrEqual(3);
    const instagramTags = extractHashtags(drafts.instagram.body);
    expect(instagramTags.length).toBeGreaterThan(0);
    expect(instagramTags.length).toBeLessThanOrEqual(5);
  });

  it("opens scripts with a hook line and keeps them under a minute", () => {
    for (const draft of [drafts.tiktok, drafts.shorts]) {
      expect(firstLine(draft)).toBe("How I edit a YouTube video in 30 minutes.");
      expect(countWords(draft.body)).toBeLessThanOrEqual(150);
      expect(draft.body.split("\n").length).toBeGreaterThan(3);
    }
  });

  it("gives the newsletter a heading, paragraphs and the link", () => {
    expect(firstLine(drafts.newsletter)).toBe(video.title);
    expect(drafts.newsletter.body).toContain(`Watch the full video: ${video.url}`);
    expect(extractHashtags(drafts.newsletter.body)).toEqual([]);
  });

  it("gives YouTube a summary, key points, the channel and the link", () => {
    expect(drafts.youtube.body).toContain("\n\nIn this video:\n• ");
    expect(drafts.youtube.body).toContain("Subscribe to Edit Lab for more.");
    expect(drafts.youtube.body).toContain(`Link: ${video.url}`);
  });

  it("shifts the hook's wording with the tone", () => {
    const hook = (tone: RepurposeOptions["tone"]) =>
      firstLine(offlineRepurpose(video, { platforms: ["linkedin"], tone })[0] as VariantDraft);
    expect(hook("bold")).toBe("Here's the truth: How I edit a YouTube video in 30 minutes!");
    expect(hook("playful")).toBe("✨ How I edit a YouTube video in 30 minutes!");
    expect(hook("professional")).toBe("How I edit a YouTube video in 30 minutes.");
    const question = { ...video, title: "Is editing in 30 minutes worth it?" };
    const boldQuestion = offlineRepurpose(question, { platforms: ["tiktok"], tone: "bold" })[0];
    expect(firstLine(boldQuestion as VariantDraft)).toBe(
      "Is editing in 30 minutes worth it? Here's the truth.",
    );
  });

  it("uses more of the source for longer lengths", () => {
    const size = (length: RepurposeOptions["length"]) =>
      countChars(offlineRepurpose(video, { platforms: ["linkedin"], length })[0]?.body ?? "");
    expect(size("short")).toBeLessThan(size("medium"));
    expect(size("medium")).toBeLessThan(size("long"));
  });

  it("mirrors the brand voice a little", () => {
    const voice = (samples: string[]) =>
      firstLine(
        offlineRepurpose(video, {
          platforms: ["instagram"],
          brandVoice: { description: "", samples },
        })[0] as VariantDraft,
      );
    expect(voice(["Shipping today 🔥", "New video 🔥🎬 go watch"])).toBe(
      "🔥 How I edit a YouTube video in 30 minutes.",
    );
    expect(voice(["This is huge!", "Go watch it now!"])).toBe(
      "How I edit a YouTube video in 30 minutes!",
    );
    expect(voice(["lowercase all the way", "no caps here"])).toBe(
      "how i edit a youtube video in 30 minutes.",
    );
  });

  it("works from a title alone", () => {
    const result = offlineRepurpose(
      { title: "Why I quit my job to make videos" },
      { platforms: ALL },
    );
    for (const draft of result) {
      expect(checkVariant(draft)).toEqual([]);
      expect(draft.body).toContain("quit my job");
    }
  });

  it("handles a huge source without punctuation", () => {
    const notes = Array.from({ length: 5000 }, (_, i) => `word${i % 97}`).join(" ");
    const result = offlineRepurpose(
      { title: "A long brain dump", notes },
      { platforms: ALL, length: "long" },
    );
    for (const draft of result) expect(checkVariant(draft)).toEqual([]);
  });

  it("is deterministic", () => {
    const options: RepurposeOptions = { platforms: ALL, tone: "playful", length: "long" };
    expect(offlineRepurpose(video, options)).toEqual(offlineRepurpose(video, options));
  });
});

// Sources that stress the repurposer: any script, emoji, links, giant words, no punctuation.
const wordArb = fc.oneof(
  { weight: 6, arbitrary: fc.lorem({ maxCount: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 10 }) },
  { weight: 1, arbitrary: fc.webUrl() },
  {
    weight: 1,
    arbitrary: fc.constantFrom("🔥", "👩‍💻", "🇩🇪", "#tag", "...", "!", "?", "—", "e\u0301"),
  },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 300, maxLength: 3000 }) },
);
const separatorArb = fc.constantFrom(" ", " ", " ", ". ", "! ", ", ", "\n", "\n\n", "\n- ");
const proseArb = (maxLength: number) =>
  fc
    .array(fc.tuple(wordArb, separatorArb), { maxLength })
    .map((pairs) => pairs.map(([word, separator]) => word + separator).join(""));
const optionalArb = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const sourceArb: fc.Arbitrary<RepurposeSource> = fc.record({
  title: fc.oneof(
    fc.lorem({ maxCount: 12 }),
    fc.string({ unit: "grapheme", maxLength: 300 }),
    fc.constantFrom("", "   ", "\n\t", "!!!", "🔥🔥🔥"),
    proseArb(8),
  ),
  notes: optionalArb(fc.oneof(proseArb(400), fc.constant(""), fc.constant(null))),
  description: optionalArb(fc.oneof(proseArb(60), fc.string({ unit: "grapheme", maxLength: 500 }))),
  selection: optionalArb(fc.string({ unit: "binary", maxLength: 300 })),
  url: optionalArb(
    fc.oneof(
      fc.webUrl(),
      fc.constant("not a url"),
      fc.constant(`https://x.io/${"a".repeat(2000)}`),
    ),
  ),
  channel: optionalArb(fc.string({ unit: "grapheme", maxLength: 120 })),
});

const optionsArb = fc.record({
  tone: optionalArb(
    fc.constantFrom("casual", "professional", "playful", "bold") as fc.Arbitrary<
      RepurposeOptions["tone"]
    >,
  ),
  length: optionalArb(
    fc.constantFrom("short", "medium", "long") as fc.Arbitrary<RepurposeOptions["length"]>,
  ),
  brandVoice: optionalArb(
    fc.record({
      description: fc.string(),
      samples: fc.array(
        fc.oneof(fc.lorem(), fc.string({ unit: "grapheme" }), fc.constant("so good!! 🔥")),
        {
          maxLength: 4,
        },
      ),
    }),
  ),
});

describe("offlineRepurpose properties", () => {
  it("returns one passing draft per platform, in order, for any source", () => {
    fc.assert(
      fc.property(
        sourceArb,
        optionsArb,
        fc.shuffledSubarray(ALL, { minLength: 1 }),
        (source, options, platforms) => {
          const drafts = offlineRepurpose(source, { ...options, platforms });
          expect(drafts.map((draft) => draft.platform)).toEqual(platforms);
          for (const draft of drafts) expect(checkVariant(draft), draft.platform).toEqual([]);
        },
      ),
      PROPERTY,
    );
  });

  it("passes every platform's rules for all seven platforms at once", () => {
    fc.assert(
      fc.property(sourceArb, optionsArb, (source, options) => {
        const drafts = offlineRepurpose(source, { ...options, platforms: ALL });
        expect(drafts.map((draft) => draft.platform)).toEqual(ALL);
        for (const draft of drafts) expect(checkVariant(draft), draft.platform).toEqual([]);
      }),
      PROPERTY,
    );
  });

  it("is deterministic: the same input gives the same drafts", () => {
    fc.assert(
      fc.property(sourceArb, optionsArb, (source, options) => {
        const first = offlineRepurpose(source, { ...options, platforms: ALL });
        const again = offlineRepurpose(structuredClone(source), { ...options, platforms: ALL });
        expect(again).toEqual(first);
      }),
      PROPERTY,
    );
  });
});
