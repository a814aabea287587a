import { decodeText } from "./decode.js";
import { ExtractError } from "./errors.js";
import { DEFAULT_MAX_DOCUMENT_BYTES, DOCUMENT_KINDS, type DocumentKind, type Extracted } from "./kinds.js";
import { firstHeading, tidy } from "./markdown.js";

export interface ExtractInput {
  bytes: Uint8Array;
  kind: DocumentKind;
  /** The charset from a Content-Type header (HTML, Markdown, text). */
  charset?: string | null | undefined;
  /** Where the document came from; used in messages only. */
  url?: string | null | undefined;
  /** Refuse larger documents (default 20 MB). */
  maxBytes?: number | undefined;
}

/**
 * The document as Markdown with a title, and for a PDF the page each part of the text came from.
 * @throws {ExtractError} `TOO_LARGE`, `UNREADABLE` (damaged, encrypted, not the format it claims),
 *   `EMPTY` (no text, e.g. a scanned PDF), `VALIDATION` for bad input. Messages are one line.
 */
export async function extractDocument(input: ExtractInput): Promise<Extracted> {
  const { bytes, kind, charset, url } = input;
  if (!(bytes instanceof Uint8Array)) throw new ExtractError("VALIDATION", "Invalid document: bytes must be a Uint8Array (or Buffer).");
  if (!(DOCUMENT_KINDS as readonly string[]).includes(kind)) {
    throw new ExtractError("VALIDATION", `Invalid document kind ${JSON.stringify(kind)}; use one of ${DOCUMENT_KINDS.join(", ")}.`);
  }
  const maxBytes = input.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  if (bytes.byteLength > maxBytes) {
    throw new ExtractError("TOO_LARGE", `The document${url ? ` ${url}` : ""} is ${megabytes(bytes.byteLength)}, over the ${megabytes(maxBytes)} limit.`, {
      data: { bytes: bytes.byteLength, maxBytes },
    });
  }
  try {
    // Each format's libraries load at its first document: a process (or worker thread) that only
    // reads PDFs never loads the HTML and Word ones, nor one that reads none.
    switch (kind) {
      case "html":
        return (await import("./html.js")).extractHtml(bytes, charset);
      case "pdf":
        return await (await import("./pdf.js")).extractPdf(bytes);
      case "docx":
        return await (await import("./docx.js")).extractDocx(bytes);
      case "markdown":
      case "text": {
        const markdown = tidy(decodeText(bytes, charset, false));
        if (markdown === "") throw new ExtractError("EMPTY", `The ${kind === "text" ? "text" : "Markdown"} file is empty.`);
        return { kind, title: kind === "markdown" ? firstHeading(markdown, 1) : null, markdown, pages: null };
      }
    }
  } catch (error) {
    if (error instanceof ExtractError) throw error;
    throw new ExtractError("UNREADABLE", `Could not read the ${kind.toUpperCase()} document: ${(error as Error).message ?? String(error)}.`, { cause: error });
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
