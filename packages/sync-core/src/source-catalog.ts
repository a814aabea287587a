import { fromMirrorRecord, type ChromaStore, type MirrorRecord } from "@kmcp/chroma-store";
import {
  AuthorityTier,
  parseInput,
  SourceListQuerySchema,
  SourceRefSchema,
  SourceStatus,
  SourceType,
  withDeadline,
  type CatalogSource,
  type Source,
  type SourceListQuery,
} from "@kmcp/core";
import type { Db, SourceKindCount } from "@kmcp/db";
import { DbError } from "@kmcp/db/sync";
import type { ConnectivityMonitor } from "./connectivity.js";
import { SyncError } from "./errors.js";
import { describeFailure } from "./failure.js";
import { compactMirrorOf, type CompactMirror } from "./compact-mirror.js";
import { mirrorFilters, type ParsedListQuery } from "./mirror-query.js";
import { createMirrorSnapshot, readAllMirrorRecords } from "./mirror-snapshot.js";
import type { OfflineSyncManager } from "./sync-manager.js";

/** Where an answer came from. From the mirror, `asOf` is when it last matched PostgreSQL. */
export type Origin = { origin: "primary"; asOf: null } | { origin: "mirror"; asOf: Date };

export type CatalogPage = { items: CatalogSource[]; nextCursor: string | null } & Origin;

/** How many sources there are, by type, tier and status (every value listed, zeros included). */
export interface SourceStats {
  total: number;
  byType: Record<SourceType, number>;
  byTier: Record<AuthorityTier, number>;
  byStatus: Record<SourceStatus, number>;
}

export interface SourceCatalog {
  /** Same filters, order and cursors as db.sources.list, online or off. */
  list(query?: SourceListQuery): Promise<CatalogPage>;
  get(idOrUrl: string): Promise<{ source: CatalogSource | null } & Origin>;
  count(query?: Omit<SourceListQuery, "cursor" | "limit">): Promise<{ count: number } & Origin>;
  stats(): Promise<{ stats: SourceStats } & Origin>;
  /** Resolves once the in-memory copy of the mirror is loaded (at once without `keepWarm`). */
  whenWarm(): Promise<void>;
  /**
   * Mirror records by id, unknown ids left out (what search filters and cites its candidates
   * with): from the in-memory copy when it is kept warm and loaded for the mirror's current
   * version (read at most once a second: another process's sync shows within a second),
   * otherwise from Chroma.
   */
  mirrorRecords(ids: readonly string[]): Promise<MirrorRecord[]>;
}

export interface SourceCatalogOptions {
  db: Db;
  store: ChromaStore;
  connectivity: ConnectivityMonitor;
  /** When the mirror last matched PostgreSQL; usually OfflineSyncManager.mirrorAsOf. */
  mirrorAsOf: () => Promise<Date | null>;
  /** A PostgreSQL read slower than this is treated as an outage and answered from the mirror. */
  primaryTimeoutMs?: number;
  /**
   * Keep an in-memory copy of the mirror loaded while PostgreSQL is up (reloaded after each
   * sync that changed the mirror), so the first reads of an outage are answered from memory
   * instead of a Chroma scan. For long-running processes: it holds every source in memory.
   * Without it, the copy is loaded on the first offline read and dropped on reconnect.
   */
  keepWarm?: Pick<OfflineSyncManager, "on" | "mirrorVersion">;
}

/**
 * The read API every app uses: PostgreSQL while it answers, the Chroma mirror when it does not
 * (known from the connectivity monitor, or discovered by this very call), every answer saying
 * which. Never answers from a mirror that has not completed a sync.
 */
export function createSourceCatalog(options: SourceCatalogOptions): SourceCatalog {
  const { db, store, connectivity } = options;
  const primaryTimeoutMs = options.primaryTimeoutMs ?? 3_000;

  async function answer<T>(fromPrimary: () => Promise<T>, fromMirror: (asOf: Date) => Promise<T>): Promise<{ value: T } & Origin> {
    if (connectivity.shouldTryPrimary()) {
      try {
        // A PostgreSQL that does not answer in time is an outage, as far as the monitor is concerned.
        const value = await withDeadline(fromPrimary, primaryTimeoutMs, () => new DbError("TIMEOUT", `PostgreSQL did not answer within ${primaryTimeoutMs} ms.`));
        connectivity.reportSuccess();
        return { value, origin: "primary", asOf: null };
      } catch (error) {
        if (!connectivity.reportFailure(error)) throw error;
      }
    }
    let asOf: Date | null;
    try {
      asOf = await options.mirrorAsOf();
    } catch (error) {
      throw unavailable(error);
    }
    if (!asOf) {
      throw new SyncError("NO_MIRROR", "PostgreSQL is unreachable and the mirror has never completed a sync, so there is nothing safe to answer from; start PostgreSQL, then run `kmcp sync run`.");
    }
    try {
      return { value: await fromMirror(asOf), origin: "mirror", asOf };
    } catch (error) {
      throw unavailable(error);
    }
  }

  const { keepWarm } = options;
  const snapshot = createMirrorSnapshot(store);
  // The mirror version the snapshot must match during this outage: checked once per outage,
  // as nothing can change the mirror while PostgreSQL is down.
  let outageVersion: Promise<number | null> | undefined;
  connectivity.on("change", (state) => {
    if (state !== "online") return;
    outageVersion = undefined;
    if (!keepWarm) snapshot.drop();
  });
  // One load at a time, and at most one waiting behind it, for the latest version asked for:
  // syncs that follow every notified change must not pile up loads of the whole mirror.
  let warmed = Promise.resolve();
  let latest: Promise<number | null> | number | null = null;
  let queued = false;
  const warmUp = (version: Promise<number | null> | number | null) => {
    latest = version;
    if (queued) return;
    queued = true;
    warmed = warmed
      .then(() => {
        queued = false;
        return latest;
      })
      .then((v) => (v === null ? undefined : snapshot.load(v)))
      .catch(() => {});
  };
  if (keepWarm) {
    warmUp(keepWarm.mirrorVersion());
    keepWarm.on("sync:finished", (report) => warmUp(report.lastChangedAt));
  }

  /**
   * The snapshot for the mirror as it is now, if loaded. Kept warm, it is keyed by the mirror's
   * version (a sync by any process that changed the mirror changes it); otherwise by as-of time.
   */
  async function currentSnapshot(asOf: Date) {
    if (!keepWarm) return snapshot.current(asOf.getTime());
    outageVersion ??= keepWarm.mirrorVersion().catch(() => {
      outageVersion = undefined;
      return null;
    });
    // Reports written before versions existed have none: fall back to the as-of time.
    return snapshot.current((await outageVersion) ?? asOf.getTime());
  }

  /**
   * The in-memory copy of the mirror when it is ready; until then, a compact copy of just the
   * records passing the query's Chroma-side filters, read from Chroma for this one answer.
   */
  async function mirrorCopy(query: ParsedListQuery, asOf: Date): Promise<CompactMirror> {
    return (await currentSnapshot(asOf)) ?? compactMirrorOf(await readAllMirrorRecords(store, mirrorFilters(query)));
  }

  return {
    async list(query = {}) {
      const q = parseInput(SourceListQuerySchema, query, "source list query");
      const { value, ...origin } = await answer(
        async () => {
          const page = await db.sources.list(q);
          return { items: page.items.map(fromSource), nextCursor: page.nextCursor };
        },
        async (asOf) => {
          const page = (await mirrorCopy(q, asOf)).page(q);
          return { items: page.items.map(fromMirrorRecord), nextCursor: page.nextCursor };
        },
      );
      return { ...value, ...origin };
    },

    async get(idOrUrl) {
      const ref = parseInput(SourceRefSchema, idOrUrl, "source id or url");
      const { value, ...origin } = await answer(
        async () => {
          const source = await db.sources.get(idOrUrl);
          return source ? fromSource(source) : null;
        },
        async (asOf) => {
          const loaded = await currentSnapshot(asOf);
          const record = loaded
            ? ("id" in ref ? loaded.getById(ref.id) : loaded.getByUrl(ref.url)) ?? null
            : "id" in ref
              ? await store.sources.get(ref.id)
              : await store.sources.getByUrl(ref.url);
          return record ? fromMirrorRecord(record) : null;
        },
      );
      return { source: value, ...origin };
    },

    async count(query = {}) {
      const q = parseInput(SourceListQuerySchema, query, "source count query");
      const { value, ...origin } = await answer(
        () => db.sources.count(q),
        async (asOf) => (await mirrorCopy(q, asOf)).count(q),
      );
      return { count: value, ...origin };
    },

    async stats() {
      const { value, ...origin } = await answer(
        async () => tally(await db.sources.countByKind()),
        async (asOf) => tally((await mirrorCopy(SourceListQuerySchema.parse({}), asOf)).kindCounts()),
      );
      return { stats: value, ...origin };
    },

    whenWarm: () => warmed,

    async mirrorRecords(ids) {
      const version = keepWarm ? await keepWarm.mirrorVersion({ recent: true }).catch(() => null) : null;
      // Not loaded for this version (yet): current() starts loading it, and Chroma answers meanwhile.
      const loaded = version === null ? undefined : snapshot.current(version);
      return loaded ? [...new Set(ids)].flatMap((id) => loaded.getById(id) ?? []) : store.sources.getMany(ids);
    },
  };
}

/** Pure: counts per type, tier and status from rows that each stand for `n` sources. */
export function tally(rows: readonly SourceKindCount[]): SourceStats {
  const zeros = <K extends string>(keys: Record<string, K>) => Object.fromEntries(Object.values(keys).map((k) => [k, 0])) as Record<K, number>;
  const stats: SourceStats = { total: 0, byType: zeros(SourceType), byTier: zeros(AuthorityTier), byStatus: zeros(SourceStatus) };
  for (const row of rows) {
    stats.total += row.n;
    stats.byType[row.sourceType] += row.n;
    stats.byTier[row.authorityTier] += row.n;
    stats.byStatus[row.status] += row.n;
  }
  return stats;
}

function fromSource({ createdAt: _createdAt, ...source }: Source): CatalogSource {
  return source;
}


function unavailable(error: unknown): SyncError {
  return new SyncError("UNAVAILABLE", `PostgreSQL is unreachable and the mirror could not answer either: ${describeFailure(error)}`, { cause: error });
}
