import { KmcpError } from "@kmcp/core";

/** What went wrong, as a stable string a caller can branch on. */
export type SyncErrorCode =
  /** Neither PostgreSQL nor the mirror could answer. */
  | "UNAVAILABLE"
  /** PostgreSQL is down and there is no mirror to answer from (never synced). */
  | "NO_MIRROR"
  | "VALIDATION"
  /** The stored sync checkpoint is unreadable; a full sync rebuilds it. */
  | "CORRUPT_STATE";

/** The error @kmcp/sync-core throws itself; DbError and ChromaStoreError pass through as they are. */
export class SyncError extends KmcpError<SyncErrorCode> {
  override readonly name = "SyncError";
}

export function isSyncError(error: unknown, code?: SyncErrorCode): error is SyncError {
  return error instanceof SyncError && (code === undefined || error.code === code);
}
