import TurndownService from "turndown";

/** HTML → Markdown with ATX headings (`#`), fenced code and `-` bullets; scripts and styles dropped. */
export function htmlToMarkdown(html: string): string {
  const turndown = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced", bulletListMarker: "-", emDelimiter: "*" });
  turndown.remove(["script", "style", "noscript", "template", "iframe", "object", "embed"] as never);
  return tidy(turndown.turndown(html));
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
