import { parse } from "csv-parse/sync";

/** One row of an import file, with the line it started on (1-based), not yet validated. */
export interface SourceFileRow {
  line: number;
  data: Record<string, unknown>;
}

export type SourceFileFormat = "jsonl" | "csv";

type ParsedRow = SourceFileRow | { line: number; error: string };

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

function parseJsonLines(text: string): ParsedRow[] {
  return text.split(/\r?\n/).flatMap((raw, index): ParsedRow[] => {
    const line = index + 1;
    if (!raw.trim()) return [];
    try {
      const data: unknown = JSON.parse(raw);
      if (!data || typeof data !== "object" || Array.isArray(data)) return [{ line, error: "expected a JSON object" }];
      return [{ line, data: data as Record<string, unknown> }];
    } catch (error) {
      return [{ line, error: `invalid JSON (${(error as Error).message})` }];
    }
  });
}

function parseCsv(text: string): ParsedRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true, relax_column_count: false });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return [{ line, error: `invalid CSV (${(error as Error).message})` }];
  }
  // Empty cells mean "not given", so optional fields fall back to their defaults.
  return records.map(({ record, info }) => ({
    line: info.lines,
    data: Object.fromEntries(Object.entries(record).filter(([, value]) => value !== "")),
  }));
}
