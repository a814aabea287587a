/** The document formats kmcp reads. */
export const DOCUMENT_KINDS = ["html", "pdf", "docx", "markdown", "text"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** A character range of `markdown` that came from one page of the original (PDF only), 1-based page, end exclusive. */
export interface PageRange {
  page: number;
  start: number;
  end: number;
}

/** What every format module returns: Markdown (headings as ATX `#`), a title, and page ranges for paged formats. */
export interface Extracted {
  kind: DocumentKind;
  title: string | null;
  markdown: string;
  pages: PageRange[] | null;
}

/** Largest document extractDocument reads by default (20 MB). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

export const KIND_LABELS: Record<DocumentKind, string> = {
  html: "an HTML page",
  pdf: "a PDF",
  docx: "a Word document (DOCX)",
  markdown: "a Markdown file",
  text: "a text file",
};
