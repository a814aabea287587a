import type { SyncTrigger } from "@kmcp/core";

/** Why a dependency gave no usable answer. */
export type FailureReason = "unreachable" | "timeout" | "error";

/** What a failed reading looked like; `message` is already free of credentials. */
export interface FailedReading {
  ok: false;
  reason: FailureReason;
  message: string;
  time: Date;
}

/** A ping or heartbeat: how long it took, or why it failed (with the time spent). */
export type ResponseTimeReading = { ok: true; latencyMs: number; time: Date } | (FailedReading & { latencyMs: number });

/** When the mirror last completed a sync; `lastSuccessAt: null` means there is no mirror yet. */
export type MirrorReading = { ok: true; lastSuccessAt: Date | null; time: Date } | FailedReading;

/** Writes waiting to reach PostgreSQL. */
export type BacklogReading = { ok: true; pending: number; time: Date } | FailedReading;

/** How many crawled sites were last crawled successfully more than `olderThanMs` ago. */
export type CrawlsReading = { ok: true; stale: number; olderThanMs: number; time: Date } | FailedReading;

/** Everything assessHealth() decides from: plain data, read by the checks. */
export interface HealthReadings {
  postgres: ResponseTimeReading;
  chroma: ResponseTimeReading;
  mirror: MirrorReading;
  /** Absent when no backlog source is configured; the report then has no `writes:backlog`. */
  backlog?: BacklogReading;
  /** Absent when no crawl source is configured. */
  crawls?: CrawlsReading;
  /** Absent when this process runs no background syncs; the report then has no `sync:trigger`. */
  trigger?: TriggerReading;
}

/** How background syncs learn of changes, read when the report was made. */
export type TriggerReading = SyncTrigger & { time: Date };

/** The thresholds assessHealth() applies. */
export interface HealthRules {
  /** The mirror warns when its last successful sync is older than this. */
  mirrorMaxAgeMs: number;
  /** The backlog warns when more writes than this are pending. */
  backlogWarnAbove: number;
  /** Response-time checks warn above this latency; never when undefined. */
  responseTimeWarnMs?: number | undefined;
}
