// turndown's browser build: the same converter as its Node build without the HTML-string parser
// (domino, ~30 ms to load), which extract never uses: it hands turndown nodes it parsed itself.
import TurndownService from "turndown/lib/turndown.browser.cjs.js";
import { tidy } from "./markdown.js";

let converter: TurndownService | null = null;

/**
 * A parsed HTML node (a page's element) → Markdown with ATX headings (`#`), fenced code and `-`
 * bullets; scripts and styles dropped. The node is converted as it is (its copy).
 */
export function htmlToMarkdown(node: { nodeType: number }): string {
  if (!converter) {
    // One converter serves every call: its rules hold no state between conversions (links inline).
    converter = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced", bulletListMarker: "-", emDelimiter: "*" });
    converter.remove(["script", "style", "noscript", "template", "iframe", "object", "embed"] as never);
  }
  return tidy(converter.turndown(node as Parameters<TurndownService["turndown"]>[0]));
}
