import { CrawlPageStatusSchema, CrawlScopeSchema, IdSchema, MAX_URL_LENGTH, type CrawlScope } from "@kmcp/core";
import { z } from "zod";
import type { CrawlJob as PrismaCrawlJob, CrawlPage as PrismaCrawlPage } from "./generated/prisma/client.js";

/** A crawl job as the repository returns it: the Prisma row, its scope parsed. */
export type CrawlJob = Omit<PrismaCrawlJob, "scope"> & { scope: CrawlScope };

/** A page of a crawled site: the frontier entry and what its last visit found. */
export type CrawlPage = Omit<PrismaCrawlPage, "id" | "sourceId" | "discoveredAt">;

/** Pages a job settled, per outcome, and pages known for the source that it has not settled yet. */
export interface CrawlJobCounts {
  stored: number;
  unchanged: number;
  gone: number;
  failed: number;
  skipped: Record<string, number>;
  /** Pages of the source not settled by this job. */
  pending: number;
  /** Chunks the source's pages have. */
  chunks: number;
}

/** A job with its source's url and its counts (kmcp jobs). */
export interface CrawlJobSummary extends CrawlJob {
  url: string;
  counts: CrawlJobCounts;
}

const text = (max: number) => z.string().max(max).nullable().optional();

export const DiscoveredPagesSchema = z.array(
  z.strictObject({ url: z.string().min(1).max(MAX_URL_LENGTH), depth: z.number().int().min(0).max(100_000) }),
);

export const PageSettlementSchema = z.strictObject({
  url: z.string().min(1).max(MAX_URL_LENGTH),
  status: CrawlPageStatusSchema.exclude(["pending"]),
  reason: z.string().max(2_000).nullable(),
  finalUrl: text(4_096),
  etag: text(1_024),
  lastModified: text(200),
  contentType: text(300),
  title: text(1_000),
  contentHash: text(128),
  chunks: z.number().int().min(0).optional(),
});
export type PageSettlementInput = z.input<typeof PageSettlementSchema>;

export const StartJobSchema = z.strictObject({ sourceId: IdSchema, scope: CrawlScopeSchema });
export type StartJobInput = z.input<typeof StartJobSchema>;

export function toCrawlJob(row: PrismaCrawlJob): CrawlJob {
  return { ...row, scope: CrawlScopeSchema.parse(row.scope) };
}
