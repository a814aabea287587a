import { errorGuard, KmcpError } from "@kmcp/core";

/**
 * The error @kmcp/sync-core throws itself (DbError and ChromaStoreError pass through as they are).
 * Its code: `UNAVAILABLE` (neither PostgreSQL nor the mirror could answer), `NO_MIRROR`
 * (PostgreSQL is down and the mirror never completed a sync), `VALIDATION`, `CORRUPT_STATE` (the
 * stored sync checkpoint is unreadable; a full sync rebuilds it), `BUSY` (another process held the
 * sync lease for as long as the caller would wait; `data.holder` names it), `LEASE_LOST` (this
 * process stopped renewing its sync lease in time, so it stopped writing).
 */
export class SyncError extends KmcpError<"UNAVAILABLE" | "NO_MIRROR" | "VALIDATION" | "CORRUPT_STATE" | "BUSY" | "LEASE_LOST"> {
  override readonly name = "SyncError";
}
export type SyncErrorCode = SyncError["code"];
export const isSyncError = errorGuard(SyncError);
