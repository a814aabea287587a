/**
 * The shapes of a site crawl, one definition each: its scope options (the CLI, the MCP tool and
 * the stored job validate with the same schema), the states of a crawl job and of each page.
 * The Prisma schema's enums must agree with these; @kmcp/db checks that they do.
 */
import { z } from "zod";

export const DEFAULT_CRAWL_MAX_PAGES = 500;
export const DEFAULT_CRAWL_CONCURRENCY = 3;
export const MAX_CRAWL_CONCURRENCY = 16;
export const MAX_CRAWL_PAGES = 100_000;

const pattern = z
  .string({ error: "must be text" })
  .trim()
  .min(1, "must not be empty")
  .max(500, "must be at most 500 characters")
  .refine((p) => !/[\u0000-\u001f\u007f]/.test(p), "must not contain control characters");

/** A whole number from `min` to `max`, given as a number or as text (a CLI flag). */
const wholeNumber = (min: number, max: number) =>
  z.coerce.number().int("must be a whole number").min(min, `must be from ${min} to ${max}`).max(max, `must be from ${min} to ${max}`);

/**
 * What a crawl of a site may visit: pages of the start URL's origin whose path starts with the
 * start URL's path (its folder), at most `maxPages` fetched, at most `maxDepth` links away from
 * the start (null: no limit); `include` / `exclude` are URL glob patterns (a pattern starting
 * with `/` matches the path, any other the whole URL); a page must match an include (when some
 * are given) and no exclude. `concurrency`: requests in flight to the site at once.
 */
export const CrawlScopeSchema = z.strictObject({
  maxPages: wholeNumber(1, MAX_CRAWL_PAGES).default(DEFAULT_CRAWL_MAX_PAGES),
  maxDepth: z.coerce.number().int("must be a whole number").min(0, "must be 0 or more").max(1_000, "must be at most 1000").nullable().default(null),
  include: z.array(pattern).max(50, "at most 50 patterns").default([]),
  exclude: z.array(pattern).max(50, "at most 50 patterns").default([]),
  concurrency: wholeNumber(1, MAX_CRAWL_CONCURRENCY).default(DEFAULT_CRAWL_CONCURRENCY),
});
export type CrawlScope = z.output<typeof CrawlScopeSchema>;
export type CrawlScopeInput = z.input<typeof CrawlScopeSchema>;

/**
 * A crawl job: `running` (or killed while running: the next crawl of the source resumes it),
 * `stopped` (gave up before its frontier was empty, e.g. the site kept failing; resumable too),
 * `completed` (every page in scope visited, or `maxPages` reached).
 */
export const CrawlJobStatusSchema = z.enum(["running", "stopped", "completed"]);
export type CrawlJobStatus = z.infer<typeof CrawlJobStatusSchema>;
export const CrawlJobStatus = CrawlJobStatusSchema.enum;

/**
 * A page's state: `pending` (known, never settled), `stored` (its content's chunks written),
 * `unchanged` (304, or the same content: nothing written), `skipped` (not fetched or not kept; see
 * the reason), `failed` (the reason says why; earlier chunks, if any, are kept), `gone` (404/410:
 * its chunks removed).
 */
export const CrawlPageStatusSchema = z.enum(["pending", "stored", "unchanged", "skipped", "failed", "gone"]);
export type CrawlPageStatus = z.infer<typeof CrawlPageStatusSchema>;
export const CrawlPageStatus = CrawlPageStatusSchema.enum;

/** Why a page was skipped: robots.txt, out of scope (after a redirect), a type kmcp does not read, the same page under another URL, its host given up on. */
export const CrawlSkipReasonSchema = z.enum(["robots", "scope", "type", "duplicate", "host_failed"]);
export type CrawlSkipReason = z.infer<typeof CrawlSkipReasonSchema>;
