import type { MirrorFilters, MirrorRecord } from "@kmcp/chroma-store";
import { decodeSourceCursor, encodeSourceCursor, type SourceListQuerySchema } from "@kmcp/db";
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
function byUrl(a: MirrorRecord, b: MirrorRecord): number {
  return a.url < b.url ? -1 : a.url > b.url ? 1 : 0;
}

/**
 * One page of a source list answered from mirror records: the same filtering, order and
 * cursor as `db.sources.list`, so a page from PostgreSQL and one from the mirror line up.
 */
export function pageMirrorRecords(records: readonly MirrorRecord[], query: ParsedListQuery): { items: MirrorRecord[]; nextCursor: string | null } {
  const after = query.cursor ? decodeSourceCursor(query.cursor) : undefined;
  const matching = records
    .filter((r) => matchesText(r, query.query) && (after === undefined || r.url > after))
    .sort(byUrl);
  const items = matching.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: matching.length > query.limit && last ? encodeSourceCursor(last.url) : null };
}
