export { isLocalServerError, LocalServerError } from "./errors.js";
export type { LocalServerErrorCode } from "./errors.js";

export { findFreePort, isPortFree } from "./free-port.js";
export { isProcessAlive } from "./process.js";
export { makeServerTempDir } from "./server-dir.js";
export type { LocalServer } from "./local-server.js";

export { startLocalPostgres } from "./local-postgres.js";
export type { LocalPostgres, LocalPostgresOptions, PostgresDurability } from "./local-postgres.js";
export { canConnect } from "./postgres-client.js";

export { chromaAnswers, startLocalChroma } from "./local-chroma.js";
export type { LocalChroma, LocalChromaOptions } from "./local-chroma.js";

export { withHomeLock } from "./home-lock.js";
export type { HomeLockOptions } from "./home-lock.js";
export { embeddedServicesStatus, ensureEmbeddedServices, stopEmbeddedServices } from "./embedded-services.js";
export type { EmbeddedServices, EmbeddedServiceStatus } from "./embedded-services.js";
