/** `pass`: healthy; `warn`: healthy with concerns (degraded); `fail`: unhealthy. */
export type HealthStatus = "pass" | "warn" | "fail";

/** The check keys, `component:measurement` as in draft-inadarei-api-health-check. */
export const CHECK_KEYS = {
  postgres: "postgres:responseTime",
  chroma: "chroma:responseTime",
  mirror: "mirror:freshness",
  backlog: "writes:backlog",
  crawls: "crawls:freshness",
  trigger: "sync:trigger",
} as const;

/** One reading of one check (draft-inadarei-api-health-check, "checks" object). */
export interface CheckResult {
  componentType: "datastore" | "component";
  /** `ms` for response times and the sync timer's interval, `s` (age) for freshness, `writes` for the backlog; null when nothing could be measured. */
  observedValue: number | null;
  observedUnit: "ms" | "s" | "writes" | "sites";
  status: HealthStatus;
  /** When the reading was taken (ISO 8601). */
  time: string;
  /** Why the status is not `pass`; absent when it is. Never contains credentials. */
  output?: string;
}

/** The aggregated report, served as `application/health+json`. */
export interface HealthReport {
  status: HealthStatus;
  version?: string;
  serviceId?: string;
  description?: string;
  /** What the status means for readers and writers; absent when `pass`. */
  output?: string;
  checks: {
    "postgres:responseTime": CheckResult[];
    "chroma:responseTime": CheckResult[];
    "mirror:freshness": CheckResult[];
    /** Only when a backlog source was given. */
    "writes:backlog"?: CheckResult[];
    /** Only when a crawl freshness source was given: crawled sites due for a refresh. */
    "crawls:freshness"?: CheckResult[];
    /** Only in a process that runs background syncs. */
    "sync:trigger"?: CheckResult[];
  };
}
