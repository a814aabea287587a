import { assertFormat, type DocumentFormat } from "./chunk-document.js";
import { markdownSections, normaliseNewlines, splitFrontMatter } from "./markdown-sections.js";

/** A first line longer than this is prose, not a title. */
const MAX_TEXT_TITLE_CHARS = 120;

/**
 * The document's title: front matter `title:` (quotes stripped), else the first H1 (ATX `# ` or setext ===)
 * outside code fences, else null. For "text": the first non-empty line if it is ≤ 120 chars, else null.
 * Empty titles count as absent.
 * @throws {SearchError} `VALIDATION` for an unknown format.
 */
export function documentTitle(content: string, format: DocumentFormat): string | null {
  assertFormat(format);
  const text = normaliseNewlines(content);
  if (format === "text") {
    const first = text
      .split("\n")
      .map((line) => line.trim())
      .find((line) => line !== "");
    return first !== undefined && first.length <= MAX_TEXT_TITLE_CHARS ? first : null;
  }
  const { frontMatter, body } = splitFrontMatter(text);
  const fromFrontMatter = frontMatter === null ? null : frontMatterTitle(frontMatter);
  if (fromFrontMatter !== null) return fromFrontMatter;
  for (const { heading } of markdownSections(body)) {
    if (heading !== null && heading.level === 1 && heading.text !== "") return heading.text;
  }
  return null;
}

const TITLE_KEY = /^title[ \t]*:(.*)$/;
const BLOCK_SCALAR = /^[|>][+-]?[1-9]?[+-]?$/;
const DOUBLE_QUOTED = /^"((?:[^"\\]|\\.)*)"/;
const SINGLE_QUOTED = /^'((?:[^']|'')*)'/;

/** The top-level `title:` of a YAML front matter block; handles plain, quoted and block (`|`, `>`) scalars. */
function frontMatterTitle(yaml: string): string | null {
  const lines = yaml.split("\n");
  for (const [i, line] of lines.entries()) {
    const match = TITLE_KEY.exec(line);
    if (match === null) continue;
    const raw = match[1]!.trim();
    let value: string;
    if (BLOCK_SCALAR.test(raw.replace(/[ \t]+#.*$/, ""))) {
      const block: string[] = [];
      for (const next of lines.slice(i + 1)) {
        if (next.trim() !== "" && !/^[ \t]/.test(next)) break;
        block.push(next.trim());
      }
      value = block.filter((part) => part !== "").join(" ");
    } else {
      const double = DOUBLE_QUOTED.exec(raw);
      const single = SINGLE_QUOTED.exec(raw);
      if (double !== null) value = double[1]!.replace(/\\(.)/g, (_, char: string) => (char === "n" || char === "t" ? " " : char));
      else if (single !== null) value = single[1]!.replace(/''/g, "'");
      else value = raw.replace(/(?:^|[ \t]+)#.*$/, "");
    }
    value = value.trim();
    return value === "" ? null : value;
  }
  return null;
}
