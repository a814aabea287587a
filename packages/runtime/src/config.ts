import { homedir, userInfo } from "node:os";
import path from "node:path";
import { formatIssues, redactSecrets } from "@kmcp/core";
import type { ChromaStoreOptions } from "@kmcp/chroma-store";
import type { SearchDeps } from "@kmcp/search";
// The light entry point: parsing the configuration must not load search and ingestion.
import { DEFAULT_FUSION, FUSION_METHODS, OpenAiEmbedderOptionsSchema, parseTierWeights, type OpenAiEmbedderOptions, type TierWeights } from "@kmcp/search/config";
import { z } from "zod";
import { ConfigError } from "./errors.js";
import { parseDuration } from "./duration.js";

/** A duration in the environment: `7d`, `12h`, `30m`, `45s` or milliseconds. */
const duration = (min: number) =>
  z
    .string()
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === null || ms < min) {
        ctx.addIssue({ code: "custom", message: `must be a duration of at least ${min / 1000} s, such as 7d, 12h or 30m` });
        return z.NEVER;
      }
      return ms;
    });

/** Every environment variable kmcp reads. Apps parse it once (in their env.ts) and pass the result on. */
export const KmcpEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/./, "must be a postgresql:// URL")
    // Refused here, by name: otherwise `new URL()` throws later with the whole URL (password included) in its `input`.
    .refine((u) => URL.canParse(u), "is not a valid URL (percent-encode special characters in the password)")
    .optional(),
  CHROMA_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
  /** Chroma Cloud's API key (or a token-authenticated server's), sent as `x-chroma-token`; needs CHROMA_URL. */
  CHROMA_API_KEY: z.string().min(1).optional(),
  /** Chroma tenant and database (default: the API key's own; without a key, default_tenant and default_database). */
  CHROMA_TENANT: z.string().min(1).optional(),
  CHROMA_DATABASE: z.string().min(1).optional(),
  /** Most records one Chroma write (or read by ids) carries (default: the server's max batch size; 300 with an API key). */
  KMCP_CHROMA_MAX_BATCH: z.coerce.number().int().min(1).max(100_000).optional(),
  /** Most results one Chroma read or search asks for (default unlimited; 300 with an API key). */
  KMCP_CHROMA_MAX_RESULTS: z.coerce.number().int().min(1).max(100_000).optional(),
  /** Most Chroma requests in flight per collection from one process (default unlimited; 10 with an API key). */
  KMCP_CHROMA_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).optional(),
  KMCP_HOME: z.string().min(1).optional(),
  KMCP_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("warn"),
  KMCP_SYNC_INTERVAL_MS: z.coerce.number().int().min(1_000).default(30_000),
  /**
   * `on`: long-running processes sync as soon as PostgreSQL notifies a change (the interval stays
   * as a safety net), and fall back to the interval alone when notifications do not arrive.
   * `off`: the interval alone (e.g. behind a transaction-mode pooler, which drops notifications).
   */
  KMCP_SYNC_NOTIFY: z.enum(["on", "off"]).default("on"),
  /** How long the first notified change waits for the rest of a burst before the sync starts. */
  KMCP_SYNC_DEBOUNCE_MS: z.coerce.number().int().min(0).max(60_000).default(20),
  KMCP_MIRROR_MAX_AGE_MS: z.coerce.number().int().min(1_000).default(3_600_000),
  /**
   * `on`: long-running servers reuse source reads while the source version each read checks in
   * PostgreSQL is unchanged (never stale). `off`: every read runs its query in PostgreSQL.
   */
  KMCP_READ_CACHE: z.enum(["on", "off"]).default("on"),
  /** `local`: the built-in offline embedder; `openai`: any OpenAI-compatible /v1/embeddings server. */
  KMCP_EMBEDDER: z.enum(["local", "openai"]).default("local"),
  KMCP_EMBEDDING_URL: z.string().optional(),
  KMCP_EMBEDDING_MODEL: z.string().optional(),
  KMCP_EMBEDDING_API_KEY: z.string().optional(),
  KMCP_EMBEDDING_DIMENSIONS: z.coerce.number().int().positive().optional(),
  KMCP_EMBEDDING_BATCH_SIZE: z.coerce.number().int().positive().optional(),
  /** e.g. `tier_1_canonical=1,tier_2_trusted=0.9,tier_3_community=0.8` (see @kmcp/search). */
  KMCP_SEARCH_TIER_WEIGHTS: z.string().optional(),
  /** How hybrid search fuses its two lists: `scores` (default) or `rrf` (reciprocal ranks); see @kmcp/search. */
  KMCP_SEARCH_FUSION: z.enum(FUSION_METHODS).optional(),
  /** Share of a result's relevance taken from its source's best other match, 0 to 1 (default DEFAULT_FUSION.sourceEvidence). */
  KMCP_SEARCH_SOURCE_EVIDENCE: z.coerce.number().min(0, "must be from 0 to 1").max(1, "must be from 0 to 1").optional(),
  /** Hybrid search's reciprocal rank fusion constant k, with KMCP_SEARCH_FUSION=rrf (default DEFAULT_FUSION.k of @kmcp/search). */
  KMCP_SEARCH_FUSION_K: z.coerce.number().min(0, "must be 0 or more").max(1_000, "must be at most 1000").optional(),
  /** Weights of the keyword (BM25) and vector lists in hybrid search; 0 leaves a list out (not both). */
  KMCP_SEARCH_LEXICAL_WEIGHT: z.coerce.number().min(0, "must be 0 or more").max(100, "must be at most 100").optional(),
  KMCP_SEARCH_VECTOR_WEIGHT: z.coerce.number().min(0, "must be 0 or more").max(100, "must be at most 100").optional(),
  /** "1": `kmcp acquire` may fetch from loopback, private and link-local addresses (a local docs server). */
  KMCP_ACQUIRE_ALLOW_PRIVATE: z.enum(["0", "1"]).default("0"),
  /** The MCP server re-crawls crawled sites older than this, this often (`kmcp sources refresh --older-than`); off when unset. */
  KMCP_REFRESH_INTERVAL: duration(60_000).optional(),
  /** Health warns about crawled sites whose last successful crawl is older than this (default 7d). */
  KMCP_CRAWL_MAX_AGE: duration(1_000).default(7 * 86_400_000),
  /** Worker threads that read, extract, chunk and embed files during `kmcp ingest` and pages during a crawl (0: none); default from the cores. */
  KMCP_INGEST_THREADS: z.coerce.number().int().min(0, "must be 0 or more").max(16, "must be at most 16").optional(),
});

/** The fusion settings createSearch takes. */
export type SearchFusion = NonNullable<SearchDeps["fusion"]>;

/** How to use the Chroma server besides its URL; unset fields keep @kmcp/chroma-store's defaults. */
export type ChromaAccess = Pick<
  Exclude<ChromaStoreOptions, { host: string }>,
  "apiKey" | "tenant" | "database" | "maxBatchSize" | "maxResults" | "maxConcurrentRequests"
>;

/** Which embedder search and ingestion use. */
export type EmbedderConfig = { kind: "local" } | { kind: "openai"; options: z.output<typeof OpenAiEmbedderOptionsSchema> };

export interface KmcpConfig {
  /** Unset: use the embedded PostgreSQL under `home`. */
  databaseUrl: string | undefined;
  /** Unset: use the embedded Chroma under `home`. */
  chromaUrl: string | undefined;
  /** CHROMA_API_KEY (a secret: never print it), CHROMA_TENANT, CHROMA_DATABASE and KMCP_CHROMA_MAX_*. */
  chroma: ChromaAccess;
  home: string;
  logLevel: z.output<typeof KmcpEnvSchema>["KMCP_LOG_LEVEL"];
  syncIntervalMs: number;
  /** KMCP_SYNC_NOTIFY: background syncs follow PostgreSQL's change notifications. */
  syncNotify: boolean;
  syncDebounceMs: number;
  mirrorMaxAgeMs: number;
  /** KMCP_READ_CACHE; used where the process asks for it (createKmcp's `cacheReads`). */
  readCache: boolean;
  embedder: EmbedderConfig;
  /** Search weight per authority tier. */
  tierWeights: TierWeights;
  /** Hybrid search's fusion settings given in the environment (the rest keep @kmcp/search's defaults). */
  fusion: SearchFusion;
  /** KMCP_ACQUIRE_ALLOW_PRIVATE=1: acquisition may fetch from non-public addresses. */
  acquireAllowPrivate: boolean;
  /** KMCP_REFRESH_INTERVAL in ms: how often a long-running server refreshes crawled sites; null: never. */
  refreshIntervalMs: number | null;
  /** KMCP_CRAWL_MAX_AGE in ms: health warns about crawled sites older than this. */
  crawlMaxAgeMs: number;
  /** KMCP_INGEST_THREADS: the ingester's preparation threads; undefined: @kmcp/search's default. */
  ingestThreads: number | undefined;
}

/**
 * Where kmcp keeps its embedded databases: `~/.kmcp`, or `/var/lib/kmcp` for root (whose home
 * the `postgres` user, which PostgreSQL must run as under root, cannot enter).
 */
export function defaultHome(): string {
  return userInfo().uid === 0 ? "/var/lib/kmcp" : path.join(homedir(), ".kmcp");
}

/** @throws ConfigError VALIDATION naming each bad variable (values with credentials are not echoed). */
export function parseKmcpEnv(env: Record<string, string | undefined>): KmcpConfig {
  const parsed = KmcpEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError("VALIDATION", redactSecrets(`Invalid environment: ${formatIssues(parsed.error)}`));
  const e = parsed.data;
  const problems: string[] = [];
  const embedder = embedderConfig(e, problems);
  const weights = e.KMCP_SEARCH_TIER_WEIGHTS === undefined ? undefined : parseTierWeights(e.KMCP_SEARCH_TIER_WEIGHTS);
  if (weights && !weights.ok) problems.push(`KMCP_SEARCH_TIER_WEIGHTS: ${weights.message}`);
  const fusion = fusionConfig(e, problems);
  for (const name of ["CHROMA_API_KEY", "CHROMA_TENANT", "CHROMA_DATABASE"] as const) {
    if (e[name] !== undefined && !e.CHROMA_URL) problems.push(`${name}: needs CHROMA_URL (for Chroma Cloud, https://api.trychroma.com); the embedded Chroma takes none`);
  }
  if (problems.length > 0) throw new ConfigError("VALIDATION", redactSecrets(`Invalid environment: ${problems.join("; ")}`));
  return {
    databaseUrl: e.DATABASE_URL,
    chromaUrl: e.CHROMA_URL,
    chroma: {
      apiKey: e.CHROMA_API_KEY,
      tenant: e.CHROMA_TENANT,
      database: e.CHROMA_DATABASE,
      maxBatchSize: e.KMCP_CHROMA_MAX_BATCH,
      maxResults: e.KMCP_CHROMA_MAX_RESULTS,
      maxConcurrentRequests: e.KMCP_CHROMA_MAX_CONCURRENCY,
    },
    home: path.resolve(e.KMCP_HOME ?? defaultHome()),
    logLevel: e.KMCP_LOG_LEVEL,
    syncIntervalMs: e.KMCP_SYNC_INTERVAL_MS,
    syncNotify: e.KMCP_SYNC_NOTIFY === "on",
    syncDebounceMs: e.KMCP_SYNC_DEBOUNCE_MS,
    mirrorMaxAgeMs: e.KMCP_MIRROR_MAX_AGE_MS,
    readCache: e.KMCP_READ_CACHE === "on",
    acquireAllowPrivate: e.KMCP_ACQUIRE_ALLOW_PRIVATE === "1",
    refreshIntervalMs: e.KMCP_REFRESH_INTERVAL ?? null,
    crawlMaxAgeMs: e.KMCP_CRAWL_MAX_AGE,
    ingestThreads: e.KMCP_INGEST_THREADS,
    embedder: embedder!,
    tierWeights: weights?.ok ? weights.weights : {},
    fusion,
  };
}

function fusionConfig(e: z.output<typeof KmcpEnvSchema>, problems: string[]): SearchFusion {
  const lexical = e.KMCP_SEARCH_LEXICAL_WEIGHT;
  const vector = e.KMCP_SEARCH_VECTOR_WEIGHT;
  if ((lexical ?? DEFAULT_FUSION.weights.lexical) === 0 && (vector ?? DEFAULT_FUSION.weights.vector) === 0) {
    problems.push("KMCP_SEARCH_LEXICAL_WEIGHT and KMCP_SEARCH_VECTOR_WEIGHT: may not both be 0");
  }
  const weights = { ...(lexical === undefined ? {} : { lexical }), ...(vector === undefined ? {} : { vector }) };
  return {
    ...(e.KMCP_SEARCH_FUSION === undefined ? {} : { method: e.KMCP_SEARCH_FUSION }),
    ...(e.KMCP_SEARCH_FUSION_K === undefined ? {} : { k: e.KMCP_SEARCH_FUSION_K }),
    ...(Object.keys(weights).length > 0 ? { weights } : {}),
    ...(e.KMCP_SEARCH_SOURCE_EVIDENCE === undefined ? {} : { sourceEvidence: e.KMCP_SEARCH_SOURCE_EVIDENCE }),
  };
}

function embedderConfig(e: z.output<typeof KmcpEnvSchema>, problems: string[]): EmbedderConfig | undefined {
  if (e.KMCP_EMBEDDER === "local") return { kind: "local" };
  const options: OpenAiEmbedderOptions = {
    baseUrl: e.KMCP_EMBEDDING_URL as string,
    model: e.KMCP_EMBEDDING_MODEL as string,
    apiKey: e.KMCP_EMBEDDING_API_KEY,
    dimensions: e.KMCP_EMBEDDING_DIMENSIONS,
    batchSize: e.KMCP_EMBEDDING_BATCH_SIZE,
  };
  const parsed = OpenAiEmbedderOptionsSchema.safeParse(options);
  if (parsed.success) return { kind: "openai", options: parsed.data };
  // Name the variable and the rule only: the values may include the API key.
  const names: Record<string, string> = { baseUrl: "KMCP_EMBEDDING_URL", model: "KMCP_EMBEDDING_MODEL", apiKey: "KMCP_EMBEDDING_API_KEY", dimensions: "KMCP_EMBEDDING_DIMENSIONS", batchSize: "KMCP_EMBEDDING_BATCH_SIZE" };
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "");
    problems.push(`${names[field] ?? field} (with KMCP_EMBEDDER=openai): ${issue.input === undefined ? "is required" : issue.message}`);
  }
  return undefined;
}
