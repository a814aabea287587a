import { z } from "zod";
import { SearchError } from "./errors.js";
import { parseInput } from "./parse-input.js";

export const ChunkOptionsSchema = z
  .strictObject({
    maxChars: z.number().int().min(200).max(20_000).default(1_500),
    overlapChars: z.number().int().min(0).default(200),
  })
  .refine((options) => options.overlapChars < options.maxChars / 2, {
    message: "must be less than half of maxChars, so each chunk keeps room for new text (lower overlapChars, default 200, or raise maxChars)",
    path: ["overlapChars"],
  });
export type ChunkOptions = z.input<typeof ChunkOptionsSchema>;

export type DocumentFormat = "markdown" | "text";

export interface TextChunk {
  /** 0-based position in the document. */
  index: number;
  /** The chunk's text (trimmed; never empty). */
  text: string;
  /** Headings enclosing the chunk, outermost first, e.g. ["Install", "On Linux"]; [] before the first heading and for plain text. */
  headingPath: string[];
}

/**
 * Split a document into chunks along headings and paragraphs, each at most maxChars.
 * A chunk never spans two sections, so every chunk can be labelled with the headings it sits under;
 * within a section consecutive chunks overlap a little so a sentence cut at a boundary stays findable.
 * @throws {SearchError} `VALIDATION` for bad options or an unknown format.
 */
export function chunkDocument(content: string, format: DocumentFormat, options?: ChunkOptions): TextChunk[] {
  const { maxChars, overlapChars } = parseInput(ChunkOptionsSchema, options ?? {}, "chunk options");
  assertFormat(format);
  if (typeof content !== "string") throw new SearchError("VALIDATION", "Invalid document: content must be a string");
  const text = normaliseNewlines(content);
  const sections: readonly Section[] =
    format === "markdown" ? markdownSections(splitFrontMatter(text).body) : [{ heading: null, headingPath: [], units: plainTextUnits(text) }];
  const chunks: TextChunk[] = [];
  for (const section of sections) {
    for (const chunkText of packSection(section.units, maxChars, overlapChars)) {
      chunks.push({ index: chunks.length, text: chunkText, headingPath: [...section.headingPath] });
    }
  }
  return chunks;
}

/** @internal Shared with document-title.ts. */
export function assertFormat(format: unknown): asserts format is DocumentFormat {
  if (format !== "markdown" && format !== "text") {
    throw new SearchError("VALIDATION", `Invalid document format; fix: use "markdown" or "text"`);
  }
}

// ---------------------------------------------------------------------------------------------
// Markdown structure (shared with document-title.ts)

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

function plainTextUnits(text: string): string[] {
  const units: string[] = [];
  let unit: string[] = [];
  for (const line of [...text.split("\n"), ""]) {
    if (line.trim() !== "") {
      unit.push(line);
    } else if (unit.length > 0) {
      units.push(unit.join("\n").trim());
      unit = [];
    }
  }
  return units;
}

// ---------------------------------------------------------------------------------------------
// Packing

const PARAGRAPH_SEPARATOR = "\n\n";

const join = (head: string, separator: string, tail: string): string => (head === "" ? tail : head + separator + tail);

/**
 * Packs one section's units into chunks of at most maxChars. After the first chunk each chunk
 * starts with the previous chunk's tail (shrunk, possibly to nothing, when a whole unit would not
 * fit beside it); a unit too long for any chunk is cut at sentence ends or whitespace.
 */
function packSection(units: readonly string[], maxChars: number, overlapChars: number): string[] {
  const chunks: string[] = [];
  let current = "";
  /** Whether `current` holds anything beyond the overlap copied from the previous chunk. */
  let hasNew = false;
  for (const unit of units) {
    let rest = unit;
    let separator = PARAGRAPH_SEPARATOR;
    while (rest !== "") {
      const joined = join(current, separator, rest);
      if (joined.length <= maxChars) {
        current = joined;
        hasNew = true;
        break;
      }
      if (hasNew) {
        chunks.push(current);
        current = overlapTail(current, overlapChars);
        hasNew = false;
        continue;
      }
      // `current` is only overlap (non-empty, so a chunk was emitted before).
      if (rest.length <= maxChars) {
        current = overlapTail(chunks[chunks.length - 1]!, maxChars - separator.length - rest.length);
        continue;
      }
      // overlap < maxChars / 2 leaves a budget of at least maxChars / 2 - 2 (>= 98).
      const budget = maxChars - (current === "" ? 0 : current.length + separator.length);
      const cut = cutText(rest, budget);
      current = join(current, separator, cut.piece);
      hasNew = true;
      rest = cut.rest;
      separator = cut.separator;
    }
  }
  if (hasNew) chunks.push(current);
  return chunks;
}

const WHITESPACE = /\s/;

/** The end of `chunk`: at most `limit` characters, starting at a word start (so possibly empty). */
function overlapTail(chunk: string, limit: number): string {
  if (limit <= 0) return "";
  if (chunk.length <= limit) return chunk;
  let start = chunk.length - limit;
  if (!WHITESPACE.test(chunk[start - 1]!)) {
    while (start < chunk.length && !WHITESPACE.test(chunk[start]!)) start += 1;
  }
  return chunk.slice(start).trim();
}

/**
 * Cuts a trimmed `text` longer than `limit` into a first piece of at most `limit` characters and the rest:
 * at the last sentence end (". ", "? ", "! ", newline), else the last whitespace, else hard (keeping
 * surrogate pairs whole). A boundary in the second half of the window wins over an earlier one of the
 * preferred kind, so pieces are not needlessly tiny.
 */
function cutText(text: string, limit: number): { piece: string; separator: string; rest: string } {
  let sentence = -1;
  let space = -1;
  const end = Math.min(limit, text.length - 1);
  for (let i = 1; i <= end; i++) {
    const char = text[i]!;
    if (!WHITESPACE.test(char)) continue;
    space = i;
    if (char === "\n" || ".?!".includes(text[i - 1]!)) sentence = i;
  }
  const half = limit / 2;
  const at = sentence >= half ? sentence : space >= half ? space : sentence > 0 ? sentence : space;
  if (at > 0) {
    const gap = /^\s+/.exec(text.slice(at))![0];
    const piece = text.slice(0, at).trimEnd();
    const between = text.slice(piece.length, at) + gap;
    return { piece, separator: between.includes("\n") ? "\n" : " ", rest: text.slice(at + gap.length) };
  }
  let hard = limit;
  if (isHighSurrogate(text.charCodeAt(hard - 1)) && isLowSurrogate(text.charCodeAt(hard))) hard -= 1;
  return { piece: text.slice(0, hard), separator: "", rest: text.slice(hard) };
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
