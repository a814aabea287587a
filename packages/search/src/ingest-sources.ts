import type { Source, SourceCreateInput } from "@kmcp/core";
import type { Db } from "@kmcp/db";
import { batchedCalls } from "./batched-calls.js";
import { SearchError } from "./errors.js";

/** The most files whose sources one PostgreSQL round trip reads or writes. */
const MAX_BATCH = 64;

/** The source reads and creations of an ingest's files, each answered in batches with the other files' (see batchedCalls). */
export interface IngestSources {
  /** The source of a (normalised) url, or null. */
  find(url: string): Promise<Source | null>;
  /**
   * The source for `input.url` created, or brought up to date if one was created meanwhile.
   * @throws {SearchError} VALIDATION when the source is refused (that file alone).
   */
  create(input: SourceCreateInput & { url: string }): Promise<Source>;
}

/**
 * Batched source calls for one ingest: files prepared at the same time share one read of their
 * sources (a query by urls instead of one per file), and the new ones one upsert and one read
 * back, instead of five round trips a file. Creation is an upsert (plain SQL, see
 * `sources.upsertMany`), so an ingest that created a url meanwhile is brought up to date, not an error.
 */
export function createIngestSources(db: Pick<Db, "sources">): IngestSources {
  const find = batchedCalls(async (urls: string[]) => {
    const found = await db.sources.getByUrls(urls);
    return urls.map((url) => found.get(url) ?? null);
  }, MAX_BATCH);

  const create = batchedCalls(async (inputs: (SourceCreateInput & { url: string })[]) => {
    const { rejected } = await db.sources.upsertMany(inputs);
    const refused = new Map(rejected.map(({ index, error }) => [index, error]));
    const created = await db.sources.getByUrls(inputs.filter((_, i) => !refused.has(i)).map((input) => input.url));
    return inputs.map(({ url }, i) => {
      const source = created.get(url);
      return source ?? new SearchError("VALIDATION", `Could not create the source for ${url}: ${refused.get(i) ?? "it was removed meanwhile"}.`);
    });
  }, MAX_BATCH);

  return {
    find,
    async create(input) {
      const source = await create(input);
      if (source instanceof SearchError) throw source;
      return source;
    },
  };
}
