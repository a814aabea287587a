import { describe, expect, it } from "vitest";
import { MAX_CRAWL_DELAY_MS, RobotsCache, robotsCrawlDelayMs, robotsSitemaps } from "./robots.js";

async function rules(text: string) {
  return new RobotsCache().get("https://docs.test", async () => text);
}

describe("robotsCrawlDelayMs", () => {
  it.each([
    ["User-agent: *\nCrawl-delay: 2\n", 2_000],
    ["User-agent: kmcp\nCrawl-delay: 0.5\n\nUser-agent: *\nCrawl-delay: 9\n", 500],
    ["User-agent: other\nCrawl-delay: 5\n", 0],
    ["User-agent: *\nCrawl-delay: soon\n", 0],
    ["User-agent: *\nCrawl-delay: 86400\n", MAX_CRAWL_DELAY_MS],
  ])("%j → %i ms", async (text, expected) => {
    expect(robotsCrawlDelayMs(await rules(text), "kmcp")).toBe(expected);
  });

  it("is 0 without rules", () => {
    expect(robotsCrawlDelayMs(null, "kmcp")).toBe(0);
  });
});

describe("robotsSitemaps", () => {
  it("lists the Sitemap lines", async () => {
    expect(robotsSitemaps(await rules("User-agent: *\nDisallow:\nSitemap: https://docs.test/sitemap-index.xml\n"))).toEqual(["https://docs.test/sitemap-index.xml"]);
    expect(robotsSitemaps(null)).toEqual([]);
  });
});
