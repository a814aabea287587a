import { withDeadline } from "@kmcp/core";
import { ChromaClient, type Collection } from "chromadb";
import { ChromaStoreError } from "./errors.js";
import type { ChromaLimits, ResolvedChromaStoreOptions } from "./options.js";
import { createRequestSlots } from "./request-slots.js";
import { createChromaRest, type ChromaRest } from "./chroma-rest.js";
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

/** The lazily opened link to one Chroma server: the only place that talks to the chromadb client. */
export interface ChromaConnection {
  readonly displayUrl: string;
  /** Run `run` against the client, bounded by the request timeout, translating every failure. */
  call<T>(operation: string, run: (client: ChromaClient) => Promise<T>, timeoutMs?: number): Promise<T>;
  /** Like call(), with the named collection opened (and created on first use). */
  withCollection<T>(spec: CollectionSpec, operation: string, run: (collection: Collection) => Promise<T>): Promise<T>;
  /** Drop the cached handle of one collection, so the next use reads its metadata afresh. */
  forget(name: string): void;
  /** Opens the collection afresh (creating it if need be): its metadata as the server has it now. */
  reopen(spec: CollectionSpec): Promise<Collection>;
  /** Most records per write or read by ids: the configured limit or the server's largest batch (asked once), whichever is smaller. */
  maxBatchSize(): Promise<number>;
  /** Whether the server takes vectors base64-encoded (asked once, with the batch size), as the chromadb client checks before writing. */
  supportsBase64(): Promise<boolean>;
  /** The configured limits (maxBatchSize there is the configured one alone). */
  readonly limits: ChromaLimits;
  /** Record queries, gets and chunk upserts over Chroma's REST API: use within withCollection(), which bounds and translates them. */
  readonly rest: ChromaRest;
  /** Forget the client and cached collections; the next call starts afresh. */
  reset(): void;
}

/**
 * ChromaClient with the tenant and database left unset when none is given, as the client's
 * CloudClient does: the first request then asks the server which ones the API key belongs to.
 * (ChromaClient itself would fall back to default_tenant/default_database.)
 */
class KeyScopedClient extends ChromaClient {
  constructor(args: ConstructorParameters<typeof ChromaClient>[0] & { tenant: string | undefined; database: string | undefined }) {
    super(args);
    this.tenant = args.tenant;
    this.database = args.database;
  }
}

export function createChromaConnection(options: ResolvedChromaStoreOptions): ChromaConnection {
  let client: ChromaClient | undefined;
  let preflight: Promise<{ maxBatchSize: number; base64: boolean }> | undefined;
  const collections = new Map<string, Promise<Collection>>();
  const inSlot = createRequestSlots(options.limits.maxConcurrentRequests);
  const rest = createChromaRest(options);

  function getClient(): ChromaClient {
    // Constructing the client sends nothing; the first request is the first contact.
    client ??= new KeyScopedClient({
      host: options.host,
      port: options.port,
      ssl: options.ssl,
      tenant: options.tenant,
      database: options.database,
      ...(options.headers ? { headers: options.headers } : {}),
    });
    return client;
  }

  async function call<T>(operation: string, run: (c: ChromaClient) => Promise<T>, timeoutMs = options.requestTimeoutMs) {
    try {
      // The chromadb client takes no per-request signal, so a request we gave up on may still
      // settle later; its outcome no longer matters.
      return await withDeadline(() => run(getClient()), timeoutMs, () => Object.assign(new Error(`no answer in ${timeoutMs} ms`), { name: "TimeoutError" }));
    } catch (error) {
      throw translateChromaError(error, operation, options.displayUrl, options.secrets);
    }
  }

  async function openCollection(spec: CollectionSpec): Promise<Collection> {
    const collection = await call(`opening collection ${spec.name}`, (c) =>
      c.getOrCreateCollection({
        name: spec.name,
        embeddingFunction: null,
        metadata: collectionMarker(spec),
        ...(spec.space ? { configuration: { hnsw: { space: spec.space } } } : {}),
      }),
    );
    const kind = collection.metadata?.[KIND_KEY];
    const format = collection.metadata?.[FORMAT_KEY];
    if (kind !== spec.kind || format !== FORMAT) {
      throw new ChromaStoreError(
        "CONFLICT",
        `Chroma collection ${spec.name} at ${options.displayUrl} exists but was not created by @kmcp/chroma-store as "${spec.kind}" (format ${FORMAT}); choose another collectionPrefix or delete that collection.`,
        { data: { collection: spec.name, kind, format } },
      );
    }
    return collection;
  }

  function cachedCollection(spec: CollectionSpec): Promise<Collection> {
    let pending = collections.get(spec.name);
    if (!pending) {
      pending = openCollection(spec);
      collections.set(spec.name, pending);
      // A failed open must not be remembered: the server may be back next time.
      const opening = pending;
      opening.catch(() => {
        if (collections.get(spec.name) === opening) collections.delete(spec.name);
      });
    }
    return pending;
  }

  async function withCollection<T>(spec: CollectionSpec, operation: string, run: (c: Collection) => Promise<T>) {
    const collection = await cachedCollection(spec);
    // The request timeout covers the wait for a slot too: a caller is never held longer than it.
    const limited = (c: Collection) => call(operation, () => inSlot(spec.name, () => run(c)));
    try {
      return await limited(collection);
    } catch (error) {
      // The collection was dropped (or the server's data replaced) since we opened it:
      // reopen, creating it again, and retry once.
      if (!(error instanceof ChromaStoreError && error.code === "NOT_FOUND")) throw error;
      collections.delete(spec.name);
      return limited(await cachedCollection(spec));
    }
  }

  /** The server's pre-flight checks, asked once (a failed ask is asked again next time). */
  function serverChecks(): Promise<{ maxBatchSize: number; base64: boolean }> {
    if (!preflight) {
      const pending = call("reading the server's limits", async (c) => ({
        maxBatchSize: Math.min(await c.getMaxBatchSize(), options.limits.maxBatchSize),
        base64: await c.supportsBase64Encoding(),
      }));
      preflight = pending;
      pending.catch(() => {
        if (preflight === pending) preflight = undefined;
      });
    }
    return preflight;
  }

  return {
    displayUrl: options.displayUrl,
    limits: options.limits,
    rest,
    call,
    withCollection,
    forget(name) {
      collections.delete(name);
    },
    reopen(spec) {
      collections.delete(spec.name);
      return cachedCollection(spec);
    },
    maxBatchSize() {
      return serverChecks().then((checks) => checks.maxBatchSize);
    },
    supportsBase64() {
      return serverChecks().then((checks) => checks.base64);
    },
    reset() {
      client = undefined;
      preflight = undefined;
      collections.clear();
      // Requests still in flight finish on the old pool; a failure to close changes nothing for the caller.
      rest.close().catch(() => {});
    },
  };
}
