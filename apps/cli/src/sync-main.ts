import { createCommandLine } from "./command-line.js";
import { registerSyncCommand } from "./commands/sync.js";
import { runCommandLine } from "./run-command-line.js";

/**
 * `kmcp sync run|status|watch` (see isLightSyncCommand): the same sync command as in the whole
 * tree, without the other commands' dependencies. Built as one file with its own (dist/sync-main.js,
 * see tsup.config.ts): loading one file instead of a hundred or so is most of what such a command
 * costs when it finds nothing to do.
 */
export function runSyncCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runCommandLine((io) => createCommandLine(io, registerSyncCommand), argv, { env });
}
