import type { SyncLeaseState, SyncReport, SyncState, SyncStatus, SyncTrigger } from "@kmcp/core";

/** Pure: the state shown for a report, whether a sync runs now (in any process), and connectivity. */
export function describeState(input: {
  report: SyncReport | null;
  syncing: boolean;
  isOnline: boolean;
  mirrorSize: number | null;
  lease: SyncLeaseState | null;
  trigger: SyncTrigger | null;
}): SyncState {
  const { report, syncing, isOnline } = input;
  let status: SyncStatus;
  if (syncing) status = "syncing";
  else if (!isOnline) status = "offline";
  else if (report?.outcome === "failed") status = "error";
  else if (!report?.lastSuccessAt) status = "pending";
  else status = "synced";
  return {
    status,
    isOnline,
    lastSyncAt: report ? new Date(report.finishedAt) : null,
    lastSuccessAt: report?.lastSuccessAt ? new Date(report.lastSuccessAt) : null,
    lastMode: report?.mode ?? null,
    counts: report ? { upserted: report.upserted, deleted: report.deleted, unchanged: report.unchanged } : null,
    durationMs: report?.durationMs ?? null,
    mirrorSize: input.mirrorSize,
    error: report?.error ?? null,
    lease: input.lease,
    trigger: input.trigger,
  };
}
