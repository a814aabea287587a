import { KmcpError } from "@kmcp/core";

/**
 * What went wrong, as a stable string a caller can branch on:
 * - `START_FAILED`: a server could not be started (binaries missing, port taken, it exited or
 *   stayed silent while starting, its data directory is in use).
 * - `LOCKED`: another kmcp process held the KMCP_HOME lock for longer than the timeout.
 * - `VALIDATION`: the options given are invalid.
 */
export type LocalServerErrorCode = "START_FAILED" | "LOCKED" | "VALIDATION";

/** The one error type @kmcp/local-servers throws. Messages say what to do; `cause` keeps the original. */
export class LocalServerError extends KmcpError<LocalServerErrorCode> {
  override readonly name = "LocalServerError";
}

/** True when `error` is a LocalServerError, optionally with the given code. */
export function isLocalServerError(error: unknown, code?: LocalServerErrorCode): error is LocalServerError {
  return error instanceof LocalServerError && (code === undefined || error.code === code);
}
