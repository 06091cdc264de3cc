import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../db/client";
import { errorText } from "../log";

describe("errorText (what a log line may say about an error)", () => {
  it("keeps a failed query's SQL and drops its bound values (addresses, bodies)", async () => {
    const db = createDb(env.DB);
    const failure = await db
      .run(
        sql`INSERT INTO no_such_table (to_email, body) VALUES (${"priya@brand.example"}, ${"Hi Priya, the secret draft"})`,
      )
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(Error);
    // The raw message would carry the values: the guard below is about something real.
    expect(`${(failure as Error).message}`).toContain("priya@brand.example");
    const text = errorText(failure);
    expect(text).toContain("no_such_table");
    expect(text).not.toContain("priya@brand.example");
    expect(text).not.toContain("secret draft");
  });

  it("names the error's class, cuts long messages and survives non-errors", () => {
    expect(errorText(new TypeError("bad input"))).toBe("TypeError: bad input");
    expect(errorText(new Error("x".repeat(1000)))).toHaveLength(300);
    expect(errorText("a string")).toBe("non-error thrown");
  });
});
