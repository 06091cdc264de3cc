import { PLATFORM_RULES, type PlatformId } from "../../shared/platforms";
import type { RepurposeOptions, RepurposeSource } from "./provider";

function ruleLine(platform: PlatformId): string {
  const rule = PLATFORM_RULES[platform];
  const limits = [
    rule.thread
      ? `one post, or a thread of 2 to ${rule.maxPosts} posts in "parts", each post of a thread starting "i/N " (a single post has no number); each post at most ${rule.maxPostChars} ${rule.unit} including the number (X counts every link as 23, CJK characters and most emoji as 2), never cutting a word or a link`
      : `at most ${rule.maxChars} ${rule.unit}`,
    rule.forbidden ? `never use ${rule.forbidden.label}` : undefined,
    rule.maxHashtags !== undefined ? `at most ${rule.maxHashtags} hashtags` : undefined,
    rule.maxWords !== undefined ? `at most ${rule.maxWords} spoken words` : undefined,
    rule.needsHook ? "the first line is a short hook on its own line" : undefined,
  ].filter(Boolean);
  return `- ${platform} (${rule.label}): ${limits.join("; ")}`;
}

/** The chat messages for a repurposing request; the brand voice is part of every prompt. */
export function repurposeMessages(source: RepurposeSource, options: RepurposeOptions) {
  const voice = options.brandVoice;
  const system = [
    "You repurpose a creator's content into ready-to-post variants, one per requested platform.",
    "Write in the creator's voice. Keep facts from the source; invent no statistics, quotes or links.",
    voice?.description ? `Brand voice: ${voice.description}` : undefined,
    voice?.samples.length
      ? `Sample posts in this voice:\n${voice.samples.map((sample) => `"""${sample}"""`).join("\n")}`
      : undefined,
    options.tone ? `Tone: ${options.tone}.` : undefined,
    options.length ? `Length: ${options.length}.` : undefined,
    "Platform rules (hard limits):",
    ...options.platforms.map(ruleLine),
    'Answer JSON: {"variants":[{"platform":"…","body":"…","parts":["…"] or null}]} with the platforms in the order given. For threads, body is the parts joined by blank lines.',
  ]
    .filter(Boolean)
    .join("\n");

  const user = [
    `Title: ${source.title}`,
    source.channel ? `Channel: ${source.channel}` : undefined,
    source.url ? `Link: ${source.url}` : undefined,
    source.description ? `Description:\n${source.description}` : undefined,
    source.body ? `The piece:\n${source.body}` : undefined,
    source.selection ? `Selected text:\n${source.selection}` : undefined,
    source.tags?.length ? `Tags (prefer these as hashtags): ${source.tags.join(", ")}` : undefined,
    `Platforms: ${options.platforms.join(", ")}`,
  ]
    .filter(Boolean)
    .join("\n\n");

  return [
    { role: "system" as const, content: system },
    { role: "user" as const, content: user },
  ];
}
