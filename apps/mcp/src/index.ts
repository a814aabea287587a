export { createServer, SERVER_VERSION } from "./server.js";
export type { ServerDeps } from "./deps.js";
export type { ToolCallHooks } from "./tool-calls.js";
export { originAllowed, startHttpServer } from "./http.js";
export type { HttpServerOptions, RunningHttpServer } from "./http.js";
export { OAuthOptionsSchema } from "./auth/oauth-options.js";
export type { OAuthOptions } from "./auth/oauth-options.js";
