import { encryptPDF } from "@pdfsmaller/pdf-encrypt-lite";
import { describe, expect, it } from "vitest";
import { makePdf } from "@kmcp/testing/documents";
import { isExtractError } from "./errors.js";
import { extractPdf } from "./pdf.js";

async function failure(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (error) {
    if (isExtractError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected an ExtractError");
}

describe("extractPdf (PDFium)", () => {
  it("reads a metadata title outside ASCII (stored as UTF-16) and collapses its whitespace", async () => {
    const result = await extractPdf(await makePdf([["Body text"]], { title: "Ünïcode  Guide — 日本語" }));
    expect(result.title).toBe("Ünïcode Guide — 日本語");
  });

  it("numbers pages from the document, so a blank page leaves a gap", async () => {
    const result = await extractPdf(await makePdf([["First page"], [], ["Third page"]]));
    expect(result.pages?.map((range) => range.page)).toEqual([1, 3]);
    expect(result.markdown).toBe("First page\n\nThird page");
  });

  it("refuses a PDF that needs a password, and reads one with only an owner password", async () => {
    const plain = await makePdf([["Secret page"]], { title: "Locked" });
    expect(await failure(async () => extractPdf(await encryptPDF(plain, "user-pw", "owner-pw")))).toEqual({
      code: "UNREADABLE",
      message: "The PDF is encrypted with a password; kmcp cannot read it.",
    });
    const ownerOnly = await extractPdf(await encryptPDF(plain, "", "owner-pw"));
    expect(ownerOnly).toMatchObject({ title: "Locked", markdown: "Secret page" });
  });

  it("calls an empty file or a bare header damaged", async () => {
    for (const bytes of [new Uint8Array(0), new TextEncoder().encode("%PDF-1.7\n")]) {
      expect(await failure(() => extractPdf(bytes))).toEqual({ code: "UNREADABLE", message: "The PDF is damaged and cannot be read (not in PDF format, or corrupted)." });
    }
  });

  it("reads many documents in a row and in parallel with one PDFium instance", async () => {
    const bytes = await Promise.all(Array.from({ length: 12 }, (_, n) => makePdf([[`Document ${n} page one`], [`Document ${n} page two`]])));
    const results = await Promise.all(bytes.map((b) => extractPdf(b)));
    expect(results.map((r) => r.title)).toEqual(bytes.map((_, n) => `Document ${n} page one`));
  });
});
