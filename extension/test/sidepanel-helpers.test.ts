import { describe, expect, it } from "vitest";
import { CONTENT_STATUSES, canTransition } from "../../shared/content";
import { PLATFORM_RULES } from "../../shared/platforms";
import { ExtensionError } from "../lib/errors";
import { explainError, isSessionLost } from "../sidepanel/errors";
import {
  charCountView,
  creditsText,
  fromLocalInput,
  handleFromEmail,
  STATUS_FILTERS,
  toLocalInput,
  untilText,
} from "../sidepanel/format";
import { statusChoices } from "../sidepanel/status-choices";
import {
  copyText,
  latestByPlatform,
  mergeVariants,
  postCount,
  variantLabel,
  variantPosts,
  wordCount,
} from "../sidepanel/variant-view";

describe("side panel formatting", () => {
  it("shows characters against the limit and flags going over", () => {
    expect(charCountView(212, 280)).toEqual({
      count: 212,
      limit: 280,
      over: false,
      text: "212 / 280",
    });
    expect(charCountView(281, 280).over).toBe(true);
    expect(charCountView(280, 280).over).toBe(false);
  });

  it("counts an X post by graphemes against 280, other platforms against the body limit", () => {
    expect(postCount("x", "👍🏽 hi").text).toBe("4 / 280");
    expect(postCount("linkedin", "hello").text).toBe(`5 / ${PLATFORM_RULES.linkedin.maxChars}`);
    expect(wordCount("tiktok", "Don't stop now.")?.text).toBe("3 / 150");
    expect(wordCount("linkedin", "words")).toBeNull();
  });

  it("says how many credits are left", () => {
    expect(creditsText({ creditsLeft: 38, creditsLimit: 50 })).toBe("38 of 50 AI credits left");
  });

  it("round-trips a datetime-local value through ISO time", () => {
    const iso = fromLocalInput("2026-12-01T09:30");
    expect(iso).not.toBeNull();
    expect(toLocalInput(iso)).toBe("2026-12-01T09:30");
    expect(fromLocalInput("")).toBeNull();
    expect(toLocalInput(null)).toBe("");
  });

  it("describes a retry time", () => {
    expect(untilText(1_000, 5_000)).toBe("now");
    expect(untilText(45_000, 5_000)).toBe("in 40 s");
    expect(untilText(5_000 + 120_000, 5_000)).toBe("in 2 min");
  });

  it("derives a handle from an email", () => {
    expect(handleFromEmail("maya@example.com")).toBe("@maya");
  });

  it("filters by every status, with the API's default (not archived) first", () => {
    expect(STATUS_FILTERS.map((filter) => filter.value)).toEqual(["", ...CONTENT_STATUSES]);
  });
});

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

describe("error messages", () => {
  it("explains quota, rate limit, offline and credentials", () => {
    const quota = new ExtensionError("QUOTA_EXCEEDED", "Monthly AI credits used", 402, {
      details: { resetsAt: "2026-12-01T00:00:00.000Z" },
    });
    expect(explainError(quota)).toMatch(/^You've used this month's AI credits\. They reset on /);
    const limited = new ExtensionError("RATE_LIMITED", "Slow down", 429, { retryAfterSeconds: 12 });
    expect(explainError(limited)).toContain("Wait 12 seconds");
    expect(explainError(new ExtensionError("OFFLINE", "x"))).toBe(
      "You're offline — captures are queued.",
    );
    expect(explainError(new ExtensionError("OFFLINE", "x"), "signIn")).toContain("offline");
    expect(explainError(new ExtensionError("INVALID_CREDENTIALS", "x", 401))).toContain(
      "don't match",
    );
    expect(explainError(new Error("boom"))).toBe("Something went wrong. Try again.");
  });

  it("knows which codes end the session", () => {
    for (const code of ["SIGNED_OUT", "UNAUTHORIZED", "SESSION_EXPIRED"]) {
      expect(isSessionLost(new ExtensionError(code, "gone", 401))).toBe(true);
    }
    expect(isSessionLost(new ExtensionError("FORBIDDEN", "no", 403))).toBe(false);
  });
});

describe("variants", () => {
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
