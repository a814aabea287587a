import { AuthorityTierSchema, SourceStatusSchema, SourceTypeSchema } from "@kmcp/db/schemas";
import { z } from "zod";

// The vocabularies are @kmcp/db's (from the Prisma schema): a value the mirror does not know is
// refused at upsert, so a schema change shows up as a failed sync rather than unreadable records.

/**
 * A point in time as milliseconds since the Unix epoch (`Date#getTime()`): an integer compares
 * with `<`, survives Chroma's metadata unchanged and can be range-filtered there later.
 */
export const EpochMsSchema = z.number().int().min(0).max(8.64e15);

/** One source as the read mirror holds it: the minimal fields reads need while PostgreSQL is down. */
export const MirrorRecordSchema = z.object({
  id: z.string().min(1).max(512),
  url: z.string().min(1),
  title: z.string(),
  sourceType: SourceTypeSchema,
  status: SourceStatusSchema,
  authorityTier: AuthorityTierSchema,
  description: z.string().nullable(),
  /** Last update in PostgreSQL, epoch ms. */
  updatedAt: EpochMsSchema,
  /** Last crawl, epoch ms, or null when never crawled. */
  lastCrawledAt: EpochMsSchema.nullable(),
  /** When the mirror last wrote this record, epoch ms. */
  syncedAt: EpochMsSchema,
});

export type MirrorRecord = z.infer<typeof MirrorRecordSchema>;

/**
 * What upsert() accepts: a MirrorRecord whose nullable fields may be left out and whose
 * `syncedAt` defaults to the time of the write. Unknown keys are dropped.
 */
export const MirrorRecordInputSchema = MirrorRecordSchema.extend({
  description: z.string().nullable().optional(),
  lastCrawledAt: EpochMsSchema.nullable().optional(),
  syncedAt: EpochMsSchema.optional(),
});

export type MirrorRecordInput = z.input<typeof MirrorRecordInputSchema>;
