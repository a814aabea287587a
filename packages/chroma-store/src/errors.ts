import { errorGuard, KmcpError } from "@kmcp/core";

/**
 * The one error type @kmcp/chroma-store throws. Messages say what to do; `cause` keeps the original.
 * Its code, for callers that branch on it:
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
export class ChromaStoreError extends KmcpError<"UNREACHABLE" | "TIMEOUT" | "VALIDATION" | "NOT_FOUND" | "CONFLICT" | "CORRUPT" | "UNAUTHORIZED" | "UNKNOWN"> {
  override readonly name = "ChromaStoreError";
}
export type ChromaStoreErrorCode = ChromaStoreError["code"];
export const isChromaStoreError = errorGuard(ChromaStoreError);
