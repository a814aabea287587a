import { ExtractError } from "./errors.js";
import type { Extracted, PageRange } from "./kinds.js";
import { tidy } from "./markdown.js";
import { PDFIUM_ERROR, PdfiumLoadError, readPdfText } from "./pdfium.js";

const PAGE_SEPARATOR = "\n\n";

/**
 * A PDF's text, page by page: `markdown` is the pages' text joined by a blank line and `pages`
 * the character range each page fills. The title comes from the PDF's metadata, else its first line.
 */
export async function extractPdf(bytes: Uint8Array): Promise<Extracted> {
  let texts: string[];
  let rawTitle: string;
  try {
    ({ pages: texts, title: rawTitle } = await readPdfText(bytes));
  } catch (error) {
    throw pdfError(error);
  }
  const metaTitle = rawTitle.trim() !== "" ? rawTitle.replace(/\s+/g, " ").trim() : null;
  const pages: PageRange[] = [];
  let markdown = "";
  for (const [i, raw] of texts.entries()) {
    const text = tidy(raw);
    if (text === "") continue;
    if (markdown !== "") markdown += PAGE_SEPARATOR;
    pages.push({ page: i + 1, start: markdown.length, end: markdown.length + text.length });
    markdown += text;
  }
  if (markdown === "") {
    throw new ExtractError("EMPTY", `The PDF has no text layer (${texts.length} page${texts.length === 1 ? "" : "s"} of images only, e.g. a scan); run OCR on it first.`);
  }
  const firstLine = markdown.split("\n").find((line) => line.trim() !== "")?.trim() ?? null;
  return { kind: "pdf", title: metaTitle ?? (firstLine && firstLine.length <= 120 ? firstLine : null), markdown, pages };
}

function pdfError(error: unknown): ExtractError {
  if (error instanceof PdfiumLoadError) {
    switch (error.code) {
      case PDFIUM_ERROR.PASSWORD:
        return new ExtractError("UNREADABLE", "The PDF is encrypted with a password; kmcp cannot read it.", { cause: error });
      case PDFIUM_ERROR.SECURITY:
        return new ExtractError("UNREADABLE", "The PDF is encrypted with a security scheme kmcp cannot read.", { cause: error });
      case PDFIUM_ERROR.FORMAT:
        return new ExtractError("UNREADABLE", "The PDF is damaged and cannot be read (not in PDF format, or corrupted).", { cause: error });
    }
  }
  const message = (error as Error).message ?? String(error);
  return new ExtractError("UNREADABLE", `The PDF could not be read: ${message}.`, { cause: error });
}
