import { Command } from "commander";
import { registerAcquireCommand } from "./commands/acquire.js";
import { registerDbCommand } from "./commands/db.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerHealthCommand } from "./commands/health.js";
import { registerIngestCommand } from "./commands/ingest.js";
import { registerJobsCommand } from "./commands/jobs.js";
import { registerMcpConfigCommand } from "./commands/mcp-config.js";
import { registerRequestsCommand } from "./commands/requests.js";
import { registerSearchCommand } from "./commands/search.js";
import { registerServicesCommands } from "./commands/services.js";
import { registerSourcesCommand } from "./commands/sources.js";
import { registerSyncCommand } from "./commands/sync.js";
import type { OutputStream } from "./output.js";
import { createCommandLine } from "./command-line.js";

export { CLI_VERSION } from "./command-line.js";

/** The whole `kmcp` command tree (see createCommandLine). */
export function createProgram(io: { stdout: OutputStream; stderr: OutputStream } = { stdout: process.stdout, stderr: process.stderr }): Command {
  return createCommandLine(io, (program) => {
    registerServicesCommands(program);
    registerDbCommand(program);
    registerSourcesCommand(program);
    registerIngestCommand(program);
    registerAcquireCommand(program);
    registerJobsCommand(program);
    registerSearchCommand(program);
    registerRequestsCommand(program);
    registerSyncCommand(program);
    registerHealthCommand(program);
    registerDemoCommand(program);
    registerMcpConfigCommand(program);
  });
}
