import {
  formatIssues,
  decodeSourceCursor,
  encodeSourceCursor,
  IdSchema,
  SourceCreateSchema,
  SourceListQuerySchema,
  SourceRefSchema,
  SourceUpdateSchema,
  SourceUrlSchema,
  type SourceCreateInput,
  type SourceListQuery,
  type Page,
  type Source,
  type SourceUpdateInput,
} from "@kmcp/core";
import type { RepositoryContext } from "./context.js";
import { DbError } from "./errors.js";
import { parseInput } from "./parse-input.js";
import { splitDistinctUrls, upsertSourceRows, type BulkSourceRow } from "./source-bulk.js";
import { countSources, findExistingIds, groupSourceCounts, selectSource, selectSources, selectSourcesByUrl, type SourceKindCount } from "./source-reads.js";

/** What `upsertMany` did with a batch: counts per outcome, and the inputs it refused. */
export interface UpsertManyResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Inputs that failed validation, by their index in the batch; nothing was written for them. */
  rejected: { index: number; error: string }[];
}

export interface SourcesRepository {
  /** @throws DbError VALIDATION on bad input, CONFLICT when the (normalised) url exists. */
  create(input: SourceCreateInput): Promise<Source>;
  /**
   * Creates the source, or brings the one with the same (normalised) url up to date: safe to
   * repeat, so an import can be re-run. Fields not given keep their stored value.
   */
  upsert(input: SourceCreateInput): Promise<{ source: Source; outcome: "created" | "updated" | "unchanged" }>;
  /**
   * `upsert` for a batch, at database speed: every input is validated (bad ones are returned by
   * index, not thrown), the rest are written in one statement (one round trip), and a row equal
   * to the stored one costs no write. A url repeated within the batch is applied in order, as
   * `upsert` row by row would. Idempotent, so an interrupted import can simply be re-run.
   * Batches of a few thousand rows suit it best (see BENCHMARKS.md, figure 7).
   */
  upsertMany(inputs: readonly SourceCreateInput[]): Promise<UpsertManyResult>;
  /** One source by id or url (any spelling that normalises to it); null when there is none. */
  get(idOrUrl: string): Promise<Source | null>;
  /**
   * The sources of these urls (any spelling that normalises to one), by their url: one query,
   * uncached, for looking up a batch (an ingest's files). A url with no source is not in the map.
   * @throws DbError VALIDATION when a url is not a source url.
   */
  getByUrls(urls: readonly string[]): Promise<Map<string, Source>>;
  /**
   * Sources ordered by url (byte order: normalised urls are ASCII), filtered, one page at a
   * time. The cursor is shared with the offline mirror (see encodeSourceCursor).
   */
  list(query?: SourceListQuery): Promise<Page<Source>>;
  /** How many sources match the list filters (cursor and limit ignored). */
  count(query?: Omit<SourceListQuery, "cursor" | "limit">): Promise<number>;
  /** How many sources per (type, tier, status) combination; combinations with none are left out. */
  countByKind(): Promise<SourceKindCount[]>;
  /**
   * Which of these ids name a source now (any string may be asked: one that is not a UUID names
   * none). One query, uncached: for checking a page of mirror ids at a time.
   */
  existingIds(ids: readonly string[]): Promise<Set<string>>;
  /** @throws DbError NOT_FOUND, CONFLICT (url taken), VALIDATION. */
  update(id: string, patch: SourceUpdateInput): Promise<Source>;
  /** Sets status `archived`; the source stays (and stays in the mirror). */
  archive(id: string): Promise<Source>;
  /** Removes the source for good, leaving a tombstone for the change feed. */
  delete(id: string): Promise<Source>;
}

export function createSourcesRepository(ctx: RepositoryContext): SourcesRepository {
  const { prisma, pool, cache } = ctx;
  // The cache's version check runs inside ctx.run too, so its failures are translated alike.
  const read = <T>(key: unknown, action: string, fn: () => Promise<T>, copy: (value: T) => T) =>
    ctx.run(action, () => cache.read(JSON.stringify(key), fn, copy));
  // No cache bookkeeping: a committed write moves the source version, which every cached read checks.
  const write = <T>(action: string, fn: () => Promise<T>) => ctx.run(action, fn);

  async function create(input: SourceCreateInput): Promise<Source> {
    const data = parseInput(SourceCreateSchema, input, "source");
    try {
      return await write("create the source", () => prisma.source.create({ data }));
    } catch (error) {
      throw await explainConflict(error, data.url);
    }
  }

  async function explainConflict(error: unknown, url: string | undefined): Promise<unknown> {
    if (!(error instanceof DbError) || error.code !== "CONFLICT" || !url) return error;
    const existing = await prisma.source.findUnique({ where: { url }, select: { id: true } }).catch(() => null);
    return new DbError("CONFLICT", `A source with url ${url} already exists${existing ? ` (id ${existing.id})` : ""}.`, {
      data: { url, existingId: existing?.id },
      cause: error,
    });
  }

  async function upsert(input: SourceCreateInput) {
    const data = parseInput(SourceCreateSchema, input, "source");
    // `status` defaults to pending on create; an upsert must not reset a stored status.
    const given = { ...data, status: (input as { status?: unknown }).status === undefined ? undefined : data.status };
    for (let attempt = 0; ; attempt++) {
      const existing = await ctx.run("read the source", () => prisma.source.findUnique({ where: { url: data.url } }));
      if (!existing) {
        try {
          return { source: await create(input), outcome: "created" as const };
        } catch (error) {
          // Lost a race with a concurrent create of the same url: go round and update it.
          if (attempt === 0 && error instanceof DbError && error.code === "CONFLICT") continue;
          throw error;
        }
      }
      const patch = Object.fromEntries(
        Object.entries(given).filter(([key, value]) => value !== undefined && !sameValue(existing[key as keyof Source], value)),
      );
      if (Object.keys(patch).length === 0) return { source: existing, outcome: "unchanged" as const };
      const source = await write(`update source ${existing.id}`, () => prisma.source.update({ where: { id: existing.id }, data: patch }));
      return { source, outcome: "updated" as const };
    }
  }

  async function upsertMany(inputs: readonly SourceCreateInput[]): Promise<UpsertManyResult> {
    const result: UpsertManyResult = { created: 0, updated: 0, unchanged: 0, rejected: [] };
    const valid: BulkSourceRow[] = [];
    inputs.forEach((input, index) => {
      const parsed = SourceCreateSchema.safeParse(input);
      if (!parsed.success) result.rejected.push({ index, error: formatIssues(parsed.error) });
      else valid.push({ data: parsed.data, hasStatus: (input as { status?: unknown }).status !== undefined });
    });
    for (const run of splitDistinctUrls(valid)) {
      const counts = await write(`upsert ${run.length} sources`, () => upsertSourceRows(pool, run));
      result.created += counts.created;
      result.updated += counts.updated;
      result.unchanged += counts.unchanged;
    }
    return result;
  }

  async function get(idOrUrl: string): Promise<Source | null> {
    const ref = parseInput(SourceRefSchema, idOrUrl, "source id or url");
    return read(["get", ref], "read the source", () => selectSource(pool, ref), (source) => source && copySource(source));
  }

  async function getByUrls(urls: readonly string[]): Promise<Map<string, Source>> {
    const normalised = [...new Set(parseInput(SourceUrlSchema.array(), urls, "source urls"))];
    if (normalised.length === 0) return new Map();
    const sources = await ctx.run("read the sources", () => selectSourcesByUrl(pool, normalised));
    return new Map(sources.map((source) => [source.url, source]));
  }

  async function list(query: SourceListQuery = {}): Promise<Page<Source>> {
    const q = parseInput(SourceListQuerySchema, query, "source list query");
    const afterUrl = q.cursor ? decodeSourceCursor(q.cursor) : undefined;
    return read(["list", q], "list sources", async () => {
      const rows = await selectSources(pool, q, afterUrl, q.limit + 1);
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeSourceCursor(last.url) : null };
    }, (page) => ({ ...page, items: page.items.map(copySource) }));
  }

  async function count(query: Omit<SourceListQuery, "cursor" | "limit"> = {}): Promise<number> {
    const q = parseInput(SourceListQuerySchema, query, "source count query");
    return read(["count", q], "count sources", () => countSources(pool, q), (n) => n);
  }

  async function countByKind() {
    return read(["countByKind"], "count sources by kind", () => groupSourceCounts(pool), (rows) => rows.map((row) => ({ ...row })));
  }

  async function update(id: string, patch: SourceUpdateInput): Promise<Source> {
    const sourceId = parseInput(IdSchema, id, "source id");
    const data = parseInput(SourceUpdateSchema, patch, "source update");
    try {
      return await write(`update source ${sourceId}`, () => prisma.source.update({ where: { id: sourceId }, data }));
    } catch (error) {
      throw await explainConflict(notFound(error, sourceId), data.url);
    }
  }

  async function remove(id: string): Promise<Source> {
    const sourceId = parseInput(IdSchema, id, "source id");
    try {
      return await write(`delete source ${sourceId}`, () => prisma.source.delete({ where: { id: sourceId } }));
    } catch (error) {
      throw notFound(error, sourceId);
    }
  }

  return { create, upsert, upsertMany, get, getByUrls, list, count, countByKind, existingIds: (ids) => findExistingIds(ctx, ids), update, archive: (id) => update(id, { status: "archived" }), delete: remove };
}

/** A source of its own: the fields are strings and numbers apart from the Dates. */
function copySource(source: Source): Source {
  return {
    ...source,
    createdAt: new Date(source.createdAt),
    updatedAt: new Date(source.updatedAt),
    lastCrawledAt: source.lastCrawledAt && new Date(source.lastCrawledAt),
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

function notFound(error: unknown, id: string): unknown {
  if (error instanceof DbError && error.code === "NOT_FOUND") {
    return new DbError("NOT_FOUND", `No source with id ${id}.`, { data: { id }, cause: error });
  }
  return error;
}
