import { createJsonLogger, redactSecrets, type Logger } from "@kmcp/core";
import type { KmcpConfig } from "./config.js";

/** JSON lines on stderr at the configured level, with URL credentials, the database password and the API keys (embedding, Chroma) scrubbed. */
export function createLogger(config: KmcpConfig, stream?: { write(line: string): unknown }): Logger {
  const password = config.databaseUrl ? decodeURIComponent(new URL(config.databaseUrl).password) : "";
  const apiKey = config.embedder.kind === "openai" ? config.embedder.options.apiKey : undefined;
  const secrets = [password, apiKey ?? "", config.chroma.apiKey ?? ""].filter(Boolean);
  return createJsonLogger({ level: config.logLevel, redact: (line) => redactSecrets(line, secrets), ...(stream ? { stream } : {}) });
}
