import { CrawlScopeSchema } from "@kmcp/core";
import { describe, expect, it } from "vitest";
import { scopeRules } from "./scope.js";

const rules = (start: string, options: Partial<Parameters<typeof CrawlScopeSchema.parse>[0]> = {}) => scopeRules(start, CrawlScopeSchema.parse(options));

describe("scopeRules", () => {
  it.each([
    ["https://docs.test/guide/", "/guide"],
    ["https://docs.test/guide", "/guide"],
    ["https://docs.test/guide/intro.html", "/guide"],
    ["https://docs.test/", "/"],
    ["https://docs.test/index.html", "/"],
  ])("%s → folder %s", (start, prefix) => {
    expect(rules(start).pathPrefix).toBe(prefix);
  });

  it.each([
    ["https://docs.test/guide", null],
    ["https://docs.test/guide/a/b.html", null],
    ["https://docs.test/guidelines", "scope"],
    ["https://docs.test/other/page", "scope"],
    ["http://docs.test/guide/a", "scope"],
    ["https://docs.test:8443/guide/a", "scope"],
    ["https://evil.test/guide/a", "scope"],
  ])("from https://docs.test/guide/: %s → %s", (url, verdict) => {
    expect(rules("https://docs.test/guide/").check(url, 1)).toBe(verdict);
  });

  it("applies include and exclude patterns, by path or by whole URL", () => {
    const scope = rules("https://docs.test/", { include: ["/guide/**", "https://docs.test/api/*"], exclude: ["**/old/**"] });
    expect(scope.check("https://docs.test/guide/a", 1)).toBeNull();
    expect(scope.check("https://docs.test/api/x", 1)).toBeNull();
    expect(scope.check("https://docs.test/api/x/y", 1)).toBe("pattern");
    expect(scope.check("https://docs.test/guide/old/a", 1)).toBe("pattern");
    expect(scope.check("https://docs.test/blog/a", 1)).toBe("pattern");
  });

  it("limits depth when asked", () => {
    const scope = rules("https://docs.test/", { maxDepth: 2 });
    expect(scope.check("https://docs.test/a", 2)).toBeNull();
    expect(scope.check("https://docs.test/a", 3)).toBe("depth");
    expect(rules("https://docs.test/").check("https://docs.test/a", 50)).toBeNull();
  });
});
