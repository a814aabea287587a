import { errorGuard, KmcpError } from "@kmcp/core";

/**
 * The one error type @kmcp/db throws; its `code` (DbErrorCode) is what a caller branches on:
 * VALIDATION, NOT_FOUND, CONFLICT, INVALID_TRANSITION, UNREACHABLE, TIMEOUT, MIGRATION or UNKNOWN.
 * Messages never contain credentials.
 */
export class DbError extends KmcpError<"VALIDATION" | "NOT_FOUND" | "CONFLICT" | "INVALID_TRANSITION" | "UNREACHABLE" | "TIMEOUT" | "MIGRATION" | "UNKNOWN"> {
  override readonly name = "DbError";
}
export type DbErrorCode = DbError["code"];
export const isDbError = errorGuard(DbError);
