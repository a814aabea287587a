import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import type { ChromaStore } from "@kmcp/chroma-store";
import type { LeaseHolding, SyncDb } from "@kmcp/db";
import { silentLogger, SyncReportSchema, type Logger, type SyncMode, type SyncReport, type SyncState, type SyncTrigger } from "@kmcp/core";
import { startBackgroundSync, type AttemptOutcome, type BackgroundSync, type BackgroundSyncOptions } from "./background-sync.js";
import { storeCheckpoint } from "./checkpoint-guard.js";
import { createConnectivityMonitor, type Connectivity, type ConnectivityMonitor } from "./connectivity.js";
import { isSyncError, SyncError } from "./errors.js";
import { describeHolding, tryLease, waitForLease, type HeldLease, type LeaseIdentity } from "./sync-lease.js";
import { runSync, type SyncRunCounts } from "./sync-runner.js";
import { createStoredReports, failedReport, latestOf, successReport } from "./sync-report.js";
import { describeState } from "./sync-state.js";

export interface SyncManagerOptions {
  /** A `Db`, or only what a sync needs: `createSyncDb` from `@kmcp/db/sync`. */
  db: SyncDb;
  store: ChromaStore;
  /** Shared with the SourceCatalog so both learn from each other's failures. Made from db.ping() when omitted. */
  connectivity?: ConnectivityMonitor;
  logger?: Logger;
  now?: () => number;
  /** Changes read and written per batch (default DEFAULT_SYNC_BATCH_SIZE). */
  batchSize?: number;
  /** Who this process is, for people: shown as the sync lease's holder (default "node pid <pid> on <host>"). */
  processName?: string;
  /**
   * The sync lease's time-to-live (default DEFAULT_LEASE_TTL_MS): renewed every third of it while
   * a sync runs; when a holder dies, another process takes over once it lapses.
   */
  leaseTtlMs?: number;
}

/** How syncSources() waits when another process is syncing. */
export interface SyncSourcesOptions {
  mode?: SyncMode;
  onProgress?: (counts: SyncRunCounts) => void | Promise<void>;
  /** How long to wait for another process's sync to end (default 60 s); then it throws SyncError BUSY. */
  waitMs?: number;
  /** Called once, when another process is found syncing. */
  onWait?: (holder: string) => void;
}

export interface SyncEvents {
  "sync:started": [{ mode: SyncMode }];
  "sync:progress": [SyncRunCounts];
  "sync:finished": [SyncReport];
  "sync:failed": [SyncReport, unknown];
  /** The background syncs' trigger changed: push or polling, and why; waiting for another process. */
  trigger: [SyncTrigger];
  online: [];
  offline: [];
}

/** Keeps the Chroma mirror of PostgreSQL's sources in step. See the package README. */
export interface OfflineSyncManager {
  readonly connectivity: ConnectivityMonitor;
  /**
   * Runs one sync now. Never two at once, in any process: within this process a call while one
   * runs waits for it (an incremental call simply shares it); across processes it waits for the
   * sync lease (see SyncSourcesOptions.waitMs). Rejects with the DbError/ChromaStoreError that
   * stopped it, after recording it in the state, or with SyncError BUSY.
   */
  syncSources(options?: SyncSourcesOptions): Promise<SyncReport>;
  getState(): Promise<SyncState>;
  /** How this process's background syncs are triggered now (push or polling, and why); null when start() was not called. */
  trigger(): SyncTrigger | null;
  /** When the mirror last matched PostgreSQL (the last successful sync), as stored in Chroma. */
  mirrorAsOf(): Promise<Date | null>;
  /**
   * The mirror's version as stored in Chroma, read afresh: when a sync (by any process) last
   * wrote to it. Equal versions mean the same mirror contents. Null before the first sync.
   * With `recent`, from the report read at most once a second and this process's own last
   * report (as mirrorAsOf()): another process's sync shows within a second, this one's at once.
   */
  mirrorVersion(options?: { recent?: boolean }): Promise<number | null>;
  /**
   * Background incremental syncs: one now, then on every change PostgreSQL notifies (unless
   * `push: false`), and every `intervalMs` (± jitter) as a safety net, backing off after failures.
   * See the README: "Push, and one sync at a time".
   */
  start(options: { intervalMs: number; jitter?: number; push?: boolean; debounceMs?: number; probeTimeoutMs?: number }): void;
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

/** A dead holder's lease lapses after this; renewed every second while a sync runs. */
export const DEFAULT_LEASE_TTL_MS = 3_000;
/** How long the first notification of a burst waits for the rest before a sync starts. */
const DEFAULT_PUSH_DEBOUNCE_MS = 20;

export function createSyncManager(options: SyncManagerOptions): OfflineSyncManager {
  const { db, store } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? DEFAULT_SYNC_BATCH_SIZE;
  const connectivity = options.connectivity ?? createConnectivityMonitor({ ping: () => db.ping() });
  const identity: LeaseIdentity = {
    name: store.collections.syncState,
    holderId: randomUUID(),
    holder: (options.processName ?? `node pid ${process.pid} on ${hostname()}`).slice(0, 200),
    ttlMs: options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
  };
  const events = new EventEmitter();
  // This process's last report; the mirror's last report may be another process's (read from Chroma).
  let report: SyncReport | null = null;
  let running: { mode: SyncMode; promise: Promise<SyncReport> } | undefined;
  let background: BackgroundSync | undefined;
  // Said once per wait: the background sync retries every few seconds while the transaction runs.
  let waitLogged = false;

  connectivity.on("change", (state: Connectivity) => {
    if (state === "offline") events.emit("offline");
    if (state === "online") events.emit("online");
    logger.info("postgres connectivity changed", { state });
  });

  const stored = createStoredReports(store, connectivity);
  /**
   * The later of this process's report and the stored one, with the later last success of the
   * two (a failure here does not hide another process's success); this process's when Chroma
   * cannot be read (and Chroma's error when this process has none: unknown is not "never synced").
   */
  async function lastReport(options: { fresh: boolean } = { fresh: true }): Promise<SyncReport | null> {
    const latest = await (options.fresh ? stored.read() : stored.recent()).catch((error: unknown) => {
      if (!report) throw error;
      return null;
    });
    return latestOf(report, latest);
  }

  async function execute(
    mode: SyncMode,
    obtainLease: () => Promise<HeldLease>,
    options: {
      onProgress?: ((counts: SyncRunCounts) => void | Promise<void>) | undefined;
      more?: () => boolean;
      /** Told when the run ended with changes held back by an older transaction (SyncRunResult.heldBack). */
      onHeldBack?: () => void;
    } = {},
  ): Promise<SyncReport> {
    const { onProgress } = options;
    const startedAt = now();
    let lease: HeldLease | undefined;
    let previous: SyncReport | null = report;
    try {
      lease = await obtainLease();
      events.emit("sync:started", { mode });
      logger.info("sync started", { mode });
      const run = await runSync({
        db,
        store,
        mode,
        batchSize,
        now,
        lease,
        onProgress: async (c) => {
          events.emit("sync:progress", c);
          await onProgress?.(c);
        },
        ...(options.more ? { more: options.more } : {}),
      });
      previous = SyncReportSchema.safeParse(run.storedReport).data ?? previous;
      connectivity.reportSuccess();
      report = successReport({ mode: run.mode, startedAt, finishedAt: now(), counts: run.counts, previous });
      await storeCheckpoint(store, { checkpoint: run.checkpoint, lastReport: report }, { mayRewind: run.rebuilt, lease, stored: run.storedNow });
      // Announced before the lease is released, so no other process's sync starts before it.
      events.emit("sync:finished", report);
      await lease.release(true);
      if (run.mode !== mode) logger.warn("the mirror was empty but had a checkpoint; rebuilt it with a full sync");
      if (run.heldBack) {
        if (!waitLogged) logger.info("changes wait for an older transaction still running on the PostgreSQL server; syncing them once it ends");
        options.onHeldBack?.();
      }
      waitLogged = run.heldBack;
      logger.info("sync finished", { mode: run.mode, ...run.counts, durationMs: report.durationMs });
      return report;
    } catch (error) {
      if (isSyncError(error, "BUSY")) throw error; // another process syncs: nothing failed here
      connectivity.reportFailure(error);
      report = failedReport({ mode, startedAt, finishedAt: now(), error, previous });
      // Stored only while this process holds the lease (otherwise the state is another
      // process's to write), and best effort: when Chroma is the side that failed, this fails too.
      if (lease && !isSyncError(error, "LEASE_LOST")) {
        const failed = report;
        await store
          .readSyncState()
          .then(({ checkpoint }) => storeCheckpoint(store, { checkpoint, lastReport: failed }, { mayRewind: false, lease }))
          .catch(() => {});
      }
      events.emit("sync:failed", report, error);
      await lease?.release(false);
      logger.warn("sync failed", { mode, side: report.error?.side, error: report.error?.message });
      throw error;
    }
  }

  /** Runs `start` unless a sync runs in this process; an incremental request shares a running incremental one. */
  async function exclusive(mode: SyncMode, start: () => Promise<SyncReport>): Promise<SyncReport> {
    while (running) {
      const current = running;
      if (current.mode !== "incremental" || mode !== "incremental") {
        await current.promise.catch(() => {});
        continue;
      }
      // Shared unless it never ran: a background attempt (or a call with a shorter wait) that
      // found another process's lease ends BUSY, and this caller then waits for the lease itself.
      const shared = await current.promise.catch((error: unknown) => {
        if (isSyncError(error, "BUSY")) return undefined;
        throw error;
      });
      if (shared) return shared;
    }
    const promise = start().finally(() => {
      running = undefined;
    });
    running = { mode, promise };
    return promise;
  }

  function syncSources(opts: SyncSourcesOptions = {}): Promise<SyncReport> {
    const mode = opts.mode ?? "incremental";
    const obtain = () =>
      waitForLease(db, identity, {
        waitMs: opts.waitMs ?? 60_000,
        onWait: (holding) => {
          const who = holding ? describeHolding(holding) : "another process";
          logger.info("waiting for another process's sync", { holder: who });
          opts.onWait?.(who);
        },
      });
    return exclusive(mode, () => execute(mode, obtain, { onProgress: opts.onProgress }));
  }

  /** Resolves once no sync runs in this process. */
  async function idle(): Promise<void> {
    while (running) await running.promise.catch(() => {});
  }

  /** One background attempt: the lease if it is free, else who holds it; `more` keeps the run reading (see runSync). */
  async function attemptInBackground(more: () => boolean): Promise<AttemptOutcome> {
    await idle();
    const obtain = async () => {
      const result = await tryLease(db, identity);
      if ("held" in result) return result.held;
      throw new SyncError("BUSY", "Another process is syncing.", { data: { holding: result.busy } });
    };
    let heldBack = false;
    try {
      await exclusive("incremental", () => execute("incremental", obtain, { more, onHeldBack: () => (heldBack = true) }));
      return { outcome: heldBack ? "held back" : "synced" };
    } catch (error) {
      if (isSyncError(error, "BUSY")) return { outcome: "busy", holding: (error.data?.holding as LeaseHolding | null) ?? null };
      return { outcome: "failed" };
    }
  }

  const manager: OfflineSyncManager = {
    connectivity,
    syncSources,
    async getState() {
      if (connectivity.state === "unknown") await connectivity.probe();
      const [last, mirrorSize, holding] = await Promise.all([
        lastReport().catch(() => report),
        store.sources.count().catch(() => null),
        connectivity.isOnline ? db.leases.current(identity.name).catch(() => null) : null,
      ]);
      return describeState({
        report: last,
        syncing: Boolean(running) || holding !== null,
        isOnline: connectivity.isOnline,
        mirrorSize,
        lease: holding && { holder: holding.holder, since: holding.acquiredAt, expiresAt: holding.expiresAt, self: holding.holderId === identity.holderId },
        trigger: background?.trigger ?? null,
      });
    },
    trigger: () => background?.trigger ?? null,
    mirrorVersion: async ({ recent = false } = {}) => (await (recent ? lastReport({ fresh: false }) : stored.read()))?.lastChangedAt ?? null,
    async mirrorAsOf() {
      const last = await lastReport({ fresh: false });
      return last?.lastSuccessAt ? new Date(last.lastSuccessAt) : null;
    },
    start({ intervalMs, jitter = 0.1, push = true, debounceMs = DEFAULT_PUSH_DEBOUNCE_MS, probeTimeoutMs = 2_000 }) {
      if (background) return;
      const pushOptions: BackgroundSyncOptions["push"] = push && { debounceMs, probeTimeoutMs };
      background = startBackgroundSync(
        {
          db,
          lease: identity,
          applicationName: `kmcp listen: ${identity.holder}`,
          attempt: attemptInBackground,
          idle,
          onTrigger: (trigger) => events.emit("trigger", trigger),
          logger,
        },
        { intervalMs, jitter, push: pushOptions },
      );
    },
    async stop() {
      const stopping = background;
      background = undefined;
      await stopping?.stop();
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
