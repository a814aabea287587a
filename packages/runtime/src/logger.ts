import { redactSecrets } from "@kmcp/db";
import { createJsonLogger, type Logger } from "@kmcp/sync-core";
import type { KmcpConfig } from "./config.js";

/** JSON lines on stderr at the configured level, with URL credentials and the database password scrubbed. */
export function createLogger(config: KmcpConfig, stream?: { write(line: string): unknown }): Logger {
  const password = config.databaseUrl ? decodeURIComponent(new URL(config.databaseUrl).password) : "";
  const secrets = password ? [password] : [];
  return createJsonLogger({ level: config.logLevel, redact: (line) => redactSecrets(line, secrets), ...(stream ? { stream } : {}) });
}
