import type { MirrorRecord } from "@kmcp/chroma-store";
import { AuthorityTier, decodeSourceCursor, encodeSourceCursor, SourceStatus, SourceType } from "@kmcp/core";
import type { SourceKindCount } from "@kmcp/db";
import type { ParsedListQuery } from "./mirror-query.js";

/**
 * The mirror held in memory in compact form, for offline reads at a million sources: one string
 * per record (url, title, description and id end to end, split by stored lengths), the
 * vocabularies as one byte each, dates in Float64Arrays, records sorted by url and a second
 * order by id, so lookups are binary searches and no per-record object or Map entry is kept.
 * About a third of the memory of plain records with two Maps (BENCHMARKS.md, figure 11).
 */
export interface CompactMirror {
  readonly size: number;
  /** One page with the same filters, order (url, byte order) and cursor as `db.sources.list`. */
  page(query: ParsedListQuery): { items: MirrorRecord[]; nextCursor: string | null };
  /** How many records pass the query's filters (cursor and limit ignored). */
  count(query: ParsedListQuery): number;
  /** Records per (type, tier, status) combination that has any. */
  kindCounts(): SourceKindCount[];
  getById(id: string): MirrorRecord | undefined;
  /** If stale duplicates of a url exist, the most recently updated one (as `store.sources.getByUrl`). */
  getByUrl(url: string): MirrorRecord | undefined;
}

export interface CompactMirrorBuilder {
  add(record: MirrorRecord): void;
  /** The copy, sorted and indexed; a record seen twice (paging during a write) is kept once, its newest write. */
  build(): CompactMirror;
}

const TYPES = Object.values(SourceType);
const TIERS = Object.values(AuthorityTier);
const STATUSES = Object.values(SourceStatus);
const indexOf = <T extends string>(values: readonly T[]) => new Map(values.map((v, i) => [v, i]));
const TYPE_INDEX = indexOf(TYPES);
const TIER_INDEX = indexOf(TIERS);
const STATUS_INDEX = indexOf(STATUSES);

/** Typed columns, one entry per record; `text` holds url + title + description + id. */
interface Columns {
  text: string[];
  urlLen: Uint32Array;
  titleLen: Uint32Array;
  /** -1 when the description is null. */
  descLen: Int32Array;
  sourceType: Uint8Array;
  authorityTier: Uint8Array;
  status: Uint8Array;
  updatedAt: Float64Array;
  /** NaN when null. */
  lastCrawledAt: Float64Array;
  syncedAt: Float64Array;
}

function allocate(capacity: number): Omit<Columns, "text"> {
  return {
    urlLen: new Uint32Array(capacity),
    titleLen: new Uint32Array(capacity),
    descLen: new Int32Array(capacity),
    sourceType: new Uint8Array(capacity),
    authorityTier: new Uint8Array(capacity),
    status: new Uint8Array(capacity),
    updatedAt: new Float64Array(capacity),
    lastCrawledAt: new Float64Array(capacity),
    syncedAt: new Float64Array(capacity),
  };
}

type NumericColumns = Omit<Columns, "text">;
const NUMERIC_KEYS = Object.keys(allocate(0)) as (keyof NumericColumns)[];

/** `expected` sizes the columns up front (they grow if more records come). */
export function createCompactMirrorBuilder(expected = 0): CompactMirrorBuilder {
  const text: string[] = [];
  let columns = allocate(Math.max(expected, 1024));
  let n = 0;

  function grow() {
    const bigger = allocate(Math.ceil(columns.urlLen.length * 1.5));
    for (const key of NUMERIC_KEYS) (bigger[key] as Uint8Array).set(columns[key] as Uint8Array);
    columns = bigger;
  }

  return {
    add(record) {
      if (n === columns.urlLen.length) grow();
      const c = columns;
      // join() makes one flat string; `+` would keep the four parts alive behind a rope.
      text.push([record.url, record.title, record.description ?? "", record.id].join(""));
      c.urlLen[n] = record.url.length;
      c.titleLen[n] = record.title.length;
      c.descLen[n] = record.description === null ? -1 : record.description.length;
      // Records come validated against these vocabularies (fromChromaMetadata).
      c.sourceType[n] = TYPE_INDEX.get(record.sourceType)!;
      c.authorityTier[n] = TIER_INDEX.get(record.authorityTier)!;
      c.status[n] = STATUS_INDEX.get(record.status)!;
      c.updatedAt[n] = record.updatedAt;
      c.lastCrawledAt[n] = record.lastCrawledAt ?? Number.NaN;
      c.syncedAt[n] = record.syncedAt;
      n += 1;
    },
    build: () => index({ text, ...columns }, n),
  };
}

/** The compact form of records in any order (offline reads before the warm copy has loaded). */
export function compactMirrorOf(records: readonly MirrorRecord[]): CompactMirror {
  const builder = createCompactMirrorBuilder(records.length);
  for (const record of records) builder.add(record);
  return builder.build();
}

/** Compares text[aFrom, aFrom+aLen) with text[bFrom, bFrom+bLen) as `<` on strings does (UTF-16 units). */
function compareSpans(a: string, aFrom: number, aLen: number, b: string, bFrom: number, bLen: number): number {
  const len = Math.min(aLen, bLen);
  for (let k = 0; k < len; k++) {
    const d = a.charCodeAt(aFrom + k) - b.charCodeAt(bFrom + k);
    if (d !== 0) return d;
  }
  return aLen - bLen;
}

const idFrom = (c: Columns, i: number) => c.urlLen[i]! + c.titleLen[i]! + Math.max(c.descLen[i]!, 0);

/**
 * The records sorted by url (the newest first among stale duplicates of a url), each id kept
 * once (its newest write), and the positions in id order. A function of its own so that
 * nothing of the unsorted columns outlives it.
 */
function sortColumns(raw: Columns, n: number): { c: Columns; idOrder: Uint32Array } {
  const compareIds = (i: number, j: number) => {
    const a = idFrom(raw, i);
    const b = idFrom(raw, j);
    return compareSpans(raw.text[i]!, a, raw.text[i]!.length - a, raw.text[j]!, b, raw.text[j]!.length - b);
  };
  const byId = Uint32Array.from({ length: n }, (_, i) => i).sort((i, j) => compareIds(i, j) || raw.syncedAt[j]! - raw.syncedAt[i]!);
  const kept = byId.filter((i, k) => k === 0 || compareIds(byId[k - 1]!, i) !== 0);
  const byUrl = kept.slice().sort((i, j) => compareSpans(raw.text[i]!, 0, raw.urlLen[i]!, raw.text[j]!, 0, raw.urlLen[j]!) || raw.updatedAt[j]! - raw.updatedAt[i]!);

  const size = byUrl.length;
  const text = new Array<string>(size);
  for (let k = 0; k < size; k++) text[k] = raw.text[byUrl[k]!]!;
  const c: Columns = { text, ...allocate(size) };
  for (const key of NUMERIC_KEYS) {
    const from = raw[key];
    const to = c[key];
    for (let k = 0; k < size; k++) to[k] = from[byUrl[k]!]!;
  }
  const position = new Uint32Array(n);
  for (let k = 0; k < size; k++) position[byUrl[k]!] = k;
  return { c, idOrder: kept.map((i) => position[i]!) };
}

function index(raw: Columns, n: number): CompactMirror {
  const { c, idOrder } = sortColumns(raw, n);
  const size = c.text.length;

  function record(i: number): MirrorRecord {
    const text = c.text[i]!;
    const titleFrom = c.urlLen[i]!;
    const descFrom = titleFrom + c.titleLen[i]!;
    const descLen = c.descLen[i]!;
    const lastCrawledAt = c.lastCrawledAt[i]!;
    return {
      id: text.slice(descFrom + Math.max(descLen, 0)),
      url: text.slice(0, titleFrom),
      title: text.slice(titleFrom, descFrom),
      sourceType: TYPES[c.sourceType[i]!]!,
      status: STATUSES[c.status[i]!]!,
      authorityTier: TIERS[c.authorityTier[i]!]!,
      description: descLen < 0 ? null : text.slice(descFrom, descFrom + descLen),
      updatedAt: c.updatedAt[i]!,
      lastCrawledAt: Number.isNaN(lastCrawledAt) ? null : lastCrawledAt,
      syncedAt: c.syncedAt[i]!,
    };
  }

  /** First position whose url sorts at or after `url` (or strictly after, with `after`). */
  function seekUrl(url: string, after: boolean): number {
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const d = compareSpans(c.text[mid]!, 0, c.urlLen[mid]!, url, 0, url.length);
      if (d < 0 || (after && d === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A filter over positions: the vocabularies compare bytes, the text filter reads url and title. */
  function matcher(query: ParsedListQuery): (i: number) => boolean {
    const type = query.sourceType === undefined ? -1 : TYPE_INDEX.get(query.sourceType)!;
    const tier = query.authorityTier === undefined ? -1 : TIER_INDEX.get(query.authorityTier)!;
    const status = query.status === undefined ? -1 : STATUS_INDEX.get(query.status)!;
    // Same meaning as the `query` filter in PostgreSQL: case-insensitive substring of title or url.
    const needle = query.query?.toLowerCase();
    const hasText = (i: number) => {
      const text = c.text[i]!;
      return text.slice(0, c.urlLen[i]).toLowerCase().includes(needle!) || text.slice(c.urlLen[i], c.urlLen[i]! + c.titleLen[i]!).toLowerCase().includes(needle!);
    };
    return (i) =>
      (type < 0 || c.sourceType[i] === type) &&
      (tier < 0 || c.authorityTier[i] === tier) &&
      (status < 0 || c.status[i] === status) &&
      (!needle || hasText(i));
  }

  return {
    size,
    page(query) {
      const matches = matcher(query);
      const items: MirrorRecord[] = [];
      for (let i = query.cursor ? seekUrl(decodeSourceCursor(query.cursor), true) : 0; i < size; i++) {
        if (!matches(i)) continue;
        if (items.length === query.limit) return { items, nextCursor: encodeSourceCursor(items.at(-1)!.url) };
        items.push(record(i));
      }
      return { items, nextCursor: null };
    },
    count(query) {
      const matches = matcher(query);
      let total = 0;
      for (let i = 0; i < size; i++) if (matches(i)) total += 1;
      return total;
    },
    kindCounts() {
      const counts = new Map<number, number>();
      for (let i = 0; i < size; i++) {
        const key = (c.sourceType[i]! * TIERS.length + c.authorityTier[i]!) * STATUSES.length + c.status[i]!;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return [...counts].map(([key, count]) => ({
        sourceType: TYPES[Math.floor(key / (TIERS.length * STATUSES.length))]!,
        authorityTier: TIERS[Math.floor(key / STATUSES.length) % TIERS.length]!,
        status: STATUSES[key % STATUSES.length]!,
        n: count,
      }));
    },
    getById(id) {
      let lo = 0;
      let hi = size;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const p = idOrder[mid]!;
        const from = idFrom(c, p);
        const d = compareSpans(c.text[p]!, from, c.text[p]!.length - from, id, 0, id.length);
        if (d === 0) return record(p);
        if (d < 0) lo = mid + 1;
        else hi = mid;
      }
      return undefined;
    },
    getByUrl(url) {
      const i = seekUrl(url, false);
      return i < size && compareSpans(c.text[i]!, 0, c.urlLen[i]!, url, 0, url.length) === 0 ? record(i) : undefined;
    },
  };
}
