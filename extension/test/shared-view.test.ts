import { describe, expect, it } from "vitest";
import { CONTENT_STATUSES } from "../../shared/content";
import { ERROR_CODES } from "../../shared/envelope";
import {
  CLIENT_ERROR_CODES,
  ERROR_WORDS,
  errorWords,
  isSessionLostCode,
} from "../../shared/view/error-words";
import {
  charCountView,
  creditsCount,
  creditsText,
  formatDateTime,
  formatDay,
  fromLocalInput,
  handleFromEmail,
  timesText,
  toLocalInput,
  untilText,
} from "../../shared/view/format";
import { pageErrorWords } from "../../shared/view/page-words";
import { STATUS_FILTERS } from "../../shared/view/status";
import { ExtensionError } from "../lib/errors";
import { explain, isSessionLost } from "../lib/explain";

/**
 * shared/view: what the clients (side panel, in-page buttons, dashboard) show — formatting and
 * the one table of error words. Pure functions, tested here where they are first used.
 */
describe("formatting", () => {
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

describe("dates", () => {
  // Midday UTC, so every time zone sees the same calendar day.
  const now = new Date("2026-11-30T12:00:00Z");

  it("shows the year only for dates outside the current year", () => {
    expect(formatDay("2026-03-04T12:00:00Z", now)).not.toMatch(/2026/);
    expect(formatDay("2026-03-04T12:00:00Z", now)).toMatch(/4/);
    expect(formatDay("2025-03-04T12:00:00Z", now)).toMatch(/2025/);
    expect(formatDay("2027-01-02T12:00:00Z", now)).toMatch(/2027/);
    expect(formatDateTime("2026-12-01T12:00:00Z", now)).not.toMatch(/2026/);
    expect(formatDateTime("2024-12-01T12:00:00Z", now)).toMatch(/2024/);
  });

  it("says nothing for a missing or invalid time rather than 'Invalid Date'", () => {
    expect(formatDay("", now)).toBe("");
    expect(formatDay("not a date", now)).toBe("");
    expect(formatDateTime("not a date", now)).toBe("");
  });

  it("gives a retry more than an hour away its clock time, and another day's its date", () => {
    const at = new Date("2026-11-30T15:00:00Z").getTime();
    expect(untilText(at, at - 2 * 3_600_000)).toMatch(/^at /);
    const nextYear = new Date("2027-01-05T12:00:00Z").getTime();
    expect(untilText(nextYear, now.getTime())).toMatch(/^on .*2027/);
  });

  it("counts credits and attempts in words", () => {
    expect(creditsCount(1)).toBe("1 credit");
    expect(creditsCount(7)).toBe("7 credits");
    expect(timesText(1)).toBe("1 time");
    expect(timesText(3)).toBe("3 times");
  });
});

describe("error words", () => {
  // ErrorCode is ERROR_CODES' element type: a code added there without words fails here.
  it("has words for every error code the API answers, and every code a client adds", () => {
    for (const code of [...ERROR_CODES, ...CLIENT_ERROR_CODES]) {
      expect(ERROR_WORDS, code).toHaveProperty(code);
      const words = errorWords({ code, message: "" });
      expect(words.trim().length, code).toBeGreaterThan(0);
    }
  });

  it("says a failure in our own words, never the server's sentence, with a fallback", () => {
    expect(
      errorWords({
        code: "INVALID_STATUS_TRANSITION",
        message: "An item that is idea cannot become published",
      }),
    ).toBe("That status change isn't allowed.");
    expect(errorWords({ code: "INVALID_STATUS_TRANSITION", message: "" })).toBe(
      "That status change isn't allowed.",
    );
    expect(
      errorWords({ code: "RULE_VIOLATION", message: "Post 2 has 300 weighted characters" }),
    ).toBe("This breaks the platform's rules. Fix the problems shown and save again.");
    // A code no row knows (a newer API) gets general words, not its message.
    expect(errorWords({ code: "DEAL_CLOSED", message: "This deal is closed" })).toBe(
      "Something went wrong. Try again.",
    );
    expect(errorWords({ code: "DEAL_CLOSED" })).toBe("Something went wrong. Try again.");
    for (const code of ["VALIDATION_ERROR", "CONFLICT", "LAST_OWNER", "toString"]) {
      const raw = "Invalid input — body: raw server text";
      expect(errorWords({ code, message: raw }), code).not.toContain("raw server text");
    }
    expect(errorWords({ code: "CONFLICT", message: "sam@example.com is already a member" })).toBe(
      "That clashes with something already in this workspace. Reload and check.",
    );
    expect(errorWords({ code: "LAST_OWNER", message: "Cannot remove the last owner" })).toBe(
      "A workspace needs an owner. Make someone else owner first.",
    );
  });

  it("names the fields of a validation error in plain words", () => {
    const invalid = (...issues: { path: string; message: string }[]) =>
      errorWords({ code: "VALIDATION_ERROR", message: "Invalid input — title: Too big", issues });
    expect(
      invalid({ path: "title", message: "Too big: expected string to have <=300 characters" }),
    ).toBe("The title is too long (300 characters at most).");
    expect(
      invalid(
        { path: "title", message: "Too small: expected string to have >=1 characters" },
        { path: "tags.3", message: "Too big: expected string to have <=40 characters" },
        { path: "tags", message: "Too big: expected array to have <=20 items" },
      ),
    ).toBe(
      "The title can't be empty. The tag is too long (40 characters at most). There are too many tags (20 at most).",
    );
    expect(
      invalid({ path: "notes", message: "Invalid input: expected string, received number" }),
    ).toBe("The notes are not valid.");
    // A field we cannot name: general words, never zod's.
    expect(invalid({ path: "source.frobnicate", message: "Too big: expected x" })).toBe(
      "Some of this isn't valid. Check it and try again.",
    );
    expect(invalid()).toBe("Some of this isn't valid. Check it and try again.");
  });

  it("gives a page only the words it needs, said as a page says them", () => {
    expect(pageErrorWords({ code: "SIGNED_OUT" })).toBe(
      "Sign in from the CreatorOps side panel first.",
    );
    expect(pageErrorWords({ code: "FORBIDDEN" })).toBe(errorWords({ code: "FORBIDDEN" }));
    expect(pageErrorWords({ code: "UNKNOWN", message: "CreatorOps is restarting." })).toBe(
      "CreatorOps is restarting.",
    );
    expect(pageErrorWords({ code: "VALIDATION_ERROR", message: "title: Too big" })).toBe(
      "Some of this isn't valid. Check it and try again.",
    );
    expect(pageErrorWords({ code: "CONFLICT", message: "raw" })).toBe(
      "Something went wrong. Try again.",
    );
  });

  it("says the same failure in the words of where it is read", () => {
    expect(errorWords({ code: "SIGNED_OUT" }, "page")).toBe(
      "Sign in from the CreatorOps side panel first.",
    );
    expect(errorWords({ code: "SIGNED_OUT" }, "panel")).toBe("Your session ended. Sign in again.");
    expect(errorWords({ code: "OFFLINE" }, "signIn")).toContain("API address");
    expect(errorWords({ code: "OFFLINE" }, "repurpose")).toContain("before repurposing finished");
    expect(errorWords({ code: "RATE_LIMITED", retryAfterSeconds: 1 })).toContain("Wait 1 second ");
    const reset = "2027-02-01T12:00:00Z";
    expect(errorWords({ code: "QUOTA_EXCEEDED", details: { resetsAt: reset } })).toBe(
      `You've used this month's AI credits. They reset on ${formatDay(reset)}.`,
    );
    expect(isSessionLostCode("SESSION_EXPIRED")).toBe(true);
    expect(isSessionLostCode("FORBIDDEN")).toBe(false);
  });
});

describe("error messages", () => {
  it("explains quota, rate limit, offline and credentials", () => {
    const quota = new ExtensionError("QUOTA_EXCEEDED", "Monthly AI credits used", 402, {
      details: { resetsAt: "2026-12-01T00:00:00.000Z" },
    });
    expect(explain(quota)).toMatch(/^You've used this month's AI credits\. They reset on /);
    const limited = new ExtensionError("RATE_LIMITED", "Slow down", 429, { retryAfterSeconds: 12 });
    expect(explain(limited)).toContain("Wait 12 seconds");
    expect(explain(new ExtensionError("OFFLINE", "x"))).toBe(
      "You're offline — captures are queued.",
    );
    expect(explain(new ExtensionError("OFFLINE", "x"), "signIn")).toContain("offline");
    expect(explain(new ExtensionError("INVALID_CREDENTIALS", "x", 401))).toContain("don't match");
    expect(explain(new Error("boom"))).toBe("Something went wrong. Try again.");
  });

  it("knows which codes end the session", () => {
    for (const code of ["SIGNED_OUT", "UNAUTHORIZED", "SESSION_EXPIRED"]) {
      expect(isSessionLost(new ExtensionError(code, "gone", 401))).toBe(true);
    }
    expect(isSessionLost(new ExtensionError("FORBIDDEN", "no", 403))).toBe(false);
  });
});
