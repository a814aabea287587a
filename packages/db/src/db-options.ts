import { formatIssues, redactSecrets } from "@kmcp/core";
import { z } from "zod";
import { DbError } from "./errors.js";

export const ReadCacheOptionsSchema = z.strictObject({
  maxEntries: z.number().int().min(1).default(1_000),
});

export const DbOptionsSchema = z.strictObject({
  /** `postgresql://user:password@host:port/database` */
  url: z
    .string()
    .refine((u) => /^postgres(ql)?:\/\/./.test(u), "must be a postgresql:// URL")
    .refine((u) => URL.canParse(u), "is not a valid URL"),
  /** How long to wait for a connection before calling PostgreSQL unreachable. */
  connectTimeoutMs: z.number().int().positive().default(5_000),
  /** Client-side limit for any single query; none by default. */
  queryTimeoutMs: z.number().int().positive().optional(),
  poolSize: z.number().int().min(1).max(100).default(5),
  /** Deadline of ping(). */
  pingTimeoutMs: z.number().int().positive().default(2_000),
  /**
   * Reuse source reads (get, list, count, countByKind) while no change to sources has committed:
   * each read first checks the source version in PostgreSQL (one single-row query), so an answer
   * is never older than a write that committed before the read began, from any process. For
   * long-running processes that read the same things often; off by default. See the README's
   * "The read cache".
   */
  readCache: z.union([z.boolean(), ReadCacheOptionsSchema]).default(false),
});

export type DbOptions = z.input<typeof DbOptionsSchema>;
export type DbConfig = z.output<typeof DbOptionsSchema>;

/**
 * The options, validated, with the database password (to scrub from messages).
 * @throws DbError VALIDATION when the options are invalid.
 */
export function parseDbOptions(options: DbOptions): { config: DbConfig; secrets: string[] } {
  const parsed = DbOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new DbError("VALIDATION", redactSecrets(`Invalid database options: ${formatIssues(parsed.error)}`));
  }
  const password = decodeURIComponent(new URL(parsed.data.url).password);
  return { config: parsed.data, secrets: password ? [password] : [] };
}
