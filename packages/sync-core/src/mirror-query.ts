import type { MirrorFilters, MirrorRecord } from "@kmcp/chroma-store";
import { decodeSourceCursor, encodeSourceCursor, type SourceListQuerySchema } from "@kmcp/core";
import type { z } from "zod";

export type ParsedListQuery = z.output<typeof SourceListQuerySchema>;

/** The filters Chroma can apply itself; the rest (text, order, cursor) is done in memory. */
export function mirrorFilters(query: Pick<ParsedListQuery, "sourceType" | "authorityTier" | "status">): MirrorFilters {
  const filters: MirrorFilters = {};
  if (query.sourceType) filters.sourceType = query.sourceType;
  if (query.authorityTier) filters.authorityTier = query.authorityTier;
  if (query.status) filters.status = query.status;
  return filters;
}

/** Same meaning as the `query` filter in PostgreSQL: case-insensitive substring of title or url. */
export function matchesText(record: Pick<MirrorRecord, "title" | "url">, text: string | undefined): boolean {
  if (!text) return true;
  const needle = text.toLowerCase();
  return record.title.toLowerCase().includes(needle) || record.url.toLowerCase().includes(needle);
}

/** Byte order of ASCII urls, which is what PostgreSQL's `COLLATE "C"` gives. */
export function byUrl(a: Pick<MirrorRecord, "url">, b: Pick<MirrorRecord, "url">): number {
  return a.url < b.url ? -1 : a.url > b.url ? 1 : 0;
}

/** Whether a record passes every filter of the query (cursor aside). */
function matches(record: MirrorRecord, query: ParsedListQuery): boolean {
  return (
    (!query.sourceType || record.sourceType === query.sourceType) &&
    (!query.authorityTier || record.authorityTier === query.authorityTier) &&
    (!query.status || record.status === query.status) &&
    matchesText(record, query.query)
  );
}

/** Index of the first record whose url sorts after `url` (binary search). */
function firstAfter(sorted: readonly MirrorRecord[], url: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as MirrorRecord).url <= url) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One page from records already sorted by url: the same filtering, order and cursor as
 * `db.sources.list`, scanning only from the cursor until the page is full.
 */
export function pageSortedMirrorRecords(sorted: readonly MirrorRecord[], query: ParsedListQuery): { items: MirrorRecord[]; nextCursor: string | null } {
  const items: MirrorRecord[] = [];
  for (let i = query.cursor ? firstAfter(sorted, decodeSourceCursor(query.cursor)) : 0; i < sorted.length; i++) {
    const record = sorted[i] as MirrorRecord;
    if (!matches(record, query)) continue;
    if (items.length === query.limit) return { items, nextCursor: encodeSourceCursor((items.at(-1) as MirrorRecord).url) };
    items.push(record);
  }
  return { items, nextCursor: null };
}

/** The same, from records in any order. */
export function pageMirrorRecords(records: readonly MirrorRecord[], query: ParsedListQuery): { items: MirrorRecord[]; nextCursor: string | null } {
  return pageSortedMirrorRecords([...records].sort(byUrl), query);
}

/** How many records pass the query's filters. */
export function countMirrorRecords(records: readonly MirrorRecord[], query: ParsedListQuery): number {
  return records.reduce((n, r) => (matches(r, query) ? n + 1 : n), 0);
}
