import type { Metadata } from "chromadb";
import type { Pool } from "undici";
import type { ResolvedChromaStoreOptions } from "./options.js";
import { createRequestBatcher } from "./request-batcher.js";
import {
  getBatchKey,
  getFits,
  mergeGets,
  mergeQueries,
  queryBatchKey,
  queryFits,
  splitGetAnswer,
  splitQueryAnswer,
  type BatchedRead,
} from "./batched-reads.js";

/**
 * A collection's record reads (vector query, get by ids or filter), sent straight to Chroma's REST
 * endpoints, the ones the chromadb client calls, through a keep-alive undici Pool. The client goes
 * through the global fetch and its web streams: measured against a local Chroma, 20 requests at a
 * time, ~0.8–1.3 ms of this process's CPU a request against ~0.25–0.4 ms here. The caller
 * (ChromaConnection.withCollectionRef) bounds each request by the store's timeout and translates failures.
 *
 * A read given `batch` may share its request with concurrent reads of the same kind (see
 * batched-reads.ts): Chroma spends ~1–2 ms of CPU on any request however little it reads, so
 * while reads of one kind are in flight the next ones wait and go out together when one
 * settles. Each caller gets what its read alone would have been answered; a failed request
 * fails every read in it.
 */
export interface ChromaRest {
  query(collection: CollectionPath, body: QueryBody, batch?: ReadBatching): Promise<QueryAnswer>;
  get(collection: CollectionPath, body: GetBody, batch?: ReadBatching): Promise<GetAnswer>;
  /** Close the pool's connections; the next read opens new ones. */
  close(): Promise<void>;
}

/** Lets a read share a request of at most `upTo` query embeddings, or ids of a get. */
export interface ReadBatching {
  upTo: number;
}

/** What addresses a collection's endpoints (a chromadb Collection handle has all three). */
export interface CollectionPath {
  tenant: string;
  database: string;
  id: string;
}

/** The path of a database's collections endpoint (listing, creating). */
export function collectionsPath(scope: Pick<CollectionPath, "tenant" | "database">): string {
  return `/api/v2/tenants/${encodeURIComponent(scope.tenant)}/databases/${encodeURIComponent(scope.database)}/collections`;
}

/** The path of a collection's endpoint (or of the collection itself, without `endpoint`). */
export function collectionPath(collection: CollectionPath, endpoint?: "get" | "count" | "query" | "upsert" | "delete"): string {
  const base = `${collectionsPath(collection)}/${encodeURIComponent(collection.id)}`;
  return endpoint ? `${base}/${endpoint}` : base;
}

type Include = "documents" | "metadatas" | "distances";
type Where = Record<string, unknown>;

export interface QueryBody {
  query_embeddings: number[][];
  n_results: number;
  include: Include[];
  where?: Where;
}

export interface GetBody {
  ids?: string[];
  where?: Where;
  limit?: number;
  offset?: number;
  include: Exclude<Include, "distances">[];
}

/** Chroma's answer to a query: one list per query embedding; fields not included are null or absent. */
export interface QueryAnswer {
  ids: string[][];
  distances?: (number | null)[][] | null;
  documents?: (string | null)[][] | null;
  metadatas?: (Metadata | null)[][] | null;
}

export interface GetAnswer {
  ids: string[];
  documents?: (string | null)[] | null;
  metadatas?: (Metadata | null)[] | null;
}

/**
 * A refused request, named as the chromadb client names its errors for the same status, so that
 * translateChromaError (which matches by name) gives the same codes for both paths.
 */
class ChromaHttpError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const ERROR_BY_STATUS: Record<number, string> = {
  400: "ChromaClientError",
  401: "ChromaUnauthorizedError",
  403: "ChromaForbiddenError",
  404: "ChromaNotFoundError",
  409: "ChromaUniqueError",
  422: "ChromaClientError",
  429: "ChromaRateLimitError",
};

export function refusal(status: number, text: string): Error {
  let message = `${status}`;
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    message = String(body.message ?? body.error ?? message);
  } catch {
    if (text) message = `${status}: ${text.slice(0, 200)}`;
  }
  // Chroma Cloud's quota refusals are 422s whose message says so (the client's ChromaQuotaExceededError).
  const quota = status === 422 && /^(Quota|Billing limit) exceeded/.test(message);
  return new ChromaHttpError(quota ? "ChromaQuotaExceededError" : (ERROR_BY_STATUS[status] ?? "ChromaServerError"), message);
}

// Requests of one kind of read out at once before the next ones wait to be sent together.
const READS_IN_FLIGHT = 2;

export function createChromaRest(options: Pick<ResolvedChromaStoreOptions, "ssl" | "host" | "port" | "headers" | "requestTimeoutMs">): ChromaRest {
  const origin = `${options.ssl ? "https" : "http"}://${options.host}:${options.port}`;
  const headers = { ...options.headers, "content-type": "application/json" };
  let pool: Promise<Pool> | undefined;

  async function post<T>(collection: CollectionPath, endpoint: "query" | "get", body: QueryBody | GetBody): Promise<T> {
    // undici is loaded at the first request (~70 ms): a process that never reads chunks (`kmcp
    // sync run`, `kmcp ingest` of new documents) never pays it. Idle sockets do not hold the
    // process open (undici unrefs them); no connection cap, as with fetch.
    pool ??= import("undici").then(({ Pool }) => new Pool(origin, { headersTimeout: options.requestTimeoutMs, bodyTimeout: options.requestTimeoutMs }));
    const answer = await (await pool).request({ method: "POST", path: collectionPath(collection, endpoint), headers, body: JSON.stringify(body) });
    if (answer.statusCode >= 200 && answer.statusCode < 300) return (await answer.body.json()) as T;
    throw refusal(answer.statusCode, await answer.body.text().catch(() => ""));
  }

  const batchedQuery = createRequestBatcher<BatchedRead<QueryBody>, QueryAnswer>({
    maxInFlight: READS_IN_FLIGHT,
    fits: queryFits,
    async send(_key, reads) {
      if (reads.length === 1) return [await post<QueryAnswer>(reads[0]!.collection, "query", reads[0]!.body)];
      const answer = await post<QueryAnswer>(reads[0]!.collection, "query", mergeQueries(reads.map((read) => read.body)));
      return splitQueryAnswer(answer, reads.length);
    },
  });
  const batchedGet = createRequestBatcher<BatchedRead<GetBody>, GetAnswer>({
    maxInFlight: READS_IN_FLIGHT,
    fits: getFits,
    async send(_key, reads) {
      if (reads.length === 1) return [await post<GetAnswer>(reads[0]!.collection, "get", reads[0]!.body)];
      const bodies = reads.map((read) => read.body);
      return splitGetAnswer(await post<GetAnswer>(reads[0]!.collection, "get", mergeGets(bodies)), bodies);
    },
  });

  return {
    query(collection, body, batch) {
      const key = batch && queryBatchKey(collection, body);
      return key ? batchedQuery(key, { collection, body, upTo: batch.upTo }) : post<QueryAnswer>(collection, "query", body);
    },
    get(collection, body, batch) {
      const key = batch && getBatchKey(collection, body);
      return key ? batchedGet(key, { collection, body, upTo: batch.upTo }) : post<GetAnswer>(collection, "get", body);
    },
    async close() {
      const closing = pool;
      pool = undefined;
      await (await closing)?.close();
    },
  };
}
