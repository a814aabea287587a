/**
 * The domain's shapes, one definition each: sources, acquisition requests, the sync's report and
 * state. The Prisma schema (prisma/schema.prisma) must agree with the enums here; @kmcp/db checks
 * that it does. Everything else — MCP output schemas, the mirror record, the CLI's JSON — is
 * derived from these.
 */
import { z } from "zod";

export const SourceTypeSchema = z.enum(["website", "documentation", "standards_body", "blog", "repository"]);
export const SourceStatusSchema = z.enum(["pending", "active", "failed", "archived"]);
export const AuthorityTierSchema = z.enum(["tier_1_canonical", "tier_2_trusted", "tier_3_community"]);
export const RequestStatusSchema = z.enum(["pending", "approved", "rejected", "completed"]);

export type SourceType = z.infer<typeof SourceTypeSchema>;
export type SourceStatus = z.infer<typeof SourceStatusSchema>;
export type AuthorityTier = z.infer<typeof AuthorityTierSchema>;
export type RequestStatus = z.infer<typeof RequestStatusSchema>;

/** The values as objects (`SourceType.blog === "blog"`), for code that lists or compares them. */
export const SourceType = SourceTypeSchema.enum;
export const SourceStatus = SourceStatusSchema.enum;
export const AuthorityTier = AuthorityTierSchema.enum;
export const RequestStatus = RequestStatusSchema.enum;

/** A knowledge source, as stored in PostgreSQL. */
export const SourceSchema = z.object({
  id: z.string(),
  url: z.string(),
  title: z.string(),
  sourceType: SourceTypeSchema,
  status: SourceStatusSchema,
  authorityTier: AuthorityTierSchema,
  description: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  /** When its content was last fetched successfully; null when never. */
  lastCrawledAt: z.date().nullable(),
});
export type Source = z.infer<typeof SourceSchema>;

/** What every catalog answer carries, from PostgreSQL and from the mirror alike. */
export const CatalogSourceSchema = SourceSchema.omit({ createdAt: true });
export type CatalogSource = z.infer<typeof CatalogSourceSchema>;

/** An ask to add a source, with its approval state. */
export const AcquisitionRequestSchema = z.object({
  id: z.string(),
  url: z.string(),
  reason: z.string(),
  priority: z.number().int(),
  status: RequestStatusSchema,
  requestedBy: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  processedAt: z.date().nullable(),
  sourceId: z.string().nullable(),
});
export type AcquisitionRequest = z.infer<typeof AcquisitionRequestSchema>;

/** One page of a cursor-paginated list; pass `nextCursor` back to get the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const SyncModeSchema = z.enum(["incremental", "full"]);
export type SyncMode = z.infer<typeof SyncModeSchema>;

/** Which side a failure came from: an outage of PostgreSQL is not a failure of Chroma. */
export const FailureSideSchema = z.enum(["postgres", "chroma", "internal"]);
export type FailureSide = z.infer<typeof FailureSideSchema>;

const SyncCountsSchema = z.object({ upserted: z.number().int(), deleted: z.number().int(), unchanged: z.number().int() });
const SyncFailureSchema = z.object({ side: FailureSideSchema, message: z.string() });

/** What one sync run did. Stored in Chroma with the checkpoint, so it outlives the process. */
export const SyncReportSchema = z.object({
  mode: SyncModeSchema,
  outcome: z.enum(["success", "failed"]),
  startedAt: z.number(),
  finishedAt: z.number(),
  durationMs: z.number(),
  ...SyncCountsSchema.shape,
  error: SyncFailureSchema.nullable(),
  /** Finish time of the last successful run, this one or an earlier one (epoch ms). */
  lastSuccessAt: z.number().nullable(),
  /**
   * The mirror's version: when a run last wrote to it (epoch ms). A run that changed nothing
   * keeps it, so a copy of the mirror taken at this version is still the mirror. Null in
   * reports written before it existed.
   */
  lastChangedAt: z.number().nullable().default(null),
});
export type SyncReport = z.infer<typeof SyncReportSchema>;

/** The process syncing the mirror now (it holds the sync lease; at most one process at a time). */
export const SyncLeaseStateSchema = z.object({
  /** Who, e.g. "kmcp-mcp pid 4242 on web-1". */
  holder: z.string(),
  since: z.date(),
  /** When the lease lapses unless its holder renews it (a dead holder's lapses; another process then takes over). */
  expiresAt: z.date(),
  /** True when it is the process answering. */
  self: z.boolean(),
});
export type SyncLeaseState = z.infer<typeof SyncLeaseStateSchema>;

/** How a long-running process learns that there is something to sync. */
export const SyncTriggerSchema = z.object({
  /**
   * `push`: PostgreSQL notifies it of every committed change to sources, and it syncs at once
   * (the timer only as a safety net); `polling`: it syncs on the timer only.
   */
  mode: z.enum(["push", "polling"]),
  /** What the configuration asks for (KMCP_SYNC_NOTIFY): polling when asked for push is a fallback. */
  configured: z.enum(["push", "polling"]),
  /** Why it polls (notifications switched off, LISTEN failed, a test notification never arrived...); null when pushed. */
  reason: z.string().nullable(),
  /** The timer's interval in ms. */
  intervalMs: z.number(),
  /**
   * What its last attempt found it must wait for: another process syncing (who: it waits for that
   * sync, or for the lease to lapse), or an older transaction still running on the PostgreSQL server
   * (changes committed after it are held back until it ends: it tries again, backing off).
   */
  waitingFor: z.string().nullable(),
});
export type SyncTrigger = z.infer<typeof SyncTriggerSchema>;

export const SyncStatusSchema = z.enum(["synced", "pending", "syncing", "offline", "error"]);
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

/** How the mirror stands. Messages never hold credentials. */
export const SyncStateSchema = z.object({
  status: SyncStatusSchema,
  /** False once PostgreSQL is known to be unreachable. */
  isOnline: z.boolean(),
  /** When the last sync (successful or not) finished. */
  lastSyncAt: z.date().nullable(),
  lastSuccessAt: z.date().nullable(),
  lastMode: SyncModeSchema.nullable(),
  counts: SyncCountsSchema.nullable(),
  durationMs: z.number().nullable(),
  /** Sources in the mirror; null when Chroma could not be asked. */
  mirrorSize: z.number().nullable(),
  /** Why the last sync failed, and on which side. */
  error: SyncFailureSchema.nullable(),
  /** The sync running now in any process; null when none (or PostgreSQL cannot be asked). */
  lease: SyncLeaseStateSchema.nullable(),
  /** This process's background syncs; null when it runs none (e.g. a one-off CLI command). */
  trigger: SyncTriggerSchema.nullable(),
});
export type SyncState = z.infer<typeof SyncStateSchema>;
