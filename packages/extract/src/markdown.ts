import TurndownService from "turndown";

let converter: TurndownService | null = null;

/**
 * HTML (a string, or a DOM node such as a parsed page's element) → Markdown with ATX headings
 * (`#`), fenced code and `-` bullets; scripts and styles dropped. A node is converted as it is
 * (its copy), where a string is parsed first.
 */
export function htmlToMarkdown(html: string | { nodeType: number }): string {
  if (!converter) {
    // One converter serves every call: its rules hold no state between conversions (links inline).
    converter = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced", bulletListMarker: "-", emDelimiter: "*" });
    converter.remove(["script", "style", "noscript", "template", "iframe", "object", "embed"] as never);
  }
  return tidy(converter.turndown(html as Parameters<TurndownService["turndown"]>[0]));
}

/** Trailing spaces gone, at most one blank line in a row, no blank start or end. */
export function tidy(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** The text of the first ATX heading of `level` (default any) in Markdown, or null. */
export function firstHeading(markdown: string, maxLevel = 6): string | null {
  const pattern = new RegExp(`^#{1,${maxLevel}}[ \\t]+(.+?)[ \\t#]*$`, "m");
  const text = pattern.exec(markdown)?.[1]?.trim();
  return text ? text : null;
}
