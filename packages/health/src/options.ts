import { z } from "zod";
import type { BacklogProbe, ChromaProbe, CrawlsProbe, MirrorProbe, PostgresProbe, TriggerProbe } from "./probes.js";

const withMethod = <T>(method: string) =>
  z.custom<T>(
    (value) => typeof value === "object" && value !== null && typeof (value as Record<string, unknown>)[method] === "function",
    { message: `must be an object with a ${method}() method` },
  );

const isFunction = (value: unknown) => typeof value === "function";
const TimeoutMsSchema = z.number().int().positive().max(600_000);

export const HealthCheckOptionsSchema = z.strictObject({
  /** e.g. the `Db` of @kmcp/db. */
  postgres: withMethod<PostgresProbe>("ping"),
  /** e.g. the `ChromaStore` of @kmcp/chroma-store. */
  chroma: withMethod<ChromaProbe>("heartbeat"),
  /** e.g. the `OfflineSyncManager` of @kmcp/sync-core. */
  mirror: withMethod<MirrorProbe>("mirrorAsOf"),
  /** Adds the `writes:backlog` check when given. */
  backlog: withMethod<BacklogProbe>("pendingWrites").optional(),
  /** Adds the `crawls:freshness` check when given. */
  crawls: withMethod<CrawlsProbe>("staleSites").optional(),
  /** The crawl check warns about sites last crawled successfully longer ago than this (default 7 days). */
  crawlMaxAgeMs: z.number().int().positive().default(7 * 86_400_000),
  /** Adds the `sync:trigger` check (push or polling, and why) when given and background syncs run. */
  trigger: withMethod<TriggerProbe>("trigger").optional(),
  /** How long each check may take; a check still running then is reported as timed out. */
  timeoutMs: TimeoutMsSchema.default(2_000),
  /** Per-check overrides of `timeoutMs`. */
  timeouts: z
    .strictObject({
      postgres: TimeoutMsSchema.optional(),
      chroma: TimeoutMsSchema.optional(),
      mirror: TimeoutMsSchema.optional(),
      backlog: TimeoutMsSchema.optional(),
      crawls: TimeoutMsSchema.optional(),
    })
    .prefault({}),
  /** The mirror warns when its last successful sync is older than this (default 15 min). */
  mirrorMaxAgeMs: z.number().int().positive().default(15 * 60_000),
  /** The backlog warns when more writes than this are pending. */
  backlogWarnAbove: z.number().int().nonnegative().default(100),
  /** PostgreSQL and Chroma warn when slower than this; never by default. */
  responseTimeWarnMs: z.number().positive().optional(),
  /** Copied into the report. */
  serviceId: z.string().min(1).optional(),
  description: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
  /** Scrubs secrets from dependency messages (e.g. `db.redact`); URL credentials are always removed. */
  redact: z.custom<(text: string) => string>(isFunction, { message: "must be a function" }).optional(),
  /** Clock, epoch ms; for tests. */
  now: z.custom<() => number>(isFunction, { message: "must be a function" }).optional(),
});

export type HealthCheckOptions = z.input<typeof HealthCheckOptionsSchema>;
export type ResolvedHealthCheckOptions = z.output<typeof HealthCheckOptionsSchema>;
