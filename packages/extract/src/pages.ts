import type { PageRange } from "./kinds.js";

/** The pages a range [start, end) of the extracted text falls on, in order; [] when none. */
export function pagesOfRange(pages: readonly PageRange[], start: number, end: number): number[] {
  return pages.filter((page) => page.start < end && page.end > start).map((page) => page.page);
}

/** Pages as a label: "3", "3-4", "3-5" (first to last), or null for none. */
export function pageLabel(pages: readonly number[]): string | null {
  if (pages.length === 0) return null;
  const first = Math.min(...pages);
  const last = Math.max(...pages);
  return first === last ? String(first) : `${first}-${last}`;
}

/**
 * Where each chunk sits in `text`, for chunks cut from it in order (they may overlap). A chunk's
 * last line is searched for from the previous chunk's start, then its first line backwards from
 * there — so text repeated across pages (a running footer, a chunk's overlap) is placed next to
 * the rest of its chunk. A chunk that cannot be found (the chunker rewrote it) gets null.
 */
export function locateChunks(text: string, chunks: readonly string[]): ({ start: number; end: number } | null)[] {
  let cursor = 0;
  return chunks.map((chunk) => {
    const lines = chunk
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "");
    const head = (lines[0] ?? "").slice(0, 80);
    const tail = (lines.at(-1) ?? "").slice(-80);
    if (head === "") return null;
    const tailAt = text.indexOf(tail, cursor);
    if (tailAt < 0) return null;
    const start = text.lastIndexOf(head, tailAt);
    if (start < 0) return null;
    cursor = start + 1;
    return { start, end: tailAt + tail.length };
  });
}
