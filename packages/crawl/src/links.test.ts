import { describe, expect, it } from "vitest";
import { extractLinks } from "./links.js";

describe("extractLinks", () => {
  it("resolves, normalises, drops fragments and repeats, keeps document order", () => {
    const html = `<html><body><nav><a href="/guide/">Guide</a><a href="a.html#top">A</a></nav>
      <a href="a.html#later">A again</a><a href="HTTPS://Docs.Test:443/b/">B</a><a href="https://other.test/x">ext</a>
      <a href="mailto:x@y.test">mail</a><a href="javascript:void(0)">js</a><a href="ftp://docs.test/f">ftp</a><a href="">empty</a><a>none</a>
      <area href="c.html"></body></html>`;
    expect(extractLinks(html, "https://docs.test/guide/index.html")).toEqual([
      "https://docs.test/guide",
      "https://docs.test/guide/a.html",
      "https://docs.test/b",
      "https://other.test/x",
      "https://docs.test/guide/c.html",
    ]);
  });

  it("honours <base href>", () => {
    expect(extractLinks(`<html><head><base href="/v2/"></head><body><a href="x">x</a></body></html>`, "https://docs.test/v1/page")).toEqual([
      "https://docs.test/v2/x",
    ]);
  });

  it("reads tags and attributes in any case, entities decoded, and a <base> placed after the links it applies to", () => {
    const html = `<A HREF="x?a=1&amp;b=2">x</A><a href="/s" REL="NoFollow">s</a><BASE HREF="/v3/"><a href="y">y</a><script>"<a href='/in-script'>"</script>`;
    expect(extractLinks(html, "https://docs.test/v1/page")).toEqual(["https://docs.test/v3/x?a=1&b=2", "https://docs.test/v3/y"]);
    expect(extractLinks(`<a href="/b">b</a><META NAME="KMCP" CONTENT="None">`, "https://docs.test/")).toEqual([]);
  });

  it("leaves out rel=nofollow links, and every link of a nofollow page", () => {
    expect(extractLinks(`<a href="/a" rel="nofollow">a</a><a href="/b">b</a>`, "https://docs.test/")).toEqual(["https://docs.test/b"]);
    expect(extractLinks(`<html><head><meta name="robots" content="noindex, nofollow"></head><body><a href="/b">b</a></body></html>`, "https://docs.test/")).toEqual([]);
  });

  it("skips links with credentials", () => {
    expect(extractLinks(`<a href="https://u:p@docs.test/a">a</a>`, "https://docs.test/")).toEqual([]);
  });
});
