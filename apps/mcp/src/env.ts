import { parseArgs } from "node:util";
import { formatIssues } from "@kmcp/core";
import { ConfigError, parseKmcpEnv, type KmcpConfig } from "@kmcp/runtime";
import { z } from "zod";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

const ServeSchema = z
  .object({
    http: z.boolean(),
    host: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65_535),
    token: z.string().min(16, "must be at least 16 characters").optional(),
    allowedOrigins: z.array(z.url()).default([]),
    allowAcquire: z.enum(["0", "1"]).default("0").transform((v) => v === "1"),
  })
  .refine((o) => !o.http || LOOPBACK.has(o.host) || o.token !== undefined, {
    message: "binding to a non-loopback host needs KMCP_MCP_TOKEN (clients then send Authorization: Bearer <token>)",
    path: ["token"],
  });

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
  });
  if (!serve.success) throw new ConfigError("VALIDATION", `Invalid server options: ${formatIssues(serve.error)}`);
  return { config: parseKmcpEnv(env), serve: serve.data };
}
