import { Readability } from "@mozilla/readability";
import { DOMParser } from "linkedom/worker";
import { afterEach, describe, expect, it, vi } from "vitest";
import { extractHtmlString } from "./html.js";
import { elementsWithTag, inlineStyle, isProbablyVisible } from "./html-article.js";

const PAGE = `<!doctype html><html><head><title>Hidden things</title></head><body><main><article>
<h1>Hidden things</h1>
<p>The visible paragraph explains how the planner picks an index for a query over a large table, and why.</p>
<p style="display: none">Shown to nobody: display none.</p>
<p style="color: red; visibility:hidden">Shown to nobody: visibility hidden.</p>
<p hidden>Shown to nobody: the hidden attribute.</p>
<p aria-hidden="true">Shown to nobody: aria-hidden.</p>
<p style="display:block;DISPLAY:none">Still shown: linkedom reads property names as written.</p>
<p>A second visible paragraph about vacuum, with a <a href="/docs/vacuum.html">link</a> and a <a href="#top">fragment</a>.</p>
</article></main></body></html>`;

const parse = (html: string) => new DOMParser().parseFromString(html, "text/html");

/** The prototype in `object`'s chain that defines `name` (a getter of linkedom's classes). */
function owner(object: object, name: string): object {
  for (let proto = Object.getPrototypeOf(object); proto; proto = Object.getPrototypeOf(proto)) {
    if (Object.getOwnPropertyDescriptor(proto, name)) return proto as object;
  }
  throw new Error(`no ${name} in the chain`);
}

afterEach(() => vi.restoreAllMocks());

describe("readArticle", () => {
  it("reads no element's style and no document's window (linkedom keeps both in WeakMaps that V8's young collections hold, with the whole page)", () => {
    const document = parse(PAGE);
    const style = vi.spyOn(owner(document.querySelector("p") as object, "style") as { style: unknown }, "style", "get");
    const view = vi.spyOn(owner(document, "defaultView") as { defaultView: unknown }, "defaultView", "get");
    const extracted = extractHtmlString(PAGE);
    expect(extracted.markdown).toContain("planner picks an index");
    expect(style).not.toHaveBeenCalled();
    expect(view).not.toHaveBeenCalled();
  });

  it("drops what Readability's own visibility test drops, and links come out as Readability left them without a base URL", () => {
    const { markdown } = extractHtmlString(PAGE);
    expect(markdown).not.toContain("Shown to nobody");
    expect(markdown).toContain("Still shown");
    expect(markdown).toContain("[link](/docs/vacuum.html)");
    expect(markdown).toContain("[fragment](#top)");
  });

  it("answers as Readability's _isProbablyVisible does for every element", () => {
    const document = parse(
      `<html><body><div style="display:none">a</div><div style=" display : none ;">b</div><div style="visibility: hidden">c</div><div style="display: none !important">d</div>` +
        `<div style="display:">e</div><div style="font: 12px/1 a:b; display:inline">f</div><div hidden>g</div><div aria-hidden="true">h</div>` +
        `<img aria-hidden="true" class="mwe-math-fallback-image-inline" alt="i"><div aria-hidden="false">j</div><svg style="display:none"><g></g></svg><p>k</p></body></html>`,
    );
    const original = (Readability.prototype as unknown as { _isProbablyVisible(node: unknown): boolean })._isProbablyVisible;
    const elements = [...document.querySelectorAll("*")];
    expect(elements.length).toBeGreaterThan(12);
    for (const element of elements) expect([element.outerHTML.slice(0, 60), isProbablyVisible(element)]).toEqual([element.outerHTML.slice(0, 60), Boolean(original(element))]);
    expect(elements.filter((element) => !isProbablyVisible(element)).length).toBe(6);
  });
});

describe("inlineStyle", () => {
  it("reads a declaration as linkedom does: trimmed, the last one wins, a colon in the value kept, names as written", () => {
    expect(inlineStyle(null, "display")).toBe("");
    expect(inlineStyle("display:none", "display")).toBe("none");
    expect(inlineStyle("  display :  none  ; color: red", "display")).toBe("none");
    expect(inlineStyle("display:none;display:block", "display")).toBe("block");
    expect(inlineStyle("display:none;display:", "display")).toBe("none");
    expect(inlineStyle("background: url(a:b); visibility: hidden", "background")).toBe("url(a:b)");
    expect(inlineStyle("DISPLAY:none", "display")).toBe("");
  });
});

describe("elementsWithTag", () => {
  it("finds what querySelectorAll finds for the tag lists Readability asks for, in document order, below the node only", () => {
    const document = parse(
      `<html><head><title>t</title><style>p{}</style></head><body><div id="a"><h1>x</h1><p>one <a href="/1">l</a><br><img src="i.png"></p>` +
        `<section><h2>y</h2><div><p>two <font>f</font><a href="/2">m</a></p><table><tr><td><p>three</p></td></tr></table></div></section>` +
        `<ul><li><ol><li>deep</li></ol></li></ul><figure><picture><source srcset="s"><img src="j.png"></picture></figure></div>` +
        `<p>after</p><script>s()</script><noscript>n</noscript><svg><g><a href="/svg">v</a></g></svg><video><source src="v.mp4"></video></body></html>`,
    );
    const lists = [["a"], ["h1", "h2"], ["p"], ["br"], ["img", "picture", "figure", "video", "audio", "source"], ["script", "noscript"], ["ul", "ol"], ["style"], ["font"], ["table"], ["li"], ["nothing"]];
    const roots = [document, document.querySelector("#a"), document.querySelector("section"), document.querySelector("td"), document.querySelector("title")];
    // By identity: positions among all the page's elements.
    const all: unknown[] = [...document.querySelectorAll("*")];
    const positions = (elements: readonly unknown[]) => elements.map((element) => all.indexOf(element));
    let compared = 0;
    for (const root of roots) {
      for (const tags of lists) {
        const expected = [...(root as unknown as { querySelectorAll(selectors: string): Iterable<unknown> }).querySelectorAll(tags.join(","))];
        expect(positions(elementsWithTag(root as never, tags))).toEqual(positions(expected));
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(40);
  });
});
