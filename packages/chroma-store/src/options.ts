import { z } from "zod";
import { parseInput } from "./parse-input.js";

// Chroma's collection-name rule is 3-512 characters from [a-zA-Z0-9._-], starting and ending
// alphanumeric; every suffix we append ends alphanumeric, so the prefix only has to start right.
const CollectionPrefixSchema = z
  .string()
  .max(400)
  .regex(/^(?:[a-zA-Z0-9][a-zA-Z0-9._-]*)?$/, "use letters, digits, '.', '_' or '-', starting with a letter or digit");

const limit = (max: number) => z.number().int().min(1).max(max).optional();

const commonOptions = {
  /**
   * An API key (Chroma Cloud's, or a token-authenticated server's), sent as the `x-chroma-token`
   * header. With it, tenant and database may be left out (the key's own are asked once), and the
   * limits below default to Chroma Cloud's default quotas.
   */
  apiKey: z.string().min(1).max(4_096).optional(),
  /** Chroma tenant; defaults to `default_tenant` (with an apiKey: the key's tenant). */
  tenant: z.string().min(1).optional(),
  /** Chroma database; defaults to `default_database` (with an apiKey: the key's only database). */
  database: z.string().min(1).optional(),
  /** Most records one write (or one read or delete by ids) carries; the server's own max batch size is never exceeded either. */
  maxBatchSize: limit(100_000),
  /** Most records one read returns (a page of a listing, a search's candidates); default unlimited. */
  maxResults: limit(100_000),
  /** Most requests in flight on one collection from this store; default unlimited. */
  maxConcurrentRequests: limit(1_000),
  /** Prepended to every collection name, so tests or deployments can share a server; defaults to `kmcp_`. */
  collectionPrefix: CollectionPrefixSchema.optional(),
  /** Upper bound on one request to Chroma before a TIMEOUT error; defaults to 15 000 ms. */
  requestTimeoutMs: z.number().int().positive().max(600_000).optional(),
};

const UrlOptionsSchema = z.strictObject({
  /** e.g. `http://127.0.0.1:8000`; `user:password@` becomes HTTP basic auth. Defaults to `http://localhost:8000`. */
  url: z
    .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
    .refine((value) => !URL.canParse(value) || ["", "/"].includes(new URL(value).pathname), "must not have a path: Chroma is served at the root")
    .optional(),
  ...commonOptions,
});

const HostOptionsSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  ssl: z.boolean().optional(),
  ...commonOptions,
});

/** Options of createChromaStore(): where the server is (`url`, or `host` + `port`) and how to use it. */
export const ChromaStoreOptionsSchema = z.union([UrlOptionsSchema, HostOptionsSchema]);

export type ChromaStoreOptions = z.input<typeof ChromaStoreOptionsSchema>;

/** Options with defaults applied and the URL taken apart, as the rest of the package uses them. */
export interface ResolvedChromaStoreOptions {
  host: string;
  port: number;
  ssl: boolean;
  /** Base URL without credentials, for messages. */
  displayUrl: string;
  headers: Record<string, string> | undefined;
  /** Undefined: the API key's own, asked from the server once. */
  tenant: string | undefined;
  database: string | undefined;
  collectionPrefix: string;
  requestTimeoutMs: number;
  limits: ChromaLimits;
  /** Values to mask in every message (the API key). */
  secrets: string[];
}

/** How much one request may carry, and how many may run at once per collection (Infinity: no limit). */
export interface ChromaLimits {
  maxBatchSize: number;
  maxResults: number;
  maxConcurrentRequests: number;
}

export const DEFAULT_CHROMA_URL = "http://localhost:8000";
export const DEFAULT_COLLECTION_PREFIX = "kmcp_";
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** Chroma Cloud's default quotas: records per write, results per read, concurrent requests per collection. */
const CHROMA_CLOUD_LIMITS: ChromaLimits = Object.freeze({ maxBatchSize: 300, maxResults: 300, maxConcurrentRequests: 10 });
const NO_LIMITS: ChromaLimits = Object.freeze({ maxBatchSize: Infinity, maxResults: Infinity, maxConcurrentRequests: Infinity });

/**
 * Validate and normalise createChromaStore() options.
 * @throws {ChromaStoreError} `VALIDATION` naming each problem.
 */
export function resolveChromaStoreOptions(options: unknown): ResolvedChromaStoreOptions {
  // Pick the branch by its keys so errors name the real problem, not "matches no variant".
  const input = options ?? {};
  const byHost = typeof input === "object" && ("host" in input || "port" in input || "ssl" in input);
  const value: z.output<typeof ChromaStoreOptionsSchema> = byHost
    ? parseInput(HostOptionsSchema, input, "Chroma store options")
    : parseInput(UrlOptionsSchema, input, "Chroma store options");
  const { apiKey } = value;
  // A self-hosted server has default_tenant/default_database; an API key knows its own.
  const fallback = apiKey ? undefined : { tenant: "default_tenant", database: "default_database" };
  const defaults = apiKey ? CHROMA_CLOUD_LIMITS : NO_LIMITS;
  const common = {
    tenant: value.tenant ?? fallback?.tenant,
    database: value.database ?? fallback?.database,
    collectionPrefix: value.collectionPrefix ?? DEFAULT_COLLECTION_PREFIX,
    requestTimeoutMs: value.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    limits: {
      maxBatchSize: value.maxBatchSize ?? defaults.maxBatchSize,
      maxResults: value.maxResults ?? defaults.maxResults,
      maxConcurrentRequests: value.maxConcurrentRequests ?? defaults.maxConcurrentRequests,
    },
    secrets: apiKey ? [apiKey] : [],
  };
  const tokenHeader = apiKey ? { "x-chroma-token": apiKey } : undefined;
  if ("host" in value) {
    const ssl = value.ssl ?? false;
    const host = value.host.includes(":") && !value.host.startsWith("[") ? `[${value.host}]` : value.host;
    return {
      host,
      port: value.port,
      ssl,
      displayUrl: `${ssl ? "https" : "http"}://${host}:${value.port}`,
      headers: tokenHeader,
      ...common,
    };
  }
  const url = new URL(value.url ?? DEFAULT_CHROMA_URL);
  const ssl = url.protocol === "https:";
  const port = url.port ? Number(url.port) : ssl ? 443 : 80;
  const basic =
    url.username || url.password
      ? {
          Authorization: `Basic ${Buffer.from(
            `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
          ).toString("base64")}`,
        }
      : undefined;
  const headers = basic || tokenHeader ? { ...basic, ...tokenHeader } : undefined;
  if (url.password) common.secrets.push(decodeURIComponent(url.password));
  return {
    host: url.hostname,
    port,
    ssl,
    displayUrl: `${url.protocol}//${url.hostname}:${port}`,
    headers,
    ...common,
  };
}
