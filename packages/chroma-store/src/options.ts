import { z } from "zod";
import { parseInput } from "./parse-input.js";

// Chroma's collection-name rule is 3-512 characters from [a-zA-Z0-9._-], starting and ending
// alphanumeric; every suffix we append ends alphanumeric, so the prefix only has to start right.
const CollectionPrefixSchema = z
  .string()
  .max(400)
  .regex(/^(?:[a-zA-Z0-9][a-zA-Z0-9._-]*)?$/, "use letters, digits, '.', '_' or '-', starting with a letter or digit");

const commonOptions = {
  /** Chroma tenant; defaults to `default_tenant`. */
  tenant: z.string().min(1).optional(),
  /** Chroma database; defaults to `default_database`. */
  database: z.string().min(1).optional(),
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
  tenant: string;
  database: string;
  collectionPrefix: string;
  requestTimeoutMs: number;
}

export const DEFAULT_CHROMA_URL = "http://localhost:8000";
export const DEFAULT_COLLECTION_PREFIX = "kmcp_";
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

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
  const common = {
    tenant: value.tenant ?? "default_tenant",
    database: value.database ?? "default_database",
    collectionPrefix: value.collectionPrefix ?? DEFAULT_COLLECTION_PREFIX,
    requestTimeoutMs: value.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  };
  if ("host" in value) {
    const ssl = value.ssl ?? false;
    const host = value.host.includes(":") && !value.host.startsWith("[") ? `[${value.host}]` : value.host;
    return {
      host,
      port: value.port,
      ssl,
      displayUrl: `${ssl ? "https" : "http"}://${host}:${value.port}`,
      headers: undefined,
      ...common,
    };
  }
  const url = new URL(value.url ?? DEFAULT_CHROMA_URL);
  const ssl = url.protocol === "https:";
  const port = url.port ? Number(url.port) : ssl ? 443 : 80;
  const headers =
    url.username || url.password
      ? {
          Authorization: `Basic ${Buffer.from(
            `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
          ).toString("base64")}`,
        }
      : undefined;
  return {
    host: url.hostname,
    port,
    ssl,
    displayUrl: `${url.protocol}//${url.hostname}:${port}`,
    headers,
    ...common,
  };
}
