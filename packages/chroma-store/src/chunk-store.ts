import { randomUUID } from "node:crypto";
import type { Metadata, Where } from "chromadb";
import { paginate, readAllPages } from "@kmcp/core";
import { z } from "zod";
import type { CollectionRef } from "./chroma-http.js";
import type { GetAnswer, GetBody, QueryBody } from "./chroma-rest.js";
import type { ChromaConnection, CollectionSpec } from "./connection.js";
import { ChromaStoreError } from "./errors.js";
import { parseInput } from "./parse-input.js";
import {
  chunkMetadata,
  ChunkInputSchema,
  DIMENSION_KEY,
  EMBEDDER_KEY,
  IdSchema,
  recordedSpace,
  StoredChunkMetadataSchema,
  VectorSpaceSchema,
  type ChunkInput,
  type ChunkMatch,
  type ChunkRecord,
  type StoredChunk,
  type VectorSpace,
} from "./chunk-shapes.js";
import { upsertBody } from "./rest-upsert.js";
import { splitIntoBatches } from "./split-into-batches.js";

/** The `source_chunks` collection: searchable chunks of source content, in one vector space. */
export interface ChunkStore {
  readonly collectionName: string;
  /**
   * The vector space recorded on the collection; null while it has never held a chunk. With
   * `expected`, the cached collection handle answers when it records that space (no request;
   * query() checks the space of the collection it reads anyway); otherwise it is read afresh.
   */
  space(expected?: VectorSpace): Promise<VectorSpace | null>;
  /**
   * Insert or replace chunks. The first write records `space` on the collection; writing
   * vectors of another space while it holds chunks is refused.
   * @throws {ChromaStoreError} `CONFLICT` (data.reason "vector_space") for another space;
   *   `VALIDATION` for bad chunks or vectors of the wrong length (nothing is written).
   */
  upsert(space: VectorSpace, chunks: readonly ChunkInput[]): Promise<number>;
  /** The chunks stored for a source (without text or vectors), in document order. */
  ofSource(sourceId: string): Promise<StoredChunk[]>;
  /** The most chunks the server takes in one write: an upsert of more is split into writes of this size. */
  maxBatchSize(): Promise<number>;
  /** The chunks of one page of a many-page source (chunks stored with that `url`), in page order. */
  ofPage(sourceId: string, url: string): Promise<StoredChunk[]>;
  /** The chunks of several pages of a source, in one read: by page url, each in page order (pages without chunks left out). */
  ofPages(sourceId: string, urls: readonly string[]): Promise<Map<string, StoredChunk[]>>;
  /** Remove every chunk of one page of a source. */
  deletePage(sourceId: string, url: string): Promise<void>;
  /** Remove chunks by id; unknown ids are ignored. */
  delete(ids: readonly string[]): Promise<void>;
  /** Remove every chunk of these sources. */
  deleteSources(sourceIds: readonly string[]): Promise<void>;
  /**
   * The `limit` chunks nearest to `embedding`, nearest first, optionally only of `sourceIds`;
   * never more than the store's `maxResults` (one query cannot be paged).
   * With `text: false` each match's text is "" (less to transfer; fetch the ones kept with texts()).
   * @throws {ChromaStoreError} `CONFLICT` when the collection holds another space.
   */
  query(
    space: VectorSpace,
    embedding: readonly number[],
    options: { limit: number; sourceIds?: readonly string[]; text?: boolean },
  ): Promise<ChunkMatch[]>;
  /**
   * The ids and distances of the `limit` chunks nearest to `embedding`, nearest first: query()
   * without the metadata and texts, which are most of Chroma's work for a query (read the few
   * kept with records()). Same checks and cap as query().
   * @throws {ChromaStoreError} `CONFLICT` when the collection holds another space.
   */
  nearest(space: VectorSpace, embedding: readonly number[], options: { limit: number }): Promise<{ id: string; distance: number }[]>;
  /** The texts of these chunks by id; unknown ids are left out. */
  texts(ids: readonly string[]): Promise<Map<string, string>>;
  /** How many chunks the collection holds. */
  count(): Promise<number>;
  /** Remove every chunk and the recorded space (to re-ingest with another embedder). */
  clear(): Promise<void>;
  /** How many chunks and distinct sources the collection holds (reads every chunk's metadata, a page at a time). */
  tally(): Promise<{ chunks: number; sources: number }>;
  /**
   * A token that changes on every write (upsert, delete, deleteSources) by any process; with
   * count(), a cheap signal that the chunks changed. Null before the first write.
   */
  version(): Promise<string | null>;
  /** Every chunk id, a page at a time (no texts, metadata or vectors). */
  ids(): Promise<string[]>;
  /** These chunks' texts and heading paths by id; unknown ids are left out. */
  records(ids: readonly string[]): Promise<ChunkRecord[]>;
}

// Collection metadata key of the write token (see version()).
const VERSION_KEY = "kmcp_version";
const PAGE_SIZE = 5_000;
// Most query embeddings concurrent searches send in one request (see chroma-rest.ts): a sane bound, far under any server's batch size.
const QUERY_BATCH = 32;

// Built once: a search reads through these on every call, and making a zod schema costs more than using it.
const QueryOptionsSchema = z.strictObject({ limit: z.number().int().min(1).max(100_000), sourceIds: z.array(IdSchema).optional(), text: z.boolean().default(true) });
const NearestOptionsSchema = QueryOptionsSchema.pick({ limit: true });
const IdsSchema = z.array(IdSchema);

const sameSpace = (a: VectorSpace, b: VectorSpace) => a.embedder === b.embedder && a.dimension === b.dimension;

export function createChunkStore(connection: ChromaConnection, spec: CollectionSpec): ChunkStore {
  const name = spec.name;
  const use = <T>(operation: string, run: (collection: CollectionRef) => Promise<T>) => connection.withCollectionRef(spec, operation, run);
  // Over node:http but the batched reads of search (connection.rest): writing new chunks loads no undici (~70 ms at start).
  const send = connection.recordsOf(spec);
  const get = (operation: string, body: GetBody) => send<GetAnswer>(operation, "get", body);
  // Pages of listings stay within the server's per-read cap (Chroma Cloud: 300 results).
  const pageSize = Math.min(PAGE_SIZE, connection.limits.maxResults);

  function mismatch(recorded: VectorSpace, asked: VectorSpace): ChromaStoreError {
    return new ChromaStoreError(
      "CONFLICT",
      `Chroma collection ${name} holds vectors of ${recorded.embedder} (dimension ${recorded.dimension}), not of ${asked.embedder} (dimension ${asked.dimension}); use the embedder that made it, or remove its chunks and ingest again.`,
      { data: { reason: "vector_space", collection: name, recorded, asked } },
    );
  }

  function decode(id: string, metadata: Metadata | null | undefined): StoredChunk & { headingPath: string[] } {
    const parsed = StoredChunkMetadataSchema.safeParse(metadata ?? {});
    let headingPath: unknown;
    try {
      headingPath = parsed.success ? JSON.parse(parsed.data.headingPath) : undefined;
    } catch {
      headingPath = undefined;
    }
    if (!parsed.success || !Array.isArray(headingPath) || !headingPath.every((h) => typeof h === "string")) {
      throw new ChromaStoreError("CORRUPT", `Record ${JSON.stringify(id)} in Chroma collection ${name} is not a kmcp chunk; remove it or ingest again.`, {
        data: { collection: name, id },
      });
    }
    const { sourceId, contentHash, chunkIndex, chunkCount, pages, url, title } = parsed.data;
    return { id, sourceId, contentHash, index: chunkIndex, count: chunkCount, headingPath, ...(pages ? { pages } : {}), ...(url ? { url } : {}), ...(title ? { title } : {}) };
  }

  /** The space recorded on the collection's cached handle (null: none yet). */
  function spaceOnHandle(): Promise<VectorSpace | null> {
    return use(`reading the vector space of ${name}`, async (c) => recordedSpace(c));
  }

  /** The space recorded on the collection; a cached handle without the asked space is refreshed once first. */
  async function currentSpace(asked?: VectorSpace): Promise<VectorSpace | null> {
    const cached = await spaceOnHandle();
    if (cached && asked && sameSpace(cached, asked)) return cached;
    // Another process may have recorded or replaced the space since this handle was opened.
    connection.forget(name);
    return spaceOnHandle();
  }

  /** Chroma's answer to a vector query, after the space checks; null when the collection holds no space yet. */
  async function runQuery(space: VectorSpace, embedding: readonly number[], limit: number, sourceIds: readonly string[] | undefined, include: QueryBody["include"]) {
    const asked = parseInput(VectorSpaceSchema, space, "vector space");
    if (embedding.length !== asked.dimension) {
      throw new ChromaStoreError("VALIDATION", `The query vector has ${embedding.length} dimensions; ${asked.embedder} makes ${asked.dimension}.`);
    }
    const recorded = await currentSpace(asked);
    if (!recorded) return null;
    if (!sameSpace(recorded, asked)) throw mismatch(recorded, asked);
    if (sourceIds?.length === 0) return null;
    const where = sourceIds ? { sourceId: { $in: [...sourceIds] } } : undefined;
    return use(`searching ${name}`, async (c) => {
      // Checked again on the handle queried: it is a new one when the collection was re-created meanwhile.
      const held = recordedSpace(c);
      if (!held) return null;
      if (!sameSpace(held, asked)) throw mismatch(held, asked);
      return connection.rest.query(c, {
        query_embeddings: [[...embedding]],
        // Capped at the server's per-read results: fewer, nearest, candidates rather than a refused search.
        n_results: Math.min(limit, connection.limits.maxResults),
        ...(where ? { where } : {}),
        include,
      }, { upTo: QUERY_BATCH });
    });
  }

  async function query(space: VectorSpace, embedding: readonly number[], options: { limit: number; sourceIds?: readonly string[]; text?: boolean }) {
    const { limit, sourceIds, text } = parseInput(QueryOptionsSchema, options, "query options");
    const result = await runQuery(space, embedding, limit, sourceIds, text ? ["documents", "metadatas", "distances"] : ["metadatas", "distances"]);
    if (!result) return [];
    const ids = result.ids[0] ?? [];
    return ids.map((id, i): ChunkMatch => ({
      ...decode(id, result.metadatas?.[0]?.[i]),
      text: (text && result.documents?.[0]?.[i]) || "",
      distance: result.distances?.[0]?.[i] ?? Number.POSITIVE_INFINITY,
    }));
  }

  async function nearest(space: VectorSpace, embedding: readonly number[], options: { limit: number }) {
    const { limit } = parseInput(NearestOptionsSchema, options, "query options");
    const result = await runQuery(space, embedding, limit, undefined, ["distances"]);
    const ids = result?.ids[0] ?? [];
    return ids.map((id, i) => ({ id, distance: result?.distances?.[0]?.[i] ?? Number.POSITIVE_INFINITY }));
  }

  /** The chunks matching `where` (without text or vectors), in document order. */
  async function storedChunks(operation: string, where: Where): Promise<StoredChunk[]> {
    const chunks = await readAllPages(async (offset, limit) => {
      const page = await get(operation, { where, limit, offset, include: ["metadatas"] });
      return page.ids.map((chunkId, i): StoredChunk => {
        const { headingPath: _headingPath, ...stored } = decode(chunkId, page.metadatas?.[i]);
        return stored;
      });
    }, pageSize);
    return chunks.sort((a, b) => a.index - b.index || a.id.localeCompare(b.id));
  }

  /** The chunks of these pages of a source, by page url. */
  async function ofPages(sourceId: string, urls: readonly string[]): Promise<Map<string, StoredChunk[]>> {
    const id = parseInput(IdSchema, sourceId, "source id");
    const pages = [...new Set(parseInput(z.array(z.string().min(1).max(4_096)), urls, "page urls"))];
    const byPage = new Map<string, StoredChunk[]>();
    for (const batch of splitIntoBatches(pages, 100)) {
      const where = { $and: [{ sourceId: { $eq: id } }, { url: { $in: batch } }] } as Where;
      for (const chunk of await storedChunks(`reading the chunks of ${batch.length} pages`, where)) {
        byPage.set(chunk.url as string, [...(byPage.get(chunk.url as string) ?? []), chunk]);
      }
    }
    return byPage;
  }

  /**
   * Replace the collection's metadata with `metadata(current)`, one request on the cached handle,
   * which then holds it (as a chromadb Collection's modify() keeps it); a failed change drops the
   * handle: the next use reads what the server holds.
   */
  async function modifyMetadata(operation: string, metadata: (current: Metadata) => Metadata) {
    try {
      await use(operation, async (c) => {
        const next = metadata(c.metadata ?? {});
        await connection.http.modifyMetadata(c, next);
        c.metadata = next;
      });
    } catch (error) {
      connection.forget(name);
      throw error;
    }
  }

  /** Record that the chunks changed, after the change: a reader that saw the old token reads again. */
  async function bumpVersion() {
    // The whole metadata is written back, so it must not be stale. On one collection the kind
    // marker and the recorded space are written once (another space means a new collection,
    // see upsert), so a handle that already holds a space is current in all but the token,
    // which is replaced; one opened before the space was recorded is read afresh first.
    if (!(await spaceOnHandle())) connection.forget(name);
    await modifyMetadata(`recording a change of ${name}`, (current) => ({ ...current, [VERSION_KEY]: `${Date.now()}-${randomUUID()}` }));
  }

  return {
    collectionName: name,

    space: (expected) => currentSpace(expected && parseInput(VectorSpaceSchema, expected, "vector space")),

    async upsert(space, chunks) {
      const asked = parseInput(VectorSpaceSchema, space, "vector space");
      const valid = parseInput(z.array(ChunkInputSchema), chunks, "chunks");
      const wrongLength = valid.find((chunk) => chunk.embedding.length !== asked.dimension);
      if (wrongLength) {
        throw new ChromaStoreError(
          "VALIDATION",
          `Chunk ${JSON.stringify(wrongLength.id)} has a vector of ${wrongLength.embedding.length} dimensions; ${asked.embedder} makes ${asked.dimension}.`,
        );
      }
      if (new Set(valid.map((c) => c.id)).size !== valid.length) {
        throw new ChromaStoreError("VALIDATION", "A chunk id appears twice in one upsert; pass each chunk once.");
      }
      if (valid.length === 0) return 0;
      const recorded = await currentSpace(asked);
      if (!recorded || !sameSpace(recorded, asked)) {
        if (recorded) {
          // An empty collection may change space; a full one may not. Chroma keeps a collection's
          // dimension after its last record is deleted, so the empty one is made anew.
          if ((await send<number>(`counting chunks in ${name}`, "count")) > 0) throw mismatch(recorded, asked);
          await connection.deleteCollection(name, `recreating ${name} for ${asked.embedder}`);
        }
        // On the handle currentSpace just read afresh (or the new collection's), which then holds the space.
        await modifyMetadata(`recording the vector space of ${name}`, (current) => ({ ...current, [EMBEDDER_KEY]: asked.embedder, [DIMENSION_KEY]: asked.dimension }));
      }
      const base64 = await connection.supportsBase64();
      for (const batch of splitIntoBatches(valid, await connection.maxBatchSize())) {
        // Sent over REST rather than by the chromadb client, whose base64 encoding of the vectors cost ~30× the CPU.
        await send(
          `writing ${batch.length} chunks to ${name}`,
          "upsert",
          upsertBody({
            ids: batch.map((chunk) => chunk.id),
            embeddings: batch.map((chunk) => chunk.embedding),
            documents: batch.map((chunk) => chunk.text),
            metadatas: batch.map(chunkMetadata),
          }, base64),
        );
      }
      await bumpVersion();
      return valid.length;
    },

    maxBatchSize: () => connection.maxBatchSize(),

    async ofSource(sourceId) {
      const id = parseInput(IdSchema, sourceId, "source id");
      return storedChunks(`reading the chunks of source ${id}`, { sourceId: { $eq: id } });
    },

    async ofPage(sourceId, url) {
      return (await ofPages(sourceId, [url])).get(url) ?? [];
    },

    ofPages,

    async deletePage(sourceId, url) {
      const id = parseInput(IdSchema, sourceId, "source id");
      const page = parseInput(z.string().min(1).max(4_096), url, "page url");
      const ids = (await storedChunks(`reading the chunks of ${page}`, { $and: [{ sourceId: { $eq: id } }, { url: { $eq: page } }] } as Where)).map((c) => c.id);
      if (ids.length === 0) return;
      for (const batch of splitIntoBatches(ids, await connection.maxBatchSize())) {
        await send(`deleting the chunks of ${page} from ${name}`, "delete", { ids: batch });
      }
      await bumpVersion();
    },

    async delete(ids) {
      const unique = [...new Set(parseInput(IdsSchema, ids, "chunk ids"))];
      for (const batch of splitIntoBatches(unique, await connection.maxBatchSize())) {
        await send(`deleting ${batch.length} chunks from ${name}`, "delete", { ids: batch });
      }
      if (unique.length > 0) await bumpVersion();
    },

    async deleteSources(sourceIds) {
      const unique = [...new Set(parseInput(IdsSchema, sourceIds, "source ids"))];
      for (const batch of splitIntoBatches(unique, 100)) {
        await send(`deleting the chunks of ${batch.length} sources from ${name}`, "delete", { where: { sourceId: { $in: batch } } });
      }
      if (unique.length > 0) await bumpVersion();
    },

    query,
    nearest,

    async texts(ids) {
      const unique = [...new Set(parseInput(IdsSchema, ids, "chunk ids"))];
      const texts = new Map<string, string>();
      const upTo = await connection.maxBatchSize();
      for (const batch of splitIntoBatches(unique, upTo)) {
        const page = await use(`reading ${batch.length} chunk texts from ${name}`, (c) => connection.rest.get(c, { ids: batch, include: ["documents"] }, { upTo }));
        for (const [i, id] of page.ids.entries()) texts.set(id, page.documents?.[i] ?? "");
      }
      return texts;
    },

    count: () => send<number>(`counting chunks in ${name}`, "count"),

    async clear() {
      await connection.deleteCollection(name, `removing ${name}`).catch((error: unknown) => {
        if (!(error instanceof ChromaStoreError && error.code === "NOT_FOUND")) throw error;
      });
    },

    async tally() {
      let chunks = 0;
      const sources = new Set<string>();
      const pages = paginate(async (offset, limit) => (await get(`counting chunks in ${name}`, { limit, offset, include: ["metadatas"] })).metadatas ?? [], pageSize);
      for await (const metadatas of pages) {
        chunks += metadatas.length;
        for (const metadata of metadatas) {
          if (typeof metadata?.sourceId === "string") sources.add(metadata.sourceId);
        }
      }
      return { chunks, sources: sources.size };
    },

    async version() {
      connection.forget(name);
      return use(`reading the version of ${name}`, async (c) => {
        const version = c.metadata?.[VERSION_KEY];
        return typeof version === "string" ? version : null;
      });
    },

    ids: () => readAllPages(async (offset, limit) => (await get(`listing the chunks of ${name}`, { limit, offset, include: [] })).ids, pageSize),

    async records(ids) {
      const unique = [...new Set(parseInput(IdsSchema, ids, "chunk ids"))];
      const records: ChunkRecord[] = [];
      const upTo = await connection.maxBatchSize();
      for (const batch of splitIntoBatches(unique, upTo)) {
        const page = await use(`reading ${batch.length} chunks from ${name}`, (c) => connection.rest.get(c, { ids: batch, include: ["documents", "metadatas"] }, { upTo }));
        for (const [i, id] of page.ids.entries()) {
          records.push({ ...decode(id, page.metadatas?.[i]), text: page.documents?.[i] ?? "" });
        }
      }
      return records;
    },
  };
}
