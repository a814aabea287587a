import { KmcpError } from "@kmcp/core";

/**
 * What went wrong, for callers that branch on it:
 * - `UNREACHABLE`: no Chroma server answered at the configured address.
 * - `TIMEOUT`: the server did not answer within `requestTimeoutMs`.
 * - `VALIDATION`: the caller passed options or records that fail the package's schemas,
 *   or the server rejected a request as malformed.
 * - `NOT_FOUND`: the tenant, database or collection does not exist.
 * - `CONFLICT`: the resource already exists, or a collection of that name holds something else.
 * - `CORRUPT`: data read back from Chroma does not match what this package writes.
 * - `UNAUTHORIZED`: the server refused the credentials.
 * - `UNKNOWN`: anything else; see `cause`.
 */
export type ChromaStoreErrorCode =
  | "UNREACHABLE"
  | "TIMEOUT"
  | "VALIDATION"
  | "NOT_FOUND"
  | "CONFLICT"
  | "CORRUPT"
  | "UNAUTHORIZED"
  | "UNKNOWN";

/** The one error type @kmcp/chroma-store throws. Messages say what to do; `cause` keeps the original. */
export class ChromaStoreError extends KmcpError<ChromaStoreErrorCode> {
  override readonly name = "ChromaStoreError";
}

/** True when `error` is a ChromaStoreError, optionally with the given code. */
export function isChromaStoreError(error: unknown, code?: ChromaStoreErrorCode): error is ChromaStoreError {
  return error instanceof ChromaStoreError && (code === undefined || error.code === code);
}
