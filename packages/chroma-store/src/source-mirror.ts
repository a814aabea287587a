import { paginate } from "@kmcp/core";
import { z } from "zod";
import type { ChromaWhere } from "./build-where.js";
import type { GetAnswer, GetBody } from "./chroma-rest.js";
import type { ChromaConnection, CollectionSpec } from "./connection.js";
import { ChromaStoreError } from "./errors.js";
import {
  FindSourcesOptionsSchema,
  MirrorFiltersSchema,
  whereForFilters,
  type FindSourcesOptions,
  type MirrorFilters,
} from "./mirror-filters.js";
import { completeRecord, MirrorRecordInputSchema, type MirrorRecord, type MirrorRecordInput } from "./mirror-record.js";
import { fromChromaMetadata, toChromaMetadata } from "./mirror-record-mapping.js";
import { parseInput } from "./parse-input.js";
import { placeholderEmbedding } from "./placeholder-embedding.js";
import { readRange } from "./read-range.js";
import { splitIntoBatches } from "./split-into-batches.js";

/** Typed reads and writes of the `sources_metadata` collection: the mirror of PostgreSQL's sources. */
export interface SourceMirror {
  /** The Chroma collection behind this mirror. */
  readonly collectionName: string;
  /**
   * Insert or replace records, in batches of the server's max batch size.
   * @returns how many records were written.
   * @throws {ChromaStoreError} `VALIDATION` (bad or duplicate records; nothing is written), `UNREACHABLE`, `TIMEOUT`.
   */
  upsert(records: readonly MirrorRecordInput[]): Promise<number>;
  /** Remove records by id; ids not in the mirror are ignored. */
  delete(ids: readonly string[]): Promise<void>;
  /** The record with this id, or null. */
  get(id: string): Promise<MirrorRecord | null>;
  /** The record with this URL, or null; if stale duplicates exist, the most recently updated one. */
  getByUrl(url: string): Promise<MirrorRecord | null>;
  /** The records with these ids, in the order asked; ids not in the mirror are left out. */
  getMany(ids: readonly string[]): Promise<MirrorRecord[]>;
  /** Records matching the filters, in the mirror's storage order (stable between writes). */
  find(options?: FindSourcesOptions): Promise<MirrorRecord[]>;
  /** How many records match the filters (all records when none are given). */
  count(filters?: MirrorFilters): Promise<number>;
  /**
   * Every id in the mirror, fetched a page at a time. Writes during the iteration may shift
   * pages, so an id can be missed or seen twice; iterate while no sync is writing.
   */
  iterateIds(options?: { pageSize?: number }): AsyncGenerator<string, void, undefined>;
}

const IdSchema = z.string().min(1).max(512);
const IdsSchema = z.array(IdSchema);
const COUNT_PAGE_SIZE = 10_000;

export function createSourceMirror(connection: ChromaConnection, spec: CollectionSpec): SourceMirror {
  const name = spec.name;
  const { maxResults } = connection.limits;
  const send = connection.recordsOf(spec);
  const getIds = (operation: string, body: GetBody) => send<GetAnswer>(operation, "get", body);

  async function getRecords(args: { ids: string[] } | { where?: ChromaWhere; limit: number; offset?: number }, operation: string) {
    const readPage = async (page: { ids: string[] } | { where?: ChromaWhere; limit: number; offset: number }) => {
      const result = await getIds(operation, {
        ...("ids" in page ? { ids: page.ids } : { limit: page.limit, ...(page.offset ? { offset: page.offset } : {}) }),
        ...("where" in page && page.where ? { where: page.where } : {}),
        include: ["metadatas"],
      });
      return result.ids.map((id, index) => fromChromaMetadata(id, result.metadatas?.[index] ?? null, name));
    };
    if ("ids" in args) return readPage(args);
    // A server may cap one read's results (Chroma Cloud: 300), so a long range is read in pages.
    return readRange((offset, limit) => readPage({ where: args.where, limit, offset }), { offset: args.offset ?? 0, limit: args.limit }, maxResults);
  }

  async function getMany(ids: readonly string[]): Promise<MirrorRecord[]> {
    const wanted = [...new Set(parseInput(IdsSchema, ids, "source ids"))];
    if (wanted.length === 0) return [];
    const found = new Map<string, MirrorRecord>();
    for (const batch of splitIntoBatches(wanted, await connection.maxBatchSize())) {
      for (const record of await getRecords({ ids: batch }, `reading ${batch.length} sources from ${name}`)) {
        found.set(record.id, record);
      }
    }
    return wanted.flatMap((id) => found.get(id) ?? []);
  }

  async function* iterateIds(options: { pageSize?: number } = {}): AsyncGenerator<string, void, undefined> {
    const pageSize = parseInput(z.number().int().min(1).max(COUNT_PAGE_SIZE).default(1000), options.pageSize, "pageSize");
    const pages = paginate(async (offset, limit) => (await getIds(`listing ids of ${name}`, { limit, offset, include: [] })).ids, Math.min(pageSize, maxResults));
    for await (const page of pages) yield* page;
  }

  return {
    collectionName: name,

    async upsert(records) {
      const valid = parseInput(z.array(MirrorRecordInputSchema), records, "source records");
      const seen = new Set<string>();
      for (const record of valid) {
        if (seen.has(record.id)) {
          throw new ChromaStoreError("VALIDATION", `Source id ${JSON.stringify(record.id)} appears twice in one upsert; pass each source once.`, {
            data: { id: record.id },
          });
        }
        seen.add(record.id);
      }
      if (valid.length === 0) return 0;
      const syncedAt = Date.now();
      const complete = valid.map((r) => completeRecord(r as MirrorRecordInput, syncedAt));
      for (const batch of splitIntoBatches(complete, await connection.maxBatchSize())) {
        await send(`writing ${batch.length} sources to ${name}`, "upsert", {
          ids: batch.map((r) => r.id),
          embeddings: batch.map(placeholderEmbedding),
          metadatas: batch.map(toChromaMetadata),
        });
      }
      return complete.length;
    },

    async delete(ids) {
      const unique = [...new Set(parseInput(IdsSchema, ids, "source ids"))];
      for (const batch of splitIntoBatches(unique, await connection.maxBatchSize())) {
        await send(`deleting ${batch.length} sources from ${name}`, "delete", { ids: batch });
      }
    },

    async get(id) {
      const [record] = await getMany([parseInput(IdSchema, id, "source id")]);
      return record ?? null;
    },

    async getByUrl(url) {
      const wanted = parseInput(z.string().min(1), url, "source url");
      const matches = await getRecords({ where: { url: { $eq: wanted } }, limit: 100 }, `looking up a source by url in ${name}`);
      // The URL is unique in PostgreSQL, but a source deleted and re-added under a new id can
      // leave its old record behind until the next sync removes it: the newer one is current.
      const [newest] = matches.sort((a, b) => b.updatedAt - a.updatedAt || b.syncedAt - a.syncedAt);
      return newest ?? null;
    },

    getMany,

    async find(options = {}) {
      const { filters, limit = 100, offset = 0 } = parseInput(FindSourcesOptionsSchema, options, "find options");
      return getRecords({ where: whereForFilters(filters), limit, offset }, `finding sources in ${name}`);
    },

    async count(filters) {
      const where = whereForFilters(parseInput(MirrorFiltersSchema.optional(), filters, "filters"));
      if (!where) return send<number>(`counting sources in ${name}`, "count");
      // Chroma 1.0 counts only whole collections, so count the matching ids a page at a time.
      let total = 0;
      const pages = paginate(
        async (offset, limit) => (await getIds(`counting sources in ${name}`, { where, limit, offset, include: [] })).ids,
        Math.min(COUNT_PAGE_SIZE, maxResults),
      );
      for await (const page of pages) total += page.length;
      return total;
    },

    iterateIds,
  };
}
