import type { ChromaStore } from "@kmcp/chroma-store";
import { SyncReportSchema, type SyncMode, type SyncReport } from "@kmcp/core";
import type { ConnectivityMonitor } from "./connectivity.js";
import { describeFailure, failureSide } from "./failure.js";
import type { SyncRunCounts } from "./sync-runner.js";

interface RunTimes {
  mode: SyncMode;
  startedAt: number;
  finishedAt: number;
  /** The report before this run (any process's), for what carries over. */
  previous: SyncReport | null;
}

/** Pure: the report of a run that succeeded. A run that changed nothing keeps the mirror version. */
export function successReport(run: RunTimes & { counts: SyncRunCounts }): SyncReport {
  const { counts, finishedAt } = run;
  return {
    mode: run.mode,
    outcome: "success",
    startedAt: run.startedAt,
    finishedAt,
    durationMs: finishedAt - run.startedAt,
    ...counts,
    error: null,
    lastSuccessAt: finishedAt,
    lastChangedAt: counts.upserted + counts.deleted > 0 ? finishedAt : (run.previous?.lastChangedAt ?? finishedAt),
  };
}

/** Pure: the report of a run that failed with `error`, attributed to the side it came from. */
export function failedReport(run: RunTimes & { error: unknown }): SyncReport {
  return {
    mode: run.mode,
    outcome: "failed",
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.finishedAt - run.startedAt,
    upserted: 0,
    deleted: 0,
    unchanged: 0,
    error: { side: failureSide(run.error), message: describeFailure(run.error) },
    lastSuccessAt: run.previous?.lastSuccessAt ?? null,
    // It may have written some batches before it failed.
    lastChangedAt: run.finishedAt,
  };
}

/** Reads the report stored in Chroma by whichever process synced last. */
export interface StoredReports {
  /** Read afresh. */
  read(): Promise<SyncReport | null>;
  /**
   * Read at most once a second (for mirrorAsOf(), which every mirror answer and search asks),
   * and afresh once connectivity changes: while PostgreSQL is down no process can sync, so the
   * value read at the start of an outage holds for all of it.
   */
  recent(): Promise<SyncReport | null>;
}

export function createStoredReports(store: ChromaStore, connectivity: ConnectivityMonitor): StoredReports {
  let cached: { at: number; report: Promise<SyncReport | null> } | undefined;
  connectivity.on("change", () => (cached = undefined));
  const read = async () => SyncReportSchema.safeParse((await store.readSyncState()).lastReport).data ?? null;
  return {
    read,
    recent() {
      if (!cached || performance.now() - cached.at > 1_000) {
        const pending = read();
        cached = { at: performance.now(), report: pending };
        pending.catch(() => (cached = undefined));
      }
      return cached.report;
    },
  };
}
