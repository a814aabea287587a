import { withDeadline } from "@kmcp/core";
import { ChromaStoreError } from "./errors.js";
import type { ChromaLimits, ResolvedChromaStoreOptions } from "./options.js";
import { createRequestSlots } from "./request-slots.js";
import { collectionsPath, createChromaRest, type ChromaRest } from "./chroma-rest.js";
import { createChromaHttp, type ChromaHttp, type CollectionRef, type RecordEndpoint } from "./chroma-http.js";
import { translateChromaError } from "./translate-chroma-error.js";

/** A collection this package owns: its name and the marker it carries in Chroma. */
export interface CollectionSpec {
  name: string;
  kind: string;
  /** Distance function, fixed when Chroma creates the collection (default: Chroma's, squared L2). */
  space?: "cosine" | "l2" | "ip";
}

// Written as collection metadata at creation and checked on open, so a same-named collection
// made by something else is refused instead of read as garbage.
const KIND_KEY = "kmcp_kind";
const FORMAT_KEY = "kmcp_format";
const FORMAT = 1;

/** The metadata marking a collection as this package's `spec.kind`: whatever replaces a collection's metadata keeps it. */
export function collectionMarker(spec: CollectionSpec): Record<string, string | number> {
  return { [KIND_KEY]: spec.kind, [FORMAT_KEY]: FORMAT };
}

/**
 * The lazily opened link to one Chroma server: every request goes over node:http (see
 * chroma-http.ts) but search's batched record reads (see chroma-rest.ts).
 */
export interface ChromaConnection {
  readonly displayUrl: string;
  /** Run `run` with `http`, bounded by the request timeout, translating every failure. */
  call<T>(operation: string, run: (http: ChromaHttp) => Promise<T>, timeoutMs?: number): Promise<T>;
  /** Like call(), with the named collection opened (and created on first use). */
  withCollectionRef<T>(spec: CollectionSpec, operation: string, run: (collection: CollectionRef) => Promise<T>): Promise<T>;
  /** Sends one request to a record endpoint of the named collection (see ChromaHttp.records), within withCollectionRef(). */
  recordsOf(spec: CollectionSpec): RecordSender;
  /** Remove a collection by name (NOT_FOUND when there is none) and forget its handle. */
  deleteCollection(name: string, operation: string): Promise<void>;
  /** Drop the cached handle of one collection, so the next use reads its metadata afresh. */
  forget(name: string): void;
  /** Opens the collection afresh (creating it if need be): its metadata as the server has it now. */
  reopen(spec: CollectionSpec): Promise<CollectionRef>;
  /** Most records per write or read by ids: the configured limit or the server's largest batch (asked once), whichever is smaller. */
  maxBatchSize(): Promise<number>;
  /** Whether the server takes vectors base64-encoded (asked once, with the batch size), as the chromadb client checks before writing. */
  supportsBase64(): Promise<boolean>;
  /** The configured limits (maxBatchSize there is the configured one alone). */
  readonly limits: ChromaLimits;
  /** Batched record queries and gets over Chroma's REST API: use within withCollectionRef(), which bounds and translates them. */
  readonly rest: ChromaRest;
  /** Collection-level requests, record reads and writes over node:http: use within withCollectionRef(). */
  readonly http: ChromaHttp;
  /** Forget the cached collections and limits, and close idle connections; the next call starts afresh. */
  reset(): void;
}

/** `load()`'s answer, asked once and shared; a failure is not kept (the next call asks again), and `forget()` drops the answer. */
function sharedUntilFailure<T>(load: () => Promise<T>) {
  let pending: Promise<T> | undefined;
  return {
    get(): Promise<T> {
      if (!pending) {
        const asking = load();
        pending = asking;
        asking.catch(() => {
          if (pending === asking) pending = undefined;
        });
      }
      return pending;
    },
    forget() {
      pending = undefined;
    },
  };
}

export type RecordSender = <T>(operation: string, endpoint: RecordEndpoint, body?: unknown) => Promise<T>;

export function createChromaConnection(options: ResolvedChromaStoreOptions): ChromaConnection {
  const refs = new Map<string, Promise<CollectionRef>>();
  const inSlot = createRequestSlots(options.limits.maxConcurrentRequests);
  const rest = createChromaRest(options);
  const http = createChromaHttp(options);

  /** `run`, bounded by the request timeout, its failures translated. */
  async function bounded<T>(operation: string, run: () => Promise<T>, timeoutMs = options.requestTimeoutMs) {
    try {
      // Neither ChromaHttp nor ChromaRest takes a per-request signal, so a request we
      // gave up on may still settle later; its outcome no longer matters.
      return await withDeadline(run, timeoutMs, () => Object.assign(new Error(`no answer in ${timeoutMs} ms`), { name: "TimeoutError" }));
    } catch (error) {
      throw translateChromaError(error, operation, options.displayUrl, options.secrets);
    }
  }

  const call = <T>(operation: string, run: (http: ChromaHttp) => Promise<T>, timeoutMs?: number) => bounded(operation, () => run(http), timeoutMs);

  /** Refuses a same-named collection that something else made. */
  function checkMarker(spec: CollectionSpec, metadata: Record<string, unknown> | null | undefined) {
    const kind = metadata?.[KIND_KEY];
    const format = metadata?.[FORMAT_KEY];
    if (kind !== spec.kind || format !== FORMAT) {
      throw new ChromaStoreError(
        "CONFLICT",
        `Chroma collection ${spec.name} at ${options.displayUrl} exists but was not created by @kmcp/chroma-store as "${spec.kind}" (format ${FORMAT}); choose another collectionPrefix or delete that collection.`,
        { data: { collection: spec.name, kind, format } },
      );
    }
  }

  // The API key's tenant and database, asked once as the chromadb client does.
  const keyScope = sharedUntilFailure(() =>
    bounded("asking which tenant and database the API key belongs to", async () => {
      const identity = await http.request<{ tenant: string; databases: string[] }>("GET", "/api/v2/auth/identity");
      // As the chromadb client does when either is missing: both are the key's.
      const [database, ...others] = new Set(identity.databases);
      if (database === undefined) throw new ChromaStoreError("UNAUTHORIZED", `The API key has access to no database of tenant ${identity.tenant}.`);
      if (others.length > 0 || database === "*") throw new ChromaStoreError("VALIDATION", "The API key can use more than one database; name the database to use.");
      return { tenant: identity.tenant, database };
    }),
  );

  /** The tenant and database: the configured ones, or (API key without them) the key's own. */
  function tenancy(): Promise<{ tenant: string; database: string }> {
    if (options.tenant && options.database) return Promise.resolve({ tenant: options.tenant, database: options.database });
    return keyScope.get();
  }

  async function openRef(spec: CollectionSpec): Promise<CollectionRef> {
    const path = collectionsPath(await tenancy());
    // The body the chromadb client sends for getOrCreateCollection (no embedding function).
    const body = { name: spec.name, configuration: spec.space ? { hnsw: { space: spec.space } } : {}, metadata: collectionMarker(spec), get_or_create: true };
    const opened = await bounded(`opening collection ${spec.name}`, () => http.request<CollectionRef>("POST", path, body));
    checkMarker(spec, opened.metadata);
    return { id: opened.id, name: opened.name, tenant: opened.tenant, database: opened.database, metadata: opened.metadata ?? null };
  }

  /** The cached open of a collection in `cache`; a failed open is not remembered (the server may be back next time). */
  function cached<H>(cache: Map<string, Promise<H>>, spec: CollectionSpec, open: (spec: CollectionSpec) => Promise<H>): Promise<H> {
    let pending = cache.get(spec.name);
    if (!pending) {
      const opening = open(spec);
      cache.set(spec.name, opening);
      opening.catch(() => {
        if (cache.get(spec.name) === opening) cache.delete(spec.name);
      });
      pending = opening;
    }
    return pending;
  }

  async function within<H, T>(cache: Map<string, Promise<H>>, open: (spec: CollectionSpec) => Promise<H>, spec: CollectionSpec, operation: string, run: (c: H) => Promise<T>) {
    // The request timeout covers the wait for a slot too: a caller is never held longer than it.
    const limited = (c: H) => bounded(operation, () => inSlot(spec.name, () => run(c)));
    try {
      return await limited(await cached(cache, spec, open));
    } catch (error) {
      // The collection was dropped (or the server's data replaced) since we opened it:
      // reopen, creating it again, and retry once.
      if (!(error instanceof ChromaStoreError && error.code === "NOT_FOUND")) throw error;
      cache.delete(spec.name);
      return limited(await cached(cache, spec, open));
    }
  }

  // The server's pre-flight checks, asked once.
  const preflight = sharedUntilFailure(() =>
    bounded("reading the server's limits", async () => {
      const checks = await http.request<{ max_batch_size?: number; supports_base64_encoding?: boolean }>("GET", "/api/v2/pre-flight-checks");
      // As the chromadb client reads them (its getMaxBatchSize and supportsBase64Encoding), but a
      // server that names no batch size gets the configured one (the client's -1 fails every write).
      return { maxBatchSize: Math.min(checks.max_batch_size ?? Infinity, options.limits.maxBatchSize), base64: checks.supports_base64_encoding ?? false };
    }),
  );

  return {
    displayUrl: options.displayUrl,
    limits: options.limits,
    rest,
    http,
    call,
    withCollectionRef: (spec, operation, run) => within(refs, openRef, spec, operation, run),
    recordsOf: (spec) => (operation, endpoint, body) => within(refs, openRef, spec, operation, (c) => http.records(c, endpoint, body)),
    async deleteCollection(name, operation) {
      try {
        await bounded(operation, async () => http.request("DELETE", `${collectionsPath(await tenancy())}/${encodeURIComponent(name)}`));
      } finally {
        refs.delete(name);
      }
    },
    forget(name) {
      refs.delete(name);
    },
    reopen(spec) {
      refs.delete(spec.name);
      return cached(refs, spec, openRef);
    },
    maxBatchSize() {
      return preflight.get().then((checks) => checks.maxBatchSize);
    },
    supportsBase64() {
      return preflight.get().then((checks) => checks.base64);
    },
    reset() {
      preflight.forget();
      keyScope.forget();
      refs.clear();
      http.close();
      // Requests still in flight finish on the old pool; a failure to close changes nothing for the caller.
      rest.close().catch(() => {});
    },
  };
}
