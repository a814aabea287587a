import { setImmediate } from "node:timers/promises";
import { PDFiumModule } from "@hyzyla/pdfium";

/** The part of PDFium's C API (compiled to WebAssembly) this reader calls; pointers are numbers. */
interface Pdfium {
  _FPDF_InitLibrary(): void;
  _FPDF_LoadMemDocument(data: number, size: number, password: number): number;
  _FPDF_GetLastError(): number;
  _FPDF_CloseDocument(doc: number): void;
  _FPDF_GetPageCount(doc: number): number;
  _FPDF_LoadPage(doc: number, index: number): number;
  _FPDF_ClosePage(page: number): void;
  _FPDF_GetMetaText(doc: number, tag: number, buffer: number, length: number): number;
  _FPDFText_LoadPage(page: number): number;
  _FPDFText_ClosePage(textPage: number): void;
  _FPDFText_CountChars(textPage: number): number;
  _FPDFText_GetText(textPage: number, start: number, count: number, buffer: number): number;
  _malloc(size: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
}

/** FPDF_GetLastError's codes (fpdfview.h). */
export const PDFIUM_ERROR = { UNKNOWN: 1, FILE: 2, FORMAT: 3, PASSWORD: 4, SECURITY: 5, PAGE: 6 } as const;

/** Why PDFium could not open a document: `code` is FPDF_GetLastError's. */
export class PdfiumLoadError extends Error {
  override readonly name = "PdfiumLoadError";
  constructor(readonly code: number) {
    super(`PDFium error ${code}`);
  }
}

export interface PdfiumText {
  /** Each page's text, in page order (an unreadable page is ""). */
  pages: string[];
  /** The document information dictionary's Title, or "" when there is none. */
  title: string;
}

let loading: Promise<Pdfium> | null = null;

/** PDFium, instantiated once per thread at its first use (the wrapper finds pdfium.wasm beside itself). */
function pdfium(): Promise<Pdfium> {
  loading ??= (PDFiumModule({}) as Promise<unknown>).then((module) => {
    const api = module as Pdfium;
    api._FPDF_InitLibrary();
    return api;
  });
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/**
 * The text of every page and the Title of a PDF. Every document, page and buffer allocated in
 * PDFium's WebAssembly memory is freed before returning or throwing: that memory is not collected.
 * @throws {PdfiumLoadError} when PDFium cannot open the document.
 */
export async function readPdfText(bytes: Uint8Array): Promise<PdfiumText> {
  const api = await pdfium();
  // PDFium keeps reading the buffer while the document is open: it is freed after closing it.
  const data = allocate(api, Math.max(bytes.byteLength, 1));
  try {
    api.HEAPU8.set(bytes, data);
    const doc = api._FPDF_LoadMemDocument(data, bytes.byteLength, 0);
    if (!doc) throw new PdfiumLoadError(api._FPDF_GetLastError());
    try {
      const pages: string[] = [];
      const count = api._FPDF_GetPageCount(doc);
      for (let i = 0; i < count; i++) {
        // PDFium reads synchronously: after each page the thread's other work runs (a server's
        // requests; an ingest's answers from Chroma, on which its next write waits: yielding
        // only every 50 ms held the figure-8 ingest's first write back ~0.1 s).
        if (i > 0) await setImmediate();
        pages.push(pageText(api, doc, i));
      }
      return { pages, title: metaText(api, doc, "Title") };
    } finally {
      api._FPDF_CloseDocument(doc);
    }
  } finally {
    api._free(data);
  }
}

function pageText(api: Pdfium, doc: number, index: number): string {
  const page = api._FPDF_LoadPage(doc, index);
  if (!page) return "";
  try {
    const textPage = api._FPDFText_LoadPage(page);
    if (!textPage) return "";
    try {
      const chars = api._FPDFText_CountChars(textPage);
      if (chars <= 0) return "";
      const buffer = allocate(api, (chars + 1) * 2);
      try {
        // The count written includes the terminating NUL.
        const written = api._FPDFText_GetText(textPage, 0, chars, buffer);
        return utf16(api, buffer, written - 1);
      } finally {
        api._free(buffer);
      }
    } finally {
      api._FPDFText_ClosePage(textPage);
    }
  } finally {
    api._FPDF_ClosePage(page);
  }
}

/** FPDF_GetMetaText: asked once for the size in bytes (UTF-16LE, NUL included), then for the text. */
function metaText(api: Pdfium, doc: number, tag: string): string {
  const name = new TextEncoder().encode(`${tag}\0`);
  const tagPointer = allocate(api, name.byteLength);
  try {
    api.HEAPU8.set(name, tagPointer);
    const size = api._FPDF_GetMetaText(doc, tagPointer, 0, 0);
    if (size <= 2) return "";
    const buffer = allocate(api, size);
    try {
      api._FPDF_GetMetaText(doc, tagPointer, buffer, size);
      return utf16(api, buffer, size / 2 - 1);
    } finally {
      api._free(buffer);
    }
  } finally {
    api._free(tagPointer);
  }
}

/** malloc in PDFium's memory; a null pointer (memory exhausted) must never be written through. */
function allocate(api: Pdfium, size: number): number {
  const pointer = api._malloc(size);
  if (!pointer) throw new Error(`PDFium could not allocate ${size} bytes`);
  return pointer;
}

function utf16(api: Pdfium, pointer: number, units: number): string {
  if (units <= 0) return "";
  // A copy: the heap view is replaced when WebAssembly memory grows.
  return new TextDecoder("utf-16le").decode(api.HEAPU8.slice(pointer, pointer + units * 2));
}
