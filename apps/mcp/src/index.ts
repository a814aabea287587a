export { createServer, SERVER_VERSION } from "./server.js";
export type { ServerDeps } from "./deps.js";
export { originAllowed, startHttpServer } from "./http.js";
export type { HttpServerOptions, RunningHttpServer } from "./http.js";
