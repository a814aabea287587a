import { errorGuard, KmcpError } from "@kmcp/core";

/**
 * The error @kmcp/health throws, only for bad options (`VALIDATION`: the options given to
 * createHealthCheck() or createHealthHandler()). Checks never throw, they report.
 */
export class HealthError extends KmcpError<"VALIDATION"> {
  override readonly name = "HealthError";
}
export type HealthErrorCode = HealthError["code"];
export const isHealthError = errorGuard(HealthError);
