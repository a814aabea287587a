import { createHash } from "node:crypto";
import path from "node:path";
import type { ChromaStore } from "@kmcp/chroma-store";
import { createAcquire, type AcquireOptions, type AcquireResult } from "./acquire.js";
import { createCrawl, type CrawlOptions, type CrawlResult } from "./crawl.js";
import { countStaleSites, createRefreshSources, type RefreshOptions, type SiteRefresh } from "./refresh-sources.js";
import { createRequestAcquirer, type RequestAcquisition } from "./acquire-requests.js";
import { createPreflight, type PreflightResult } from "./preflight.js";
import { redactSecrets, silentLogger, type AcquisitionRequest, type Logger, type Source } from "@kmcp/core";
import { createDb, type Db } from "@kmcp/db";
import { createHealthCheck, type HealthCheck } from "@kmcp/health";
import {
  createRequestWriter,
  createSourceCatalog,
  type OfflineSyncManager,
  type RequestWriter,
  type SourceCatalog,
} from "@kmcp/sync-core";
import {
  createFileSnapshotStore,
  createIngester,
  createLocalEmbedder,
  createOpenAiEmbedder,
  createSearch,
  type Embedder,
  type Ingester,
  type Search,
} from "@kmcp/search";
import type { KmcpConfig } from "./config.js";
import { migrateIfReachable, openStores, startConfiguredSync } from "./open-stores.js";
import { createIngestRun, createRemoveSource, type IngestRun, type IngestRunOptions } from "./knowledge-writes.js";

/** The wired services, ready to use. */
export interface KmcpServices {
  db: Db;
  store: ChromaStore;
  sync: OfflineSyncManager;
  catalog: SourceCatalog;
  /** Creates acquisition requests, queuing them while PostgreSQL is down (use it rather than db.requests.create). */
  requests: RequestWriter;
  /** The configured embedder (KMCP_EMBEDDER), shared by search and ingestion. */
  embedder: Embedder;
  /** Knowledge search over the ingested chunks; source metadata from the mirror, so it works with PostgreSQL down. */
  search: Search;
  ingester: Ingester;
  /**
   * Ingest files (ingester.ingestFiles), then sync, so search sees the new and changed sources
   * at once; with `reset`, chunks of another embedder are cleared first instead of refused.
   */
  ingest(inputs: readonly string[], options?: IngestRunOptions): Promise<IngestRun>;
  /**
   * Fetch a url safely, extract it (HTML, PDF, DOCX, Markdown, text) and ingest it as a source;
   * conditional on the last fetch's ETag/Last-Modified (304: nothing written). Needs PostgreSQL.
   */
  acquire(url: string, options?: AcquireOptions): Promise<AcquireResult>;
  /**
   * Crawl a site into one source, politely (robots.txt, Crawl-delay, Retry-After, a few requests
   * at once) and durably: killed, it resumes where it was when run again. One crawl per site at a time.
   */
  crawl(url: string, options?: CrawlOptions): Promise<CrawlResult>;
  /** Re-crawl crawled sites that are due (conditional requests; only changed pages re-embedded, gone pages removed). */
  refreshSources(options?: RefreshOptions): Promise<SiteRefresh[]>;
  /** What acquiring a url would do, without storing anything: allowed, reachable, type and size, its source. */
  preflight(url: string): Promise<PreflightResult>;
  /** Acquire one request's url and complete the request (with `approve`, a pending one is approved first). */
  acquireRequest(id: string, options?: { approve?: boolean }): Promise<{ request: AcquisitionRequest; acquired: AcquireResult }>;
  /** Acquire approved requests (these, or all): each completed, or left approved with its source failed and the reason. */
  acquireRequests(which: { ids: readonly string[] } | { all: true }): Promise<RequestAcquisition[]>;
  /** Delete a source for good, with its ingested chunks (use it rather than db.sources.delete). */
  removeSource(id: string): Promise<Source>;
  /**
   * Starts background syncs as configured: on PostgreSQL's change notifications (KMCP_SYNC_NOTIFY,
   * KMCP_SYNC_DEBOUNCE_MS) and every KMCP_SYNC_INTERVAL_MS (or `intervalMs`) as a safety net.
   * For long-running processes; close() stops them.
   */
  startSync(options?: { intervalMs?: number }): void;
  /** PostgreSQL, Chroma, mirror freshness and the queued-writes backlog, as one report. */
  health: HealthCheck;
  /** Which parts run embedded under KMCP_HOME (no URL configured for them). */
  embedded: { postgres: boolean; chroma: boolean };
  /** The embedded servers this ready() started (`"postgres"`, `"chroma"`); the others were already running and reused. */
  started: string[];
  /** Where each part lives, without credentials, for people to read. */
  describe(): { postgres: string; chroma: string };
}

export interface Kmcp {
  /**
   * Starts (or reuses) embedded servers for whatever has no URL, migrates PostgreSQL when it is
   * reachable, and wires the services. Memoised: call it from every entry point. Nothing
   * happens before the first call, so a server can start answering at once.
   */
  ready(): Promise<KmcpServices>;
  /** Stops background work and closes connections (embedded servers keep running). */
  close(): Promise<void>;
}

export interface CreateKmcpOptions {
  config: KmcpConfig;
  logger?: Logger;
  /** Apply migrations in ready() (default true). A failure because PostgreSQL is down is logged, not thrown. */
  migrate?: boolean;
  /**
   * Keep an in-memory copy of the mirror loaded (see SourceCatalogOptions.keepWarm), so the first
   * reads of an outage are answered from memory. For long-running servers; default false.
   */
  warmMirror?: boolean;
  /**
   * Reuse source reads while no change to sources has committed (see DbOptions.readCache): each
   * read checks the source version in PostgreSQL first, so answers are never stale; a repeated
   * read costs that one-row query instead of the read. For long-running servers; default false.
   * KMCP_READ_CACHE=off overrides it.
   */
  cacheReads?: boolean;
  /** What this process is, e.g. "kmcp-mcp": shown (with its pid and host) as the holder of the sync lease while it syncs. */
  processName?: string;
}

export function createKmcp(options: CreateKmcpOptions): Kmcp {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  let services: Promise<KmcpServices> | undefined;

  async function assemble(): Promise<KmcpServices> {
    const readCache = (options.cacheReads ?? false) && config.readCache;
    const { db, store, sync, embedded, started, databaseUrl } = await openStores(config, logger, (o) => createDb({ ...o, readCache }), {
      ...(options.processName ? { processName: options.processName } : {}),
    });
    const catalog = createSourceCatalog({
      db,
      store,
      connectivity: sync.connectivity,
      mirrorAsOf: sync.mirrorAsOf,
      ...(options.warmMirror ? { keepWarm: sync } : {}),
    });
    const requests = createRequestWriter({ db, store, connectivity: sync.connectivity, logger });
    const embedder = config.embedder.kind === "openai" ? createOpenAiEmbedder(config.embedder.options) : createLocalEmbedder();
    const search = createSearch({
      store,
      mirror: { getMany: catalog.mirrorRecords },
      embedder,
      tierWeights: config.tierWeights,
      fusion: config.fusion,
      mirrorAsOf: sync.mirrorAsOf,
      lexicalSnapshot: createFileSnapshotStore(lexicalSnapshotFile(config.home, store)),
      onLexicalSnapshotError: (error) => logger.warn("the keyword index snapshot could not be used; building it from Chroma", { error: (error as Error).message }),
    });
    const ingester = createIngester({ db, store, embedder, prepareThreads: config.ingestThreads });
    const health = createHealthCheck({
      postgres: db,
      chroma: store,
      mirror: sync,
      backlog: { pendingWrites: () => store.pendingWrites.count() },
      crawls: { staleSites: (olderThanMs) => countStaleSites(db, olderThanMs) },
      crawlMaxAgeMs: config.crawlMaxAgeMs,
      trigger: sync,
      mirrorMaxAgeMs: config.mirrorMaxAgeMs,
      serviceId: "kmcp",
      redact: db.redact,
    });
    if (options.migrate ?? true) {
      const migrated = await migrateIfReachable({ db, sync }, logger);
      // Requests queued by any process while PostgreSQL was down go up as soon as it is back.
      if (migrated && (await store.pendingWrites.count().catch(() => 0)) > 0) await requests.replay().catch(() => {});
    }
    const acquire = createAcquire({ db, ingester, sync, store, logger, allowPrivate: config.acquireAllowPrivate });
    const crawl = createCrawl({ db, store, embedder, prepareThreads: config.ingestThreads, sync, logger, allowPrivate: config.acquireAllowPrivate });
    return {
      db,
      store,
      sync,
      catalog,
      requests,
      embedder,
      search,
      ingester,
      ingest: createIngestRun({ ingester, store, sync, logger }),
      startSync: (o) => startConfiguredSync(sync, config, o),
      acquire,
      crawl,
      refreshSources: createRefreshSources({ db, crawl }),
      preflight: createPreflight({ catalog, allowPrivate: config.acquireAllowPrivate }),
      ...createRequestAcquirer({ db, store, acquire }),
      removeSource: createRemoveSource({ db, store }),
      health,
      embedded,
      started,
      describe: () => ({
        postgres: embedded.postgres ? `embedded (${config.home}/postgres)` : redactSecrets(databaseUrl),
        chroma: embedded.chroma ? `embedded (${config.home}/chroma)` : store.url,
      }),
    };
  }

  return {
    ready() {
      services ??= assemble().catch((error: unknown) => {
        services = undefined; // let a later call try again
        throw error;
      });
      return services;
    },
    async close() {
      if (!services) return;
      const s = await services.catch(() => undefined);
      if (!s) return;
      await s.sync.stop();
      await Promise.all([s.db.close(), s.store.close()]);
    },
  };
}

/** One snapshot of the keyword index per Chroma server and chunk collection, under KMCP_HOME (a cache: deleting it is safe). */
function lexicalSnapshotFile(home: string, store: ChromaStore): string {
  const key = createHash("sha256").update(`${store.url}\0${store.chunks.collectionName}`).digest("hex").slice(0, 16);
  return path.join(home, "cache", `lexical-index-${key}.snapshot`);
}
