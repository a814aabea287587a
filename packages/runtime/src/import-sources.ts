import { formatIssues, SourceCreateSchema } from "@kmcp/core";
import type { Db } from "@kmcp/db";
import type { SourceFileRow } from "./source-file.js";

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  /** Rows refused, with the line they start on and why; nothing was written for them. */
  rejected: { line: number; error: string }[];
}

/**
 * Imports parsed rows: every row is validated first, bad ones are reported with their line,
 * good ones are upserted by url, so running the same file twice changes nothing.
 */
export async function importSources(
  db: Db,
  rows: ReadonlyArray<SourceFileRow | { line: number; error: string }>,
  onProgress?: (done: number, total: number) => void,
): Promise<ImportReport> {
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, rejected: [] };
  const valid: SourceFileRow[] = [];
  for (const row of rows) {
    if ("error" in row) {
      report.rejected.push(row);
      continue;
    }
    const parsed = SourceCreateSchema.safeParse(row.data);
    if (parsed.success) valid.push(row);
    else report.rejected.push({ line: row.line, error: formatIssues(parsed.error) });
  }
  for (const [index, row] of valid.entries()) {
    const { outcome } = await db.sources.upsert(row.data as Parameters<Db["sources"]["upsert"]>[0]);
    report[outcome] += 1;
    onProgress?.(index + 1, valid.length);
  }
  return report;
}
