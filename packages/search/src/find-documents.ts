import { stat } from "node:fs/promises";
import path from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import type { DocumentKind } from "@kmcp/extract";
import { SearchError } from "./errors.js";

/** File extensions ingestion reads, and how. */
const FORMATS: Record<string, DocumentKind> = {
  ".md": "markdown",
  ".markdown": "markdown",
  ".mdx": "markdown",
  ".txt": "text",
  ".html": "html",
  ".htm": "html",
  ".pdf": "pdf",
  ".docx": "docx",
};
const FOLDER_PATTERN = "**/*.{md,markdown,mdx,txt,html,htm,pdf,docx}";
/** What the error messages call the files ingestion reads. */
const READABLE = "Markdown (.md, .markdown, .mdx), text (.txt), HTML (.html, .htm), PDF (.pdf) or Word (.docx) file";
// Never descended into from a folder or glob: dependencies, VCS data, hidden folders.
const IGNORE = ["**/node_modules/**", "**/.*/**"];

export interface FoundDocument {
  /** Absolute path. */
  path: string;
  format: DocumentKind;
}

/** The document format a file name implies, or null when ingestion does not read it. */
export function formatOf(file: string): DocumentKind | null {
  return FORMATS[path.extname(file).toLowerCase()] ?? null;
}

/**
 * The documents named by `inputs` (files, folders searched recursively, or glob patterns),
 * absolute, de-duplicated and sorted so runs are reproducible.
 * @throws {SearchError} `VALIDATION` naming every input that matches nothing readable; nothing is ingested then.
 */
export async function findDocuments(inputs: readonly string[], cwd = process.cwd()): Promise<FoundDocument[]> {
  if (inputs.length === 0) throw new SearchError("VALIDATION", "Give at least one file, folder or glob pattern to ingest.");
  const found = new Set<string>();
  const problems: string[] = [];
  for (const input of inputs) {
    try {
      const matches = await expand(input, cwd);
      if (matches.length === 0) problems.push(`${input}: matches no Markdown, text, HTML, PDF or Word file`);
      for (const match of matches) found.add(match);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(`${input}: ${code === "ENOENT" ? "no such file or folder" : (error as Error).message}`);
    }
  }
  if (problems.length > 0) {
    throw new SearchError("VALIDATION", `Nothing was ingested; fix these paths: ${problems.join("; ")}.`, { data: { problems } });
  }
  return [...found].sort().map((file) => ({ path: file, format: formatOf(file) as DocumentKind }));
}

/** Absolute paths for one input. */
async function expand(input: string, cwd: string): Promise<string[]> {
  if (isDynamicPattern(input)) {
    const files = await glob(input, { cwd, absolute: true, ignore: IGNORE, onlyFiles: true });
    return files.filter((file) => formatOf(file) !== null).map((file) => path.resolve(file));
  }
  const absolute = path.resolve(cwd, input);
  const info = await stat(absolute);
  if (info.isDirectory()) {
    const files = await glob(FOLDER_PATTERN, { cwd: absolute, absolute: true, ignore: IGNORE, onlyFiles: true, caseSensitiveMatch: false });
    return files.map((file) => path.resolve(file));
  }
  if (!formatOf(absolute)) throw new Error(`not a ${READABLE}`);
  return [absolute];
}
