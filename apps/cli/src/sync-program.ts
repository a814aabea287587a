import type { Command } from "commander";
import { createCommandLine } from "./command-line.js";
import { registerSyncCommand } from "./commands/sync.js";
import type { OutputStream } from "./output.js";

/**
 * `kmcp sync …` alone: the same command as in the whole tree, without loading the other
 * commands' dependencies (search, ingestion, acquisition), so that a sync with nothing to do,
 * which cron jobs and health checks run often, starts fast.
 */
export function createSyncProgram(io: { stdout: OutputStream; stderr: OutputStream }): Command {
  return createCommandLine(io, registerSyncCommand);
}
