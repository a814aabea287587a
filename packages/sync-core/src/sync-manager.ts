import { EventEmitter } from "node:events";
import type { ChromaStore } from "@kmcp/chroma-store";
import type { Db } from "@kmcp/db";
import { backoffDelay, silentLogger, SyncReportSchema, type Logger, type SyncMode, type SyncReport, type SyncState } from "@kmcp/core";
import { createConnectivityMonitor, type Connectivity, type ConnectivityMonitor } from "./connectivity.js";
import { describeFailure, failureSide } from "./failure.js";
import { runSync, type SyncRunCounts } from "./sync-runner.js";
import { describeState } from "./sync-state.js";

export interface SyncManagerOptions {
  db: Db;
  store: ChromaStore;
  /** Shared with the SourceCatalog so both learn from each other's failures. Made from db.ping() when omitted. */
  connectivity?: ConnectivityMonitor;
  logger?: Logger;
  now?: () => number;
  /** Changes read and written per batch (default DEFAULT_SYNC_BATCH_SIZE). */
  batchSize?: number;
}

export interface SyncEvents {
  "sync:started": [{ mode: SyncMode }];
  "sync:progress": [SyncRunCounts];
  "sync:finished": [SyncReport];
  "sync:failed": [SyncReport, unknown];
  online: [];
  offline: [];
}

/** Keeps the Chroma mirror of PostgreSQL's sources in step. See the package README. */
export interface OfflineSyncManager {
  readonly connectivity: ConnectivityMonitor;
  /**
   * Runs one sync now. Never two at once: a call while one runs waits for it (and an
   * incremental call simply shares it). Rejects with the DbError/ChromaStoreError that stopped
   * it, after recording it in the state.
   */
  syncSources(options?: { mode?: SyncMode; onProgress?: (counts: SyncRunCounts) => void | Promise<void> }): Promise<SyncReport>;
  getState(): Promise<SyncState>;
  /** When the mirror last matched PostgreSQL (the last successful sync), as stored in Chroma. */
  mirrorAsOf(): Promise<Date | null>;
  /**
   * The mirror's version as stored in Chroma, read afresh: when a sync (by any process) last
   * wrote to it. Equal versions mean the same mirror contents. Null before the first sync.
   */
  mirrorVersion(): Promise<number | null>;
  /** Background incremental syncs: one now, then every `intervalMs` (± jitter), backing off after failures. */
  start(options: { intervalMs: number; jitter?: number }): void;
  /** Stops the background loop and waits for a sync in flight. */
  stop(): Promise<void>;
  on<E extends keyof SyncEvents>(event: E, listener: (...args: SyncEvents[E]) => void): this;
  off<E extends keyof SyncEvents>(event: E, listener: (...args: SyncEvents[E]) => void): this;
}

/**
 * Measured at 100k sources on 2 cores (BENCHMARKS.md, figure 1): 2500 per batch is Chroma's best
 * upsert size here, and a full sync ran ~6% faster at 2500 than at 1000 (fewer requests and
 * checkpoint writes). Memory stays a few MB per batch.
 */
export const DEFAULT_SYNC_BATCH_SIZE = 2_500;

export function createSyncManager(options: SyncManagerOptions): OfflineSyncManager {
  const { db, store } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? DEFAULT_SYNC_BATCH_SIZE;
  const connectivity = options.connectivity ?? createConnectivityMonitor({ ping: () => db.ping() });
  const events = new EventEmitter();
  let report: SyncReport | null = null;
  let reportLoaded = false;
  let running: { mode: SyncMode; promise: Promise<SyncReport> } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let started = false;
  let first = true;

  connectivity.on("change", (state: Connectivity) => {
    if (state === "offline") events.emit("offline");
    if (state === "online") events.emit("online");
    logger.info("postgres connectivity changed", { state });
  });

  /** The last report: this process's, or else the one stored in Chroma by any process. */
  async function lastReport(): Promise<SyncReport | null> {
    if (report || reportLoaded) return report;
    const stored = await store.readSyncState();
    const parsed = SyncReportSchema.safeParse(stored.lastReport);
    report = parsed.success ? parsed.data : null;
    reportLoaded = true;
    return report;
  }

  /**
   * The mirror version stored in Chroma by any process, read afresh (not this process's
   * cached report): right before a run that changed nothing keeps it, and when a copy of the
   * mirror is checked. Null when no run recorded one.
   */
  async function storedVersion(): Promise<number | null> {
    const parsed = SyncReportSchema.safeParse((await store.readSyncState()).lastReport);
    return parsed.success ? parsed.data.lastChangedAt : null;
  }

  async function execute(mode: SyncMode, onProgress?: (counts: SyncRunCounts) => void | Promise<void>): Promise<SyncReport> {
    const startedAt = now();
    events.emit("sync:started", { mode });
    logger.info("sync started", { mode });
    const previous = await lastReport().catch(() => report);
    try {
      const { counts, checkpoint, mode: ran } = await runSync({
        db,
        store,
        mode,
        batchSize,
        now,
        onProgress: async (c) => {
          events.emit("sync:progress", c);
          await onProgress?.(c);
        },
      });
      connectivity.reportSuccess();
      const finishedAt = now();
      report = {
        mode: ran,
        outcome: "success",
        startedAt,
        finishedAt,
        durationMs: finishedAt - startedAt,
        ...counts,
        error: null,
        lastSuccessAt: finishedAt,
        lastChangedAt: counts.upserted + counts.deleted > 0 ? finishedAt : await storedVersion().then((v) => v ?? finishedAt),
      };
      await store.writeSyncState({ checkpoint, lastReport: report });
      events.emit("sync:finished", report);
      if (ran !== mode) logger.warn("the mirror was empty but had a checkpoint; rebuilt it with a full sync");
      logger.info("sync finished", { mode: ran, ...counts, durationMs: report.durationMs });
      return report;
    } catch (error) {
      connectivity.reportFailure(error);
      const finishedAt = now();
      const side = failureSide(error);
      report = {
        mode,
        outcome: "failed",
        startedAt,
        finishedAt,
        durationMs: finishedAt - startedAt,
        upserted: 0,
        deleted: 0,
        unchanged: 0,
        error: { side, message: describeFailure(error) },
        lastSuccessAt: previous?.lastSuccessAt ?? null,
        // It may have written some batches before it failed.
        lastChangedAt: finishedAt,
      };
      // Best effort: when Chroma is the side that failed, this write fails too.
      await store
        .readSyncState()
        .then(({ checkpoint }) => store.writeSyncState({ checkpoint, lastReport: report }))
        .catch(() => {});
      events.emit("sync:failed", report, error);
      logger.warn("sync failed", { mode, side, error: report.error?.message });
      throw error;
    }
  }

  async function syncSources(opts: { mode?: SyncMode; onProgress?: (counts: SyncRunCounts) => void | Promise<void> } = {}): Promise<SyncReport> {
    const mode = opts.mode ?? "incremental";
    while (running) {
      if (running.mode === "incremental" && mode === "incremental") return running.promise;
      await running.promise.catch(() => {});
    }
    const promise = execute(mode, opts.onProgress).finally(() => {
      running = undefined;
    });
    running = { mode, promise };
    return promise;
  }

  function schedule(intervalMs: number, jitter: number) {
    if (!started) return;
    // Back off while syncs fail, spread ±jitter so many processes do not sync in lock-step.
    const delay = first ? 0 : backoffDelay({ attempt: failures, baseMs: intervalMs, maxMs: Math.max(intervalMs, 300_000), spread: [1 - jitter, 1 + jitter] });
    first = false;
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the callback catches the sync's failure itself
    timer = setTimeout(async () => {
      try {
        await syncSources();
        failures = 0;
      } catch {
        failures += 1;
      }
      schedule(intervalMs, jitter);
    }, delay);
    timer.unref?.();
  }

  const manager: OfflineSyncManager = {
    connectivity,
    syncSources,
    async getState() {
      if (connectivity.state === "unknown") await connectivity.probe();
      const [last, mirrorSize] = await Promise.all([
        lastReport().catch(() => report),
        store.sources.count().catch(() => null),
      ]);
      return describeState({ report: last, syncing: Boolean(running), isOnline: connectivity.isOnline, mirrorSize });
    },
    mirrorVersion: storedVersion,
    async mirrorAsOf() {
      const last = await lastReport();
      return last?.lastSuccessAt ? new Date(last.lastSuccessAt) : null;
    },
    start({ intervalMs, jitter = 0.1 }) {
      if (started) return;
      started = true;
      first = true;
      schedule(intervalMs, jitter);
    },
    async stop() {
      started = false;
      clearTimeout(timer);
      await running?.promise.catch(() => {});
    },
    on(event, listener) {
      events.on(event, listener as (...args: unknown[]) => void);
      return manager;
    },
    off(event, listener) {
      events.off(event, listener as (...args: unknown[]) => void);
      return manager;
    },
  };
  return manager;
}
