import { describe, expect, it } from "vitest";
import { makeDocx, makePdf } from "@kmcp/testing/documents";
import { charsetOf, detectDocumentKind, sniffBytes } from "./detect.js";
import { isExtractError } from "./errors.js";

const text = (s: string) => new TextEncoder().encode(s);

describe("detectDocumentKind", async () => {
  const pdf = await makePdf([["Hello"]]);
  const docx = await makeDocx([{ heading: "Intro", paragraphs: ["Body"] }]);
  // A ZIP holding something else: a local file header for "data.txt".
  const otherZip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...text("\u0014\u0000\u0000\u0000\u0000\u0000data.txt hello")]);
  const html = text("<!DOCTYPE html><html><head><title>T</title></head><body><p>x</p></body></html>");

  it.each([
    ["PDF by header", { bytes: pdf, contentType: "application/pdf" }, "pdf"],
    ["PDF by bytes alone", { bytes: pdf }, "pdf"],
    ["PDF served as octet-stream, named .pdf", { bytes: pdf, contentType: "application/octet-stream", fileName: "a.pdf" }, "pdf"],
    ["DOCX by name", { bytes: docx, fileName: "report.docx" }, "docx"],
    ["DOCX by bytes", { bytes: docx }, "docx"],
    ["HTML with charset", { bytes: html, contentType: "text/html; charset=utf-8" }, "html"],
    ["HTML sniffed", { bytes: html }, "html"],
    ["HTML without doctype, by header", { bytes: text("<p>hi</p>"), contentType: "text/html" }, "html"],
    ["Markdown by name", { bytes: text("# T\n\nx"), fileName: "a.md" }, "markdown"],
    ["text/plain for a .md", { bytes: text("# T"), contentType: "text/plain", fileName: "/docs/a.md" }, "markdown"],
    ["text", { bytes: text("just words"), contentType: "text/plain" }, "text"],
    ["an image type", { bytes: text("x"), contentType: "image/png" }, null],
    ["binary bytes, no hint", { bytes: new Uint8Array([0, 1, 2, 3, 0, 0, 9]) }, null],
    ["another ZIP, no hint", { bytes: otherZip }, null],
  ] as const)("%s", (_label, input, expected) => {
    expect(detectDocumentKind(input)).toBe(expected);
  });

  it.each([
    ["a text file named .pdf", { bytes: text("not a pdf at all"), fileName: "fake.pdf" }, "MISMATCH", "file name fake.pdf says a PDF, but the content is plain text"],
    ["HTML served as application/pdf", { bytes: html, contentType: "application/pdf" }, "MISMATCH", "content type application/pdf says a PDF, but the content is an HTML page"],
    ["a PDF served as text/html", { bytes: pdf, contentType: "text/html" }, "MISMATCH", "says an HTML page, but the content is a PDF"],
    ["a ZIP of something else named .docx", { bytes: otherZip, fileName: "x.docx" }, "UNREADABLE", "ZIP archive without word/document.xml"],
  ] as const)("refuses %s, naming both", (_label, input, code, message) => {
    let caught: unknown;
    try {
      detectDocumentKind(input);
    } catch (error) {
      caught = error;
    }
    expect(isExtractError(caught, code)).toBe(true);
    expect((caught as Error).message).toContain(message);
  });
});

describe("sniffBytes and charsetOf", () => {
  it("sniffs an HTML page after a comment and a BOM", () => {
    expect(sniffBytes(text("\uFEFF<!-- hi --><html><body>x</body></html>"))).toBe("html");
    expect(sniffBytes(text("plain words"))).toBe("text");
  });
  it("reads a charset parameter", () => {
    expect(charsetOf('text/html; charset="ISO-8859-1"')).toBe("iso-8859-1");
    expect(charsetOf("text/html")).toBeNull();
  });
});
