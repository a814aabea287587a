import { formatIssues, redactSecrets } from "@kmcp/core";
import { assessHealth } from "./assess-health.js";
import { HealthError } from "./errors.js";
import { readBacklog, readChroma, readCrawls, readMirror, readPostgres, readTrigger, type ObserveContext } from "./observe.js";
import { HealthCheckOptionsSchema, type HealthCheckOptions } from "./options.js";
import type { HealthReport } from "./report.js";

/** Runs kmcp's health checks. */
export interface HealthCheck {
  /**
   * Runs every check at once, each within its own timeout, and aggregates them. Never rejects
   * and never waits longer than the slowest check's timeout, even for a dependency that hangs.
   */
  report(): Promise<HealthReport>;
}

const MAX_MESSAGE_LENGTH = 500;

/**
 * Validates the options; touches nothing until report() is called.
 *
 * @throws {HealthError} `VALIDATION` for bad options.
 * @example
 *   const health = createHealthCheck({ postgres: db, chroma: store, mirror: sync, redact: db.redact });
 *   const report = await health.report(); // { status: "pass" | "warn" | "fail", checks: { ... } }
 */
export function createHealthCheck(options: HealthCheckOptions): HealthCheck {
  const parsed = HealthCheckOptionsSchema.safeParse(options);
  if (!parsed.success) throw new HealthError("VALIDATION", `Invalid health check options: ${formatIssues(parsed.error)}`);
  const config = parsed.data;
  const timeout = (check: keyof typeof config.timeouts) => config.timeouts[check] ?? config.timeoutMs;
  const ctx: ObserveContext = {
    now: config.now ?? Date.now,
    clean(text) {
      let scrubbed: string;
      try {
        scrubbed = redactSecrets(config.redact ? config.redact(text) : text);
      } catch {
        return "(message withheld: it could not be checked for secrets)";
      }
      return scrubbed.length > MAX_MESSAGE_LENGTH ? `${scrubbed.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : scrubbed;
    },
  };
  const meta = {
    ...(config.version !== undefined && { version: config.version }),
    ...(config.serviceId !== undefined && { serviceId: config.serviceId }),
    ...(config.description !== undefined && { description: config.description }),
  };

  return {
    async report() {
      const [postgres, chroma, mirror, backlog, crawls] = await Promise.all([
        readPostgres(config.postgres, timeout("postgres"), ctx),
        readChroma(config.chroma, timeout("chroma"), ctx),
        readMirror(config.mirror, timeout("mirror"), ctx),
        config.backlog ? readBacklog(config.backlog, timeout("backlog"), ctx) : undefined,
        config.crawls ? readCrawls(config.crawls, config.crawlMaxAgeMs, timeout("crawls"), ctx) : undefined,
      ]);
      const trigger = readTrigger(config.trigger, ctx);
      const assessed = assessHealth(
        { postgres, chroma, mirror, ...(backlog && { backlog }), ...(crawls && { crawls }), ...(trigger && { trigger }) },
        { mirrorMaxAgeMs: config.mirrorMaxAgeMs, backlogWarnAbove: config.backlogWarnAbove, responseTimeWarnMs: config.responseTimeWarnMs },
      );
      return {
        status: assessed.status,
        ...meta,
        ...(assessed.output !== undefined && { output: assessed.output }),
        checks: assessed.checks,
      };
    },
  };
}
