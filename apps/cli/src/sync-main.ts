import { runCommandLine } from "./run-command-line.js";
import { createSyncProgram } from "./sync-program.js";

/**
 * `kmcp sync run|status|watch` (see isLightSyncCommand). Built as one file with its dependencies
 * (dist/sync-main.js, see tsup.config.ts): loading one file instead of a hundred or so is most of
 * what such a command costs when it finds nothing to do.
 */
export function runSyncCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runCommandLine(createSyncProgram, argv, { env });
}
