// The `@kmcp/runtime/config` entry point: configuration and logging, without the services.
export { defaultHome, KmcpEnvSchema, parseKmcpEnv } from "./config.js";
export type { EmbedderConfig, KmcpConfig, SearchFusion } from "./config.js";
export { ConfigError } from "./errors.js";
export type { ConfigErrorCode } from "./errors.js";
export { createLogger } from "./logger.js";
