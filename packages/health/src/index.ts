export { createHealthCheck } from "./create-health-check.js";
export type { HealthCheck } from "./create-health-check.js";

export { HealthCheckOptionsSchema } from "./options.js";
export type { HealthCheckOptions } from "./options.js";
export type { BacklogProbe, ChromaProbe, CrawlsProbe, MirrorProbe, PostgresProbe, TriggerProbe } from "./probes.js";

export { assessHealth } from "./assess-health.js";
export type { HealthAssessment } from "./assess-health.js";
export type {
  BacklogReading,
  CrawlsReading,
  FailedReading,
  FailureReason,
  HealthReadings,
  HealthRules,
  MirrorReading,
  ResponseTimeReading,
  TriggerReading,
} from "./observations.js";

export { CHECK_KEYS } from "./report.js";
export type { CheckResult, HealthReport, HealthStatus } from "./report.js";

export { createHealthHandler, HEALTH_CONTENT_TYPE, HealthHandlerOptionsSchema, readinessStatusCode } from "./http-handler.js";
export type { HealthHandler, HealthHandlerOptions } from "./http-handler.js";

export { HEALTH_EXIT_CODES, healthExitCode } from "./exit-code.js";

export { HealthError, isHealthError } from "./errors.js";
export type { HealthErrorCode } from "./errors.js";
