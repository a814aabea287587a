import { z } from "zod";
import { SearchError } from "./errors.js";
import { markdownSections, normaliseNewlines, splitFrontMatter, type Section } from "./markdown-sections.js";
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
