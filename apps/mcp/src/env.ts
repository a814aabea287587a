import { parseArgs } from "node:util";
import { formatIssues } from "@kmcp/core";
import { ConfigError, parseKmcpEnv, type KmcpConfig } from "@kmcp/runtime";
import { z } from "zod";
import { OAuthOptionsSchema } from "./auth/oauth-options.js";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

const ServeSchema = z
  .object({
    http: z.boolean(),
    host: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65_535),
    token: z.string().min(16, "must be at least 16 characters").optional(),
    allowedOrigins: z.array(z.url()).default([]),
    allowAcquire: z.enum(["0", "1"]).default("0").transform((v) => v === "1"),
    oauth: OAuthOptionsSchema.optional(),
  })
  .refine((o) => !o.http || LOOPBACK.has(o.host) || o.token !== undefined || o.oauth !== undefined, {
    message:
      "binding to a non-loopback host needs KMCP_MCP_TOKEN or KMCP_MCP_OAUTH_ISSUER (clients then send Authorization: Bearer <token>)",
    path: ["token"],
  });

/** The environment variable behind each OAuth option. */
export const OAUTH_ENV = {
  issuer: "KMCP_MCP_OAUTH_ISSUER",
  jwksUrl: "KMCP_MCP_OAUTH_JWKS_URL",
  resource: "KMCP_MCP_OAUTH_RESOURCE",
  audience: "KMCP_MCP_OAUTH_AUDIENCE",
  readScope: "KMCP_MCP_OAUTH_READ_SCOPE",
  writeScope: "KMCP_MCP_OAUTH_WRITE_SCOPE",
} as const;

/** The KMCP_MCP_OAUTH_* that are set, as the schema's fields; undefined when none is. */
function oauthFromEnv(env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  const set = Object.entries(OAUTH_ENV).flatMap(([field, name]) => (env[name] ? [[field, env[name]]] : []));
  return set.length > 0 ? Object.fromEntries(set) : undefined;
}

/** Issues name the variable to fix: `oauth.jwksUrl: …` → `KMCP_MCP_OAUTH_JWKS_URL: …`. */
const withEnvNames = (issues: string) =>
  Object.entries(OAUTH_ENV).reduce((text, [field, name]) => text.replaceAll(`oauth.${field}:`, `${name}:`), issues);

export type ServeOptions = z.output<typeof ServeSchema>;

/** `--help` or `--version` asked for information instead of a server. */
export type InfoRequest = { info: "help" | "version" };

/**
 * The server's whole configuration, from argv and the environment, validated once; or, for
 * `--help`/`--version`, which of them was asked for (the environment is then not read).
 */
export function readEnv(argv: string[], env: NodeJS.ProcessEnv): { config: KmcpConfig; serve: ServeOptions } | InfoRequest {
  const { values } = parseArgs({
    args: argv,
    options: {
      http: { type: "boolean", default: false },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "3333" },
      help: { type: "boolean", short: "h", default: false },
      version: { type: "boolean", short: "V", default: false },
    },
    strict: true,
  });
  const { help, version, ...flags } = values;
  if (help) return { info: "help" };
  if (version) return { info: "version" };
  const serve = ServeSchema.safeParse({
    ...flags,
    token: env.KMCP_MCP_TOKEN || undefined,
    allowedOrigins: env.KMCP_MCP_ALLOWED_ORIGINS ? env.KMCP_MCP_ALLOWED_ORIGINS.split(",").map((o) => o.trim()) : [],
    allowAcquire: env.KMCP_MCP_ALLOW_ACQUIRE || undefined,
    oauth: oauthFromEnv(env),
  });
  if (!serve.success) throw new ConfigError("VALIDATION", `Invalid server options: ${withEnvNames(formatIssues(serve.error))}`);
  return { config: parseKmcpEnv(env), serve: serve.data };
}
