import { KmcpError } from "@kmcp/core";

/** What went wrong, as a stable string a caller can branch on. */
export type DbErrorCode =
  | "VALIDATION"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID_TRANSITION"
  | "UNREACHABLE"
  | "TIMEOUT"
  | "MIGRATION"
  | "UNKNOWN";

/** The one error type @kmcp/db throws. Messages never contain credentials. */
export class DbError extends KmcpError<DbErrorCode> {
  override readonly name = "DbError";
}

export function isDbError(error: unknown, code?: DbErrorCode): error is DbError {
  return error instanceof DbError && (code === undefined || error.code === code);
}
