/**
 * Offline repurposer speed (`npx tsx scripts/bench-offline.ts`).
 *
 * Workers' free plan gives a request 10 ms of CPU, and the offline provider is what answers when
 * no AI key is set, so `offlineRepurpose` (the pure function, all 7 platforms at once) must stay
 * well under that even for a 50,000-character body. Bodies of 1,000 / 10,000 / 50,000 characters
 * of generated prose (deterministic: the same text on every run) are repurposed after a warm-up,
 * cycling through every tone and length. Each run is timed in CPU time (`process.cpuUsage`, what
 * the Workers limit counts, so other work on a busy machine does not inflate it) and in wall
 * time; the table shows medians and the slowest run in milliseconds. Exits 1 when the
 * 50,000-character CPU median exceeds 10 ms.
 */
import { offlineRepurpose } from "../edge/ai/offline";
import type { RepurposeSource } from "../edge/ai/provider";
import { PLATFORM_IDS } from "../shared/platforms";

const SIZES = [1_000, 10_000, 50_000] as const;
const BUDGET_MS = 10;
const WARM_UP_RUNS = 24;
const MEASURED_RUNS = 41;

const VOCABULARY = `camera edit script audience channel video thumbnail hook story retention
  growth sponsor brand deal newsletter podcast upload schedule workflow template color grade audio
  microphone lighting studio editor timeline b-roll cut pacing subscriber comment analytics trend
  niche format series episode launch budget gear lens tripod caption transcript outline draft
  research interview guest topic idea feedback community membership course product`
  .split(/\s+/)
  .filter(Boolean);
const GLUE = `the a my your our this that every each and but so because when while then with
  for from into about before after`
  .split(/\s+/)
  .filter(Boolean);

/** A small deterministic generator (mulberry32), so every run benchmarks the same text. */
function randomFrom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Prose of exactly `chars` UTF-16 units: sentences of 6–28 words, paragraphs and some bullets. */
function bodyOf(chars: number, seed: number): string {
  const random = randomFrom(seed);
  const pick = (list: string[]) => list[Math.floor(random() * list.length)] as string;
  let text = "";
  while (text.length < chars) {
    const words = 6 + Math.floor(random() * 23);
    const sentence = Array.from({ length: words }, (_, i) =>
      i % 3 === 1 ? pick(GLUE) : pick(VOCABULARY),
    ).join(" ");
    const roll = random();
    const separator = roll < 0.1 ? "\n\n" : roll < 0.15 ? "\n- " : " ";
    text += `${sentence[0]?.toUpperCase()}${sentence.slice(1)}${random() < 0.1 ? "?" : "."}${separator}`;
  }
  return text.slice(0, chars);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const platforms = [...PLATFORM_IDS];
const sources = SIZES.map(
  (size): RepurposeSource => ({
    title: "How I plan, film and edit a video every week",
    body: bodyOf(size, size),
    url: "https://www.youtube.com/watch?v=abc123def45",
    channel: "Edit Lab",
    tags: ["video editing", "workflow"],
  }),
);
const optionsFor = (run: number) => ({
  platforms,
  tone: (["casual", "professional", "playful", "bold"] as const)[run % 4],
  length: (["short", "medium", "long"] as const)[run % 3],
});

// Warm-up on every size first, so the first size measured is not the one the JIT learns on.
for (let run = 0; run < WARM_UP_RUNS; run++) {
  for (const source of sources) offlineRepurpose(source, optionsFor(run));
}

const rows: {
  body: string;
  "median CPU ms": string;
  "max CPU ms": string;
  "median wall ms": string;
}[] = [];
let overBudget = false;
SIZES.forEach((size, index) => {
  const source = sources[index] as RepurposeSource;
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let run = 0; run < MEASURED_RUNS; run++) {
    const options = optionsFor(run);
    const started = performance.now();
    const startedCpu = process.cpuUsage();
    offlineRepurpose(source, options);
    const used = process.cpuUsage(startedCpu);
    wall.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
  }
  const middle = median(cpu);
  if (size === 50_000 && middle > BUDGET_MS) overBudget = true;
  rows.push({
    body: `${size.toLocaleString("en")} chars`,
    "median CPU ms": middle.toFixed(2),
    "max CPU ms": Math.max(...cpu).toFixed(2),
    "median wall ms": median(wall).toFixed(2),
  });
});

console.log(`offlineRepurpose into all ${platforms.length} platforms (${MEASURED_RUNS} runs each)`);
console.table(rows);
console.log(
  overBudget
    ? `OVER BUDGET: the 50,000-character CPU median exceeds ${BUDGET_MS} ms`
    : `within budget (50,000-character CPU median ≤ ${BUDGET_MS} ms)`,
);
process.exit(overBudget ? 1 : 0);
