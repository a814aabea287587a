import type { HealthReport, HealthStatus } from "./report.js";

/** What a health command exits with: `pass` 0, `warn` 1, `fail` 2. */
export const HEALTH_EXIT_CODES = { pass: 0, warn: 1, fail: 2 } as const satisfies Record<HealthStatus, number>;

/**
 * Pure: the process exit code for a report (or its status), for CLIs.
 * @example process.exitCode = healthExitCode(await health.report());
 */
export function healthExitCode(report: Pick<HealthReport, "status"> | HealthStatus): 0 | 1 | 2 {
  const status = typeof report === "string" ? report : report.status;
  return HEALTH_EXIT_CODES[status] ?? HEALTH_EXIT_CODES.fail;
}
