import { stat } from "node:fs/promises";
import path from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { type DocumentKind, kindOfFileName } from "@kmcp/extract";
import { SearchError } from "./errors.js";

/** What the error messages call the files ingestion reads. */
const READABLE = "Markdown (.md, .markdown, .mdx), text (.txt), HTML (.html, .htm, .xhtml), PDF (.pdf) or Word (.docx) file";
// Never descended into from a folder or glob: dependencies, VCS data, hidden folders.
const IGNORE = ["**/node_modules/**", "**/.*/**"];
const GLOB_OPTIONS = { absolute: true, ignore: IGNORE, onlyFiles: true };

export interface FoundDocument {
  /** Absolute path. */
  path: string;
  format: DocumentKind;
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
  // Expanded at once (a list of files is a stat each), then read in the order given.
  const expanded = await Promise.allSettled(inputs.map((input) => expand(input, cwd)));
  for (const [i, outcome] of expanded.entries()) {
    const input = inputs[i] as string;
    if (outcome.status === "rejected") {
      const code = (outcome.reason as NodeJS.ErrnoException).code;
      problems.push(`${input}: ${code === "ENOENT" ? "no such file or folder" : (outcome.reason as Error).message}`);
      continue;
    }
    if (outcome.value.length === 0) problems.push(`${input}: matches no Markdown, text, HTML, PDF or Word file`);
    for (const match of outcome.value) found.add(match);
  }
  if (problems.length > 0) {
    throw new SearchError("VALIDATION", `Nothing was ingested; fix these paths: ${problems.join("; ")}.`, { data: { problems } });
  }
  return [...found].sort().map((file) => ({ path: file, format: kindOfFileName(file) as DocumentKind }));
}

/** Absolute paths for one input. */
async function expand(input: string, cwd: string): Promise<string[]> {
  if (isDynamicPattern(input)) return readable(await glob(input, { cwd, ...GLOB_OPTIONS }));
  const absolute = path.resolve(cwd, input);
  if ((await stat(absolute)).isDirectory()) return readable(await glob("**/*", { cwd: absolute, ...GLOB_OPTIONS }));
  if (!kindOfFileName(absolute)) throw new Error(`not a ${READABLE}`);
  return [absolute];
}

/** The files whose extension @kmcp/extract's kindOfFileName knows (in any case), resolved. */
function readable(files: readonly string[]): string[] {
  return files.filter((file) => kindOfFileName(file) !== null).map((file) => path.resolve(file));
}
