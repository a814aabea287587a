import { createHash } from "node:crypto";
import { MAX_TITLE_LENGTH, type Source } from "@kmcp/core";
import type { StoredChunk } from "@kmcp/chroma-store";
import type { ChunkOptions } from "./chunk-document.js";
import type { IngestDocument, IngestedDocument } from "./ingest-schemas.js";

/**
 * Identifies a document's chunks: a hash of everything they depend on (embedder, chunk options,
 * format, title, page ranges, text, and for a page of a many-page source its url), so a new
 * embedder or chunk size re-ingests too.
 */
export function contentHashOf(input: {
  embedderId: string;
  chunking: ChunkOptions;
  format: IngestDocument["format"];
  title: string | null;
  pages?: IngestDocument["pages"];
  content: string;
  /** A page's own url (ingestPages); absent for a one-document source. */
  pageUrl?: string;
}): string {
  const meta = [input.embedderId, input.chunking, input.format, input.title];
  const hash = createHash("sha256").update(JSON.stringify(input.pageUrl === undefined ? meta : [...meta, input.pageUrl]));
  // Page ranges change the chunks' metadata; documents without them hash as they always did.
  if (input.pages) hash.update(JSON.stringify(input.pages));
  return hash.update(input.content).digest("hex").slice(0, 32);
}

/**
 * A chunk's id: new content gets new ids, so its chunks can be written beside the old ones before
 * those are removed. `scope` is the source id, or pageScopeOf for a page of a many-page source.
 */
export function chunkIdOf(scope: string, contentHash: string, index: number): string {
  return `${scope}:${contentHash.slice(0, 12)}:${index}`;
}

/** The id prefix of one page's chunks: its source and a hash of its url. */
export function pageScopeOf(sourceId: string, url: string): string {
  return `${sourceId}:${createHash("sha256").update(url).digest("hex").slice(0, 12)}`;
}

/** True when the stored chunks (in document order) are exactly one complete cut of this content version. */
export function isComplete(stored: readonly Pick<StoredChunk, "contentHash" | "index" | "count">[], contentHash: string): boolean {
  return (
    stored.length > 0 &&
    stored.every((chunk, i) => chunk.contentHash === contentHash && chunk.index === i && chunk.count === stored.length)
  );
}

/** The stored chunks a new cut (`keep`) replaces: every stored id it does not reuse, old versions and crash leftovers alike. */
export function staleChunkIds(stored: readonly Pick<StoredChunk, "id">[], keep: readonly string[]): string[] {
  const kept = new Set(keep);
  return stored.filter((chunk) => !kept.has(chunk.id)).map((chunk) => chunk.id);
}

/** What writing `chunkCount` new chunks over `storedCount` stored ones is called in the report. */
export function writeOutcome(chunkCount: number, storedCount: number): Exclude<IngestedDocument["outcome"], "unchanged"> {
  return chunkCount === 0 ? "empty" : storedCount === 0 ? "added" : "replaced";
}

/** A title a source accepts: one line, no control characters, at most MAX_TITLE_LENGTH characters; null if nothing is left. */
export function sourceTitle(text: string | null | undefined): string | null {
  let clean = (text ?? "").replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, " ").trim().slice(0, MAX_TITLE_LENGTH);
  // Never end on half of a surrogate pair (the cut may split an emoji).
  if (/[\ud800-\udbff]$/.test(clean)) clean = clean.slice(0, -1);
  return clean.trim() || null;
}

/** The fields of `wanted` that are given and differ from `source`. */
export function changedFields<T extends Record<string, unknown>>(source: Source, wanted: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(wanted).filter(([key, value]) => value !== undefined && source[key as keyof Source] !== value),
  ) as Partial<T>;
}

/**
 * How many documents, from the front of a queue holding `chunkCounts` chunks each, the next
 * write takes: whole documents, as many as fit in `maxChunks`, and always at least one (the
 * chunk store splits a document larger than that itself).
 */
export function takeBatch(chunkCounts: readonly number[], maxChunks: number): number {
  let taken = 0;
  let chunks = 0;
  for (const count of chunkCounts) {
    if (taken > 0 && chunks + count > maxChunks) break;
    taken++;
    chunks += count;
  }
  return taken;
}
