import { extractText, getDocumentProxy, getMeta } from "unpdf";
import { ExtractError } from "./errors.js";
import type { Extracted, PageRange } from "./kinds.js";
import { tidy } from "./markdown.js";

const PAGE_SEPARATOR = "\n\n";

/**
 * A PDF's text, page by page: `markdown` is the pages' text joined by a blank line and `pages`
 * the character range each page fills. The title comes from the PDF's metadata, else its first line.
 */
export async function extractPdf(bytes: Uint8Array): Promise<Extracted> {
  // pdf.js may detach the buffer it is given: hand it a copy.
  const data = new Uint8Array(bytes);
  let texts: string[];
  let metaTitle: string | null = null;
  try {
    const pdf = await getDocumentProxy(data, { verbosity: 0 });
    texts = (await extractText(pdf, { mergePages: false })).text;
    const meta = await getMeta(pdf).catch(() => null);
    const info = (meta?.info ?? {}) as Record<string, unknown>;
    metaTitle = typeof info.Title === "string" && info.Title.trim() !== "" ? info.Title.replace(/\s+/g, " ").trim() : null;
  } catch (error) {
    throw pdfError(error);
  }
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
  const name = (error as { name?: string }).name ?? "";
  const message = (error as Error).message ?? String(error);
  if (name === "PasswordException" || /password/i.test(message)) {
    return new ExtractError("UNREADABLE", "The PDF is encrypted with a password; kmcp cannot read it.", { cause: error });
  }
  if (name === "InvalidPDFException" || /invalid pdf|pdf header|xref|structure/i.test(message)) {
    return new ExtractError("UNREADABLE", `The PDF is damaged and cannot be read (${message}).`, { cause: error });
  }
  return new ExtractError("UNREADABLE", `The PDF could not be read: ${message}.`, { cause: error });
}
