import { createHealthHandler } from "@kmcp/health";
import { createMirrorLagSource, createServerMetrics } from "@kmcp/metrics";
import { createKmcp, createLogger } from "@kmcp/runtime";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { readEnv, type InfoRequest } from "./env.js";
import { helpText } from "./help.js";
import { startHttpServer } from "./http.js";
import { startRefreshSchedule } from "./refresh-schedule.js";
import { createServer, SERVER_VERSION } from "./server.js";

// stdout belongs to the protocol in stdio mode: everything else goes to stderr.
let options: Exclude<ReturnType<typeof readEnv>, InfoRequest>;
try {
  const read = readEnv(process.argv.slice(2), process.env);
  if ("info" in read) {
    process.stdout.write(read.info === "help" ? helpText(SERVER_VERSION) : `${SERVER_VERSION}\n`);
    process.exit(0);
  }
  options = read;
} catch (error) {
  process.stderr.write(`kmcp-mcp: ${(error as Error).message}\nRun \`kmcp-mcp --help\` for usage.\n`);
  process.exit(2);
}
const { config, serve } = options;
const logger = createLogger(config);
// A server lives long, so it keeps its copy of the mirror warm (an outage starts in memory) and
// reuses source reads while a per-read version check shows nothing changed (never stale).
const kmcp = createKmcp({ config, logger, warmMirror: true, cacheReads: true, processName: "kmcp-mcp" });
const deps = { kmcp, allowAcquire: serve.allowAcquire };

// Connect in the background: `initialize` and `tools/list` must not wait for the databases. The
// keyword index is built then too, so the first knowledge_search need not (seconds at 100k chunks).
void kmcp
  .ready()
  .then((services) => {
    services.search.warm().catch((error: Error) => logger.warn("the keyword index is not built yet; the first search will build it", { error: error.message }));
    return services.startSync();
  })
  .catch((error: Error) => logger.warn("services are not ready yet; tools will retry", { error: error.message }));
const refreshSchedule = config.refreshIntervalMs === null ? null : startRefreshSchedule({ kmcp, intervalMs: config.refreshIntervalMs, logger });

let shuttingDown = false;
async function shutdown(close: () => Promise<void>) {
  if (shuttingDown) return;
  shuttingDown = true;
  await refreshSchedule?.stop();
  await close().catch(() => {});
  await kmcp.close().catch(() => {});
  process.exit(0);
}

if (serve.http) {
  const metrics = createServerMetrics();
  void kmcp.ready().then(
    ({ sync, store, db }) =>
      metrics.attach({
        sync,
        backlog: { pendingWrites: () => store.pendingWrites.count() },
        lag: createMirrorLagSource({ changes: db.changes, readCheckpoint: async () => (await store.readSyncState()).checkpoint }),
      }),
    () => {}, // logged above; /metrics reads NaN until the services are up
  );
  const httpDeps = { ...deps, toolCalls: { writeScope: serve.oauth?.writeScope, observe: metrics.observeToolCall } };
  const http = await startHttpServer({
    createServer: () => createServer(httpDeps),
    host: serve.host,
    port: serve.port,
    token: serve.token,
    oauth: serve.oauth,
    allowedOrigins: serve.allowedOrigins,
    extraRoutes: createHealthHandler({ report: async () => (await kmcp.ready()).health.report() }),
    metrics,
    logger,
  });
  const auth = [serve.token && "bearer", serve.oauth && "oauth"].filter(Boolean).join("+") || "none";
  // Always announced (even at log level warn): it is how a supervisor learns the port.
  process.stderr.write(`${JSON.stringify({ level: "info", msg: "listening", url: http.url, auth })}\n`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void shutdown(http.close));
} else {
  const server = createServer(deps);
  await server.connect(new StdioServerTransport());
  logger.info("serving over stdio");
  process.stdin.once("end", () => void shutdown(() => server.close()));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void shutdown(() => server.close()));
}
