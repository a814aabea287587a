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
export class SyncError extends Error {
  override readonly name = "SyncError";
  readonly code: SyncErrorCode;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: SyncErrorCode, message: string, options: { cause?: unknown; data?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }
}

export function isSyncError(error: unknown, code?: SyncErrorCode): error is SyncError {
  return error instanceof SyncError && (code === undefined || error.code === code);
}
