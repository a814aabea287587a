import mammoth from "mammoth";
import { ExtractError } from "./errors.js";
import { extractHtmlString } from "./html.js";
import type { Extracted } from "./kinds.js";
import { firstHeading } from "./markdown.js";

/** A Word document as Markdown: mammoth turns its styles into HTML (Heading 1 → `<h1>` ...), turndown into Markdown. */
export async function extractDocx(bytes: Uint8Array): Promise<Extracted> {
  let html: string;
  try {
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    html = result.value;
  } catch (error) {
    const reason = (error as Error).message ?? String(error);
    const why = /central directory|zip|corrupted|end of data/i.test(reason)
      ? "it is not a readable ZIP archive (damaged or truncated)"
      : /word\/document\.xml|could not find file/i.test(reason)
        ? "it is a ZIP archive without word/document.xml, not a Word document"
        : `mammoth could not read it (${reason.split("\n")[0]})`;
    throw new ExtractError("UNREADABLE", `Could not read the Word document: ${why}.`, { cause: error });
  }
  if (html.trim() === "") throw new ExtractError("EMPTY", "The Word document has no text.");
  // The whole document is content: no Readability (it would drop short documents and demote headings).
  const extracted = extractHtmlString(html, { readability: false });
  return { kind: "docx", title: firstHeading(extracted.markdown, 1) ?? firstHeading(extracted.markdown), markdown: extracted.markdown, pages: null };
}
