import { describe, expect, it } from "vitest";
import { parseLlmsTxt } from "./llms-txt.js";
import { parseSitemap } from "./sitemap.js";

describe("parseSitemap", () => {
  it("reads a urlset, namespaces and all", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://docs.test/a </loc><lastmod>2024-01-01</lastmod></url>
  <url><loc>https://docs.test/b?x=1&amp;y=2</loc></url>
  <url><loc>ftp://docs.test/c</loc></url>
  <url><lastmod>2024</lastmod></url>
</urlset>`;
    expect(parseSitemap(xml, "https://docs.test/sitemap.xml")).toEqual({ pages: ["https://docs.test/a", "https://docs.test/b?x=1&y=2"], sitemaps: [] });
  });

  it("reads a sitemap index, even with one entry", () => {
    const xml = `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>/s1.xml</loc></sitemap></sitemapindex>`;
    expect(parseSitemap(xml, "https://docs.test/sitemap.xml")).toEqual({ pages: [], sitemaps: ["https://docs.test/s1.xml"] });
  });

  it("lists nothing for malformed XML or another document", () => {
    expect(parseSitemap("<urlset><url><loc>https://docs.test/a</loc></url>", "https://docs.test/s.xml")).toEqual({ pages: [], sitemaps: [] });
    expect(parseSitemap("<html><body>not a sitemap</body></html>", "https://docs.test/s.xml")).toEqual({ pages: [], sitemaps: [] });
  });
});

describe("parseLlmsTxt", () => {
  it("lists the links of every section, resolved", () => {
    const text = `# Docs\n\n> The docs of a thing.\n\n## Guides\n\n- [Install](/guide/install.md): how to install\n- [Use](https://docs.test/guide/use)\n\n## Optional\n\n- [Blog](https://blog.test/post) see [again](/guide/install.md)\n`;
    expect(parseLlmsTxt(text, "https://docs.test/llms.txt")).toEqual([
      "https://docs.test/guide/install.md",
      "https://docs.test/guide/use",
      "https://blog.test/post",
    ]);
  });
});
