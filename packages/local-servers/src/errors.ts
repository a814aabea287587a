import { errorGuard, KmcpError } from "@kmcp/core";

/**
 * The one error type @kmcp/local-servers throws. Messages say what to do; `cause` keeps the original.
 * Its code, for callers that branch on it:
 * - `START_FAILED`: a server could not be started (binaries missing, port taken, it exited or
 *   stayed silent while starting, its data directory is in use).
 * - `LOCKED`: another kmcp process held the KMCP_HOME lock for longer than the timeout.
 * - `VALIDATION`: the options given are invalid.
 */
export class LocalServerError extends KmcpError<"START_FAILED" | "LOCKED" | "VALIDATION"> {
  override readonly name = "LocalServerError";
}
export type LocalServerErrorCode = LocalServerError["code"];
export const isLocalServerError = errorGuard(LocalServerError);
