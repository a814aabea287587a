import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { CsvError, parse as parseCsvStream } from "csv-parse";
import { parse } from "csv-parse/sync";

/** One row of an import file, with the line it started on (1-based), not yet validated. */
export interface SourceFileRow {
  line: number;
  data: Record<string, unknown>;
}

export type SourceFileFormat = "jsonl" | "csv";

/** A row as read from a file: its fields, or why the line could not even be parsed. */
export type ParsedRow = SourceFileRow | { line: number; error: string };

export function detectSourceFileFormat(fileName: string, text: string): SourceFileFormat {
  if (/\.csv$/i.test(fileName)) return "csv";
  if (/\.(jsonl|ndjson|json)$/i.test(fileName)) return "jsonl";
  return text.trimStart().startsWith("{") ? "jsonl" : "csv";
}

/**
 * Splits an import file into rows: JSON Lines (one object per line) or CSV with a header row,
 * using the library's field names (url, title, sourceType, authorityTier, status, description).
 * A line that is not even parseable is returned as a row whose `error` says why.
 */
export function parseSourceFile(text: string, format: SourceFileFormat): ParsedRow[] {
  return format === "csv" ? parseCsv(text) : parseJsonLines(text);
}

/**
 * Streams the rows of an import file (a path or a readable byte stream) without holding it in
 * memory: JSON Lines line by line (node:readline), CSV through csv-parse's streaming parser.
 * Unparseable lines come back as rows with an `error`; CSV that breaks the parser ends the file
 * there with one such row (the rows before it have been yielded).
 */
export async function* readSourceFile(input: string | Readable, format: SourceFileFormat): AsyncGenerator<ParsedRow> {
  const stream = typeof input === "string" ? createReadStream(input) : input;
  try {
    if (format === "csv") yield* streamCsv(stream);
    else yield* streamJsonLines(stream);
  } finally {
    stream.destroy();
  }
}

/** The format a file's name says, else what its first bytes look like. */
export async function detectSourceFileFormatOf(file: string): Promise<SourceFileFormat> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(256), 0, 256, 0);
    return detectSourceFileFormat(file, buffer.subarray(0, bytesRead).toString("utf8").replace(/^\uFEFF/, ""));
  } finally {
    await handle.close();
  }
}

function parseJsonLine(raw: string, line: number): ParsedRow | undefined {
  if (!raw.trim()) return undefined;
  try {
    const data: unknown = JSON.parse(raw);
    if (!data || typeof data !== "object" || Array.isArray(data)) return { line, error: "expected a JSON object" };
    return { line, data: data as Record<string, unknown> };
  } catch (error) {
    return { line, error: `invalid JSON (${(error as Error).message})` };
  }
}

async function* streamJsonLines(stream: Readable): AsyncGenerator<ParsedRow> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line += 1;
    const row = parseJsonLine(line === 1 ? raw.replace(/^\uFEFF/, "") : raw, line);
    if (row) yield row;
  }
}

const CSV_OPTIONS = { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true, relax_column_count: false } as const;

// Empty cells mean "not given", so optional fields fall back to their defaults.
const csvRow = (record: Record<string, string>, line: number): ParsedRow => ({
  line,
  data: Object.fromEntries(Object.entries(record).filter(([, value]) => value !== "")),
});

const csvError = (error: unknown): ParsedRow => ({ line: (error as { lines?: number }).lines ?? 1, error: `invalid CSV (${(error as Error).message})` });

async function* streamCsv(stream: Readable): AsyncGenerator<ParsedRow> {
  const parser = stream.pipe(parseCsvStream(CSV_OPTIONS));
  stream.on("error", (error) => parser.destroy(error));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield csvRow(record, info.lines);
    }
  } catch (error) {
    if (error instanceof CsvError) yield csvError(error);
    else throw error;
  }
}

function parseJsonLines(text: string): ParsedRow[] {
  return text.split(/\r?\n/).flatMap((raw, index) => parseJsonLine(raw, index + 1) ?? []);
}

function parseCsv(text: string): ParsedRow[] {
  try {
    const records: { record: Record<string, string>; info: { lines: number } }[] = parse(text, CSV_OPTIONS);
    return records.map(({ record, info }) => csvRow(record, info.lines));
  } catch (error) {
    return [csvError(error)];
  }
}
