import { readFile } from "node:fs/promises";
import { MAX_TITLE_LENGTH } from "@kmcp/core";
import { detectDocumentKind, type DocumentKind, ExtractError, extractDocument, locateChunks, pageLabel, pagesOfRange } from "@kmcp/extract";
import type { z } from "zod";
import { SearchError } from "./errors.js";
import type { IngestDocumentSchema } from "./ingest-schemas.js";

/**
 * A file's content, ready to chunk: Markdown and text as they are (UTF-8); HTML, PDF and DOCX
 * detected (the name checked against the bytes) and extracted to Markdown (a PDF's text as plain
 * text, with its page ranges).
 * @throws {SearchError} `READ`; {ExtractError} when the file is damaged, mislabelled or has no text.
 */
export async function readDocument(
  file: string,
  kind: DocumentKind,
): Promise<Pick<z.output<typeof IngestDocumentSchema>, "content" | "format" | "title" | "pages">> {
  const bytes = await readFile(file).catch((error: Error) => {
    throw new SearchError("READ", `Could not read the file: ${error.message}`, { cause: error, data: { path: file } });
  });
  if (kind === "markdown" || kind === "text") return { content: bytes.toString("utf8"), format: kind };
  const detected = detectDocumentKind({ bytes, fileName: file });
  if (detected === null) throw new ExtractError("UNSUPPORTED", `kmcp does not read this kind of file.`);
  const extracted = await extractDocument({ bytes, kind: detected });
  return {
    content: extracted.markdown,
    // A PDF's text has no Markdown structure: a line starting with "#" is not a heading there.
    format: extracted.kind === "pdf" || extracted.kind === "text" ? "text" : "markdown",
    ...(extracted.title ? { title: extracted.title.slice(0, MAX_TITLE_LENGTH) } : {}),
    pages: extracted.pages,
  };
}

/** Each chunk's page label ("3", "3-4"), found by locating the chunk in the text; null where it cannot be placed. */
export function chunkPages(content: string, pages: readonly { page: number; start: number; end: number }[], pieces: readonly { text: string }[]): (string | null)[] {
  return locateChunks(content, pieces.map((piece) => piece.text)).map((at) => (at ? pageLabel(pagesOfRange(pages, at.start, at.end)) : null));
}
