/**
 * Markdown's block structure as chunking and titles need it: front matter, ATX and setext
 * headings (never inside code fences), and the paragraphs under each heading.
 */

/** @internal A heading and the body under it, already cut into paragraph units. */
export interface Section {
  /** The heading that opens the section; null for text before the first heading. */
  heading: { level: number; text: string } | null;
  headingPath: string[];
  /** Paragraphs (a fenced code block stays whole), trimmed, never empty. */
  units: string[];
}

/** @internal LF line ends, no byte order mark. */
export function normaliseNewlines(content: string): string {
  return content.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

const FRONT_MATTER_OPEN = /^---[ \t]*$/;
const FRONT_MATTER_CLOSE = /^(?:---|\.\.\.)[ \t]*$/;

/** @internal Separates a YAML front matter block (`---` on the very first line up to the next `---`/`...`); an unclosed block is body. */
export function splitFrontMatter(text: string): { frontMatter: string | null; body: string } {
  const lines = text.split("\n");
  if (!FRONT_MATTER_OPEN.test(lines[0] ?? "")) return { frontMatter: null, body: text };
  const end = lines.findIndex((line, i) => i > 0 && FRONT_MATTER_CLOSE.test(line));
  if (end === -1) return { frontMatter: null, body: text };
  return { frontMatter: lines.slice(1, end).join("\n"), body: lines.slice(end + 1).join("\n") };
}

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const ATX_CLOSING = /(?:^|[ \t]+)#+$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;
/** Lines that cannot be the text of a setext heading: list items, block quotes, indented code. */
const NOT_SETEXT_TEXT = /^(?: {4}|\t|[ ]{0,3}(?:[-*+][ \t]|\d{1,9}[.)][ \t]|>))/;

type LineKind = "blank" | "text" | "code" | "heading";

/**
 * @internal Cuts a Markdown body (front matter already removed) into sections at ATX and setext headings,
 * ignoring lines inside fenced code. A setext heading needs a one-line paragraph above its underline
 * (multi-line setext headings stay body text).
 */
export function markdownSections(body: string): Section[] {
  const sections: Section[] = [];
  const stack: { level: number; text: string }[] = [];
  let section: Section = { heading: null, headingPath: [], units: [] };
  let unit: string[] = [];
  let fence: { char: string; length: number } | null = null;
  let previous: LineKind = "blank";
  let beforePrevious: LineKind = "blank";

  const flushUnit = () => {
    const text = unit.join("\n").trim();
    if (text !== "") section.units.push(text);
    unit = [];
  };
  const openSection = (level: number, text: string) => {
    flushUnit();
    sections.push(section);
    while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
    stack.push({ level, text });
    section = { heading: { level, text }, headingPath: stack.map((h) => h.text), units: [] };
  };

  for (const line of body.split("\n")) {
    let kind: LineKind;
    if (fence !== null) {
      const close = FENCE_CLOSE.exec(line);
      if (close !== null && close[1]![0] === fence.char && close[1]!.length >= fence.length) fence = null;
      unit.push(line);
      kind = "code";
    } else if (isFenceOpen(line)) {
      const marker = FENCE_OPEN.exec(line)![1]!;
      fence = { char: marker[0]!, length: marker.length };
      unit.push(line);
      kind = "code";
    } else if (line.trim() === "") {
      flushUnit();
      kind = "blank";
    } else {
      const atx = ATX_HEADING.exec(line);
      const setext = SETEXT_UNDERLINE.exec(line);
      if (atx !== null) {
        openSection(atx[1]!.length, (atx[2] ?? "").replace(ATX_CLOSING, "").trim());
        kind = "heading";
      } else if (setext !== null && previous === "text" && beforePrevious !== "text" && unit.length > 0 && !NOT_SETEXT_TEXT.test(unit[unit.length - 1]!)) {
        const title = unit.pop()!.trim();
        openSection(setext[1]![0] === "=" ? 1 : 2, title);
        kind = "heading";
      } else {
        unit.push(line);
        kind = "text";
      }
    }
    beforePrevious = previous;
    previous = kind;
  }
  flushUnit();
  sections.push(section);
  return sections;
}

function isFenceOpen(line: string): boolean {
  const open = FENCE_OPEN.exec(line);
  // A backtick fence's info string cannot hold a backtick (that is inline code, e.g. ```x```).
  return open !== null && !(open[1]![0] === "`" && open[2]!.includes("`"));
}
