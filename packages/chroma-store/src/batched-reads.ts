import type { CollectionPath, GetAnswer, GetBody, QueryAnswer, QueryBody } from "./chroma-rest.js";

/**
 * How concurrent reads of one collection share a request (see request-batcher.ts): queries with
 * the same results count, filter and fields send their embeddings together (Chroma answers one
 * list per embedding); gets by ids with the same fields send the union of their ids (Chroma
 * answers in its storage order, whatever order the ids are asked in). Pure: no I/O.
 */
export interface BatchedRead<B> {
  collection: CollectionPath;
  body: B;
  /** The most embeddings (query) or ids (get) the request this read joins may carry. */
  upTo: number;
}

// A query answer's fields that hold one list per query embedding; the others (`include`) are the same for all.
const QUERY_ROWS = ["ids", "embeddings", "documents", "uris", "metadatas", "distances"] as const;
// A get answer's fields that hold one entry per record, in the order of `ids`.
const RECORD_FIELDS = ["ids", "embeddings", "documents", "uris", "metadatas"] as const;

const collectionKey = (c: CollectionPath) => `${c.tenant}\n${c.database}\n${c.id}`;

/** The key of queries that may share a request with this one; null when it must go alone (not one embedding). */
export function queryBatchKey(collection: CollectionPath, body: QueryBody): string | null {
  if (body.query_embeddings.length !== 1) return null;
  const dimension = body.query_embeddings[0]!.length;
  return `${collectionKey(collection)}\nquery\n${body.n_results}\n${body.include.join()}\n${dimension}\n${body.where ? JSON.stringify(body.where) : ""}`;
}

/**
 * The key of gets that may share a request with this one; null when it must go alone: a get by
 * filter or page, or by a list of ids that is empty or repeats one (their answers are Chroma's to give).
 */
export function getBatchKey(collection: CollectionPath, body: GetBody): string | null {
  const { ids } = body;
  if (!ids || ids.length === 0 || body.where || body.limit !== undefined || body.offset !== undefined) return null;
  if (new Set(ids).size !== ids.length) return null;
  return `${collectionKey(collection)}\nget\n${body.include.join()}`;
}

/** Whether one more query fits the request: every read's `upTo` respected. */
export function queryFits(batch: readonly BatchedRead<QueryBody>[], next: BatchedRead<QueryBody>): boolean {
  return batch.length + 1 <= Math.min(next.upTo, ...batch.map((read) => read.upTo));
}

/** Whether one more get fits the request: its ids, counted as if none were shared, within every read's `upTo`. */
export function getFits(batch: readonly BatchedRead<GetBody>[], next: BatchedRead<GetBody>): boolean {
  const ids = batch.reduce((sum, read) => sum + (read.body.ids?.length ?? 0), next.body.ids?.length ?? 0);
  return ids <= Math.min(next.upTo, ...batch.map((read) => read.upTo));
}

/** One query body for all these (of one key): their embeddings in order. */
export function mergeQueries(bodies: readonly QueryBody[]): QueryBody {
  return { ...bodies[0]!, query_embeddings: bodies.map((body) => body.query_embeddings[0]!) };
}

/** Each query's own answer out of the merged one: what it would have been asked alone. */
export function splitQueryAnswer(answer: QueryAnswer, count: number): QueryAnswer[] {
  if (answer.ids.length !== count) throw new Error(`Chroma answered ${answer.ids.length} result lists for ${count} query embeddings`);
  const whole = answer as unknown as Record<string, unknown>;
  return Array.from({ length: count }, (_, i) => {
    const own: Record<string, unknown> = { ...whole };
    for (const field of QUERY_ROWS) {
      const rows = whole[field];
      if (Array.isArray(rows)) own[field] = [rows[i]];
    }
    return own as unknown as QueryAnswer;
  });
}

/** One get body for all these (of one key): the union of their ids, first asked first. */
export function mergeGets(bodies: readonly GetBody[]): GetBody {
  return { ...bodies[0]!, ids: [...new Set(bodies.flatMap((body) => body.ids ?? []))] };
}

/** Each get's own records out of the merged answer: only its ids, in the answer's order, unknown ids left out. */
export function splitGetAnswer(answer: GetAnswer, bodies: readonly GetBody[]): GetAnswer[] {
  const whole = answer as unknown as Record<string, unknown>;
  return bodies.map((body) => {
    const asked = new Set(body.ids);
    const kept: number[] = [];
    for (const [i, id] of answer.ids.entries()) if (asked.has(id)) kept.push(i);
    const own: Record<string, unknown> = { ...whole };
    for (const field of RECORD_FIELDS) {
      const entries = whole[field];
      if (Array.isArray(entries)) own[field] = kept.map((i) => entries[i]);
    }
    return own as unknown as GetAnswer;
  });
}
