import { describe, expect, it } from "vitest";
import { createContentSchema } from "../../shared/content";
import { pageCaptureBody } from "../lib/page-capture";

describe("page and selection captures", () => {
  it("saves a YouTube video page as the video, so it dedupes with Save idea", () => {
    const body = pageCaptureBody({
      url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
      title: "My desk setup tour - YouTube",
    });
    expect(body).toEqual({
      title: "My desk setup tour",
      source: {
        kind: "youtube",
        videoId: "dQw4w9WgXcQ",
        url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
      },
    });
    expect(createContentSchema.safeParse(body).success).toBe(true);
  });

  it("saves a selection with its page, titled by the selection", () => {
    const selection = `  Ten   lighting tricks\nfor small rooms ${"x".repeat(30_000)}`;
    const body = pageCaptureBody({ url: "https://blog.example/post", title: "Blog", selection });
    expect(body?.title.startsWith("Ten lighting tricks for small rooms")).toBe(true);
    expect(body?.title.length).toBeLessThanOrEqual(120);
    expect(body?.source).toMatchObject({ kind: "web", url: "https://blog.example/post" });
    // The selection is the piece itself: repurposing reads the body.
    expect(body?.body?.startsWith("Ten lighting tricks for small rooms")).toBe(true);
    expect(body?.body?.length).toBeLessThanOrEqual(20_000);
    expect(createContentSchema.safeParse(body).success).toBe(true);
  });

  it("falls back to the host name for an untitled page and skips non-web pages", () => {
    expect(pageCaptureBody({ url: "https://example.com/a", title: "" })?.title).toBe("example.com");
    expect(pageCaptureBody({ url: "chrome://settings", title: "Settings" })).toBeNull();
    expect(pageCaptureBody({ url: undefined, title: "x" })).toBeNull();
  });
});
