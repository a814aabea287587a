import { homedir, userInfo } from "node:os";
import path from "node:path";
import { DbError, formatIssues, redactSecrets } from "@kmcp/db";
import { z } from "zod";

/** Every environment variable kmcp reads. Apps parse it once (in their env.ts) and pass the result on. */
export const KmcpEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/./, "must be a postgresql:// URL")
    // Refused here, by name: otherwise `new URL()` throws later with the whole URL (password included) in its `input`.
    .refine((u) => URL.canParse(u), "is not a valid URL (percent-encode special characters in the password)")
    .optional(),
  CHROMA_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
  KMCP_HOME: z.string().min(1).optional(),
  KMCP_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("warn"),
  KMCP_SYNC_INTERVAL_MS: z.coerce.number().int().min(1_000).default(30_000),
  KMCP_MIRROR_MAX_AGE_MS: z.coerce.number().int().min(1_000).default(3_600_000),
});

export interface KmcpConfig {
  /** Unset: use the embedded PostgreSQL under `home`. */
  databaseUrl: string | undefined;
  /** Unset: use the embedded Chroma under `home`. */
  chromaUrl: string | undefined;
  home: string;
  logLevel: z.output<typeof KmcpEnvSchema>["KMCP_LOG_LEVEL"];
  syncIntervalMs: number;
  mirrorMaxAgeMs: number;
}

/**
 * Where kmcp keeps its embedded databases: `~/.kmcp`, or `/var/lib/kmcp` for root (whose home
 * the `postgres` user, which PostgreSQL must run as under root, cannot enter).
 */
export function defaultHome(): string {
  return userInfo().uid === 0 ? "/var/lib/kmcp" : path.join(homedir(), ".kmcp");
}

/** @throws DbError VALIDATION naming each bad variable (values with credentials are not echoed). */
export function parseKmcpEnv(env: Record<string, string | undefined>): KmcpConfig {
  const parsed = KmcpEnvSchema.safeParse(env);
  if (!parsed.success) throw new DbError("VALIDATION", redactSecrets(`Invalid environment: ${formatIssues(parsed.error)}`));
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    chromaUrl: e.CHROMA_URL,
    home: path.resolve(e.KMCP_HOME ?? defaultHome()),
    logLevel: e.KMCP_LOG_LEVEL,
    syncIntervalMs: e.KMCP_SYNC_INTERVAL_MS,
    mirrorMaxAgeMs: e.KMCP_MIRROR_MAX_AGE_MS,
  };
}
