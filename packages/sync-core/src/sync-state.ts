import { z } from "zod";

export const SyncModeSchema = z.enum(["incremental", "full"]);
export type SyncMode = z.infer<typeof SyncModeSchema>;

/** What one sync run did. Stored in Chroma with the checkpoint, so it outlives the process. */
export const SyncReportSchema = z.object({
  mode: SyncModeSchema,
  outcome: z.enum(["success", "failed"]),
  startedAt: z.number(),
  finishedAt: z.number(),
  durationMs: z.number(),
  upserted: z.number().int(),
  deleted: z.number().int(),
  unchanged: z.number().int(),
  error: z.object({ side: z.enum(["postgres", "chroma", "internal"]), message: z.string() }).nullable(),
  /** Finish time of the last successful run, this one or an earlier one (epoch ms). */
  lastSuccessAt: z.number().nullable(),
  /**
   * The mirror's version: when a run last wrote to it (epoch ms). A run that changed nothing
   * keeps it, so a copy of the mirror taken at this version is still the mirror. Null in
   * reports written before it existed.
   */
  lastChangedAt: z.number().nullable().default(null),
});
export type SyncReport = z.infer<typeof SyncReportSchema>;

export type SyncStatus = "synced" | "pending" | "syncing" | "offline" | "error";

/** How the mirror stands: what getState() returns. Messages never hold credentials. */
export interface SyncState {
  status: SyncStatus;
  /** False once PostgreSQL is known to be unreachable. */
  isOnline: boolean;
  /** When the last sync (successful or not) finished. */
  lastSyncAt: Date | null;
  lastSuccessAt: Date | null;
  lastMode: SyncMode | null;
  counts: { upserted: number; deleted: number; unchanged: number } | null;
  durationMs: number | null;
  /** Sources in the mirror; null when Chroma could not be asked. */
  mirrorSize: number | null;
  /** Why the last sync failed, and on which side. */
  error: { side: "postgres" | "chroma" | "internal"; message: string } | null;
}

/** Pure: the state shown for a report, whether a sync runs now, and connectivity. */
export function describeState(input: {
  report: SyncReport | null;
  syncing: boolean;
  isOnline: boolean;
  mirrorSize: number | null;
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
  };
}
