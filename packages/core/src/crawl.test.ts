import { describe, expect, it } from "vitest";
import { CrawlScopeSchema } from "./crawl.js";

describe("CrawlScopeSchema", () => {
  it("fills the defaults: 500 pages, no depth limit, 3 at once", () => {
    expect(CrawlScopeSchema.parse({})).toEqual({ maxPages: 500, maxDepth: null, include: [], exclude: [], concurrency: 3 });
  });

  it("takes flags given as text (the CLI's)", () => {
    expect(CrawlScopeSchema.parse({ maxPages: "20", maxDepth: "2", concurrency: "1" })).toMatchObject({ maxPages: 20, maxDepth: 2, concurrency: 1 });
  });

  it.each([
    [{ maxPages: 0 }, "maxPages"],
    [{ concurrency: 17 }, "concurrency"],
    [{ maxDepth: -1 }, "maxDepth"],
    [{ include: [""] }, "include"],
    [{ exclude: ["/a\u0007b"] }, "exclude"],
    [{ extra: 1 }, "extra"],
  ])("refuses %j", (input, field) => {
    const result = CrawlScopeSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(field);
  });
});
