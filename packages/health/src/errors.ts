import { KmcpError } from "@kmcp/core";

/** What went wrong, as a stable string a caller can branch on. */
export type HealthErrorCode =
  /** The options given to createHealthCheck() or createHealthHandler() are invalid. */
  "VALIDATION";

/** The error @kmcp/health throws; only for bad options. Checks never throw, they report. */
export class HealthError extends KmcpError<HealthErrorCode> {
  override readonly name = "HealthError";
}

export function isHealthError(error: unknown, code?: HealthErrorCode): error is HealthError {
  return error instanceof HealthError && (code === undefined || error.code === code);
}
