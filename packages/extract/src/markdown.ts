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
