import path from "node:path";
import { ExtractError } from "./errors.js";
import { type DocumentKind, KIND_LABELS } from "./kinds.js";

/** What the bytes themselves look like. */
export type SniffedKind = "pdf" | "docx" | "zip" | "html" | "text" | "binary";

const SNIFF_BYTES = 8192;

const CONTENT_TYPES: Record<string, DocumentKind> = {
  "text/html": "html",
  "application/xhtml+xml": "html",
  "application/pdf": "pdf",
  "application/x-pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "text/markdown": "markdown",
  "text/x-markdown": "markdown",
  "text/plain": "text",
};
/** Content types that say nothing about the format: the file name or the bytes decide. */
const GENERIC_TYPES = new Set(["application/octet-stream", "binary/octet-stream", "application/unknown", ""]);

const EXTENSIONS: Record<string, DocumentKind> = {
  ".html": "html",
  ".htm": "html",
  ".xhtml": "html",
  ".pdf": "pdf",
  ".docx": "docx",
  ".md": "markdown",
  ".markdown": "markdown",
  ".mdx": "markdown",
  ".txt": "text",
};

/** The kind a file name's extension implies, or null. */
export function kindOfFileName(fileName: string): DocumentKind | null {
  return EXTENSIONS[path.extname(fileName).toLowerCase()] ?? null;
}

/** The media type of a Content-Type header value, lower-case, without parameters. */
export function mediaType(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

/** The `charset` parameter of a Content-Type header value, or null. */
export function charsetOf(contentType: string | null | undefined): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "");
  return match?.[1]?.toLowerCase() ?? null;
}

/** What the first bytes of a document look like, whatever its name or header says. */
export function sniffBytes(bytes: Uint8Array): SniffedKind {
  const head = bytes.subarray(0, SNIFF_BYTES);
  const latin = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString("latin1");
  // A PDF header may follow a little junk; readers look at the first 1024 bytes.
  if (latin.slice(0, 1024).includes("%PDF-")) return "pdf";
  if (latin.startsWith("PK\u0003\u0004")) {
    // Entry names are stored uncompressed in the local headers and the central directory.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes("word/document.xml") ? "docx" : "zip";
  }
  // UTF-16 text keeps NUL bytes; anything else with NUL or many control bytes is binary.
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (!utf16 && isBinary(head)) return "binary";
  const start = latin.replace(/^(\uFEFF|\u00EF\u00BB\u00BF)/, "").trimStart().slice(0, 512).toLowerCase();
  if (/^<!doctype html|^<html[\s>]|^<head[\s>]|^<body[\s>]|^<\?xml[^>]*>\s*<(!doctype )?html/.test(start)) return "html";
  if (/^<!--/.test(start) && /<html[\s>]|<head[\s>]|<body[\s>]/.test(latin.toLowerCase())) return "html";
  return "text";
}

function isBinary(head: Uint8Array): boolean {
  let control = 0;
  // An index loop: the byte iterator cost several times more (detection runs on every file).
  for (let i = 0; i < head.length; i++) {
    const byte = head[i] as number;
    if (byte === 0) return true;
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) control++;
  }
  return head.length > 0 && control / head.length > 0.1;
}

const SNIFF_LABELS: Record<SniffedKind, string> = {
  pdf: "a PDF",
  docx: "a Word document (DOCX)",
  zip: "a ZIP archive that is not a Word document",
  html: "an HTML page",
  text: "plain text",
  binary: "binary data",
};

/** Which sniffed contents each declared kind accepts. */
const COMPATIBLE: Record<DocumentKind, readonly SniffedKind[]> = {
  pdf: ["pdf"],
  docx: ["docx"],
  html: ["html", "text"],
  markdown: ["text", "html"],
  text: ["text", "html"],
};

export interface DetectInput {
  bytes: Uint8Array;
  /** The Content-Type header, if the document came over HTTP. */
  contentType?: string | null | undefined;
  /** The file name or URL path, for its extension. */
  fileName?: string | null | undefined;
}

/**
 * The kind of a document: the content type (else the file name's extension) checked against the
 * bytes (`%PDF-`, a ZIP holding `word/document.xml`, HTML markup). With neither, the bytes decide.
 * Returns null for a format kmcp does not read (an image, an unknown content type, binary data).
 * @throws {ExtractError} `MISMATCH` when the declared type and the bytes disagree (naming both);
 *   `UNREADABLE` for a .docx that is a ZIP of something else.
 */
export function detectDocumentKind({ bytes, contentType, fileName }: DetectInput): DocumentKind | null {
  const sniffed = sniffBytes(bytes);
  const type = contentType ? mediaType(contentType) : "";
  let declared: DocumentKind | null = null;
  let declaredBy = "";
  if (!GENERIC_TYPES.has(type)) {
    declared = CONTENT_TYPES[type] ?? null;
    if (declared === null) return null;
    declaredBy = `content type ${type}`;
    // text/plain served for a .md file is Markdown.
    if (declared === "text" && fileName && kindOfFileName(fileName) === "markdown") declared = "markdown";
  } else if (fileName) {
    declared = kindOfFileName(fileName);
    declaredBy = `file name ${path.basename(fileName)}`;
  }
  if (declared === null) {
    if (sniffed === "pdf" || sniffed === "docx" || sniffed === "html" || sniffed === "text") return sniffed;
    return null;
  }
  if (COMPATIBLE[declared].includes(sniffed)) return declared;
  if (declared === "docx" && sniffed === "zip") {
    throw new ExtractError("UNREADABLE", `The ${declaredBy} says ${KIND_LABELS.docx}, but it is a ZIP archive without word/document.xml, not a Word document.`, {
      data: { declared, sniffed },
    });
  }
  throw new ExtractError("MISMATCH", `The ${declaredBy} says ${KIND_LABELS[declared]}, but the content is ${SNIFF_LABELS[sniffed]}.`, {
    data: { declared, sniffed },
  });
}
