/** The `kmcp sync` subcommands the light entry point (src/sync-main.ts) runs. */
const LIGHT = new Set(["run", "status", "watch"]);

/**
 * True for `kmcp [global options] sync run|status|watch …` (the global options take no values):
 * what cron jobs and health checks run often. `sync verify` reads every source through the whole
 * runtime, and help goes to the whole command tree, so they take the ordinary path.
 */
export function isLightSyncCommand(argv: readonly string[]): boolean {
  const [command, subcommand] = argv.filter((arg) => !arg.startsWith("-"));
  return command === "sync" && subcommand !== undefined && LIGHT.has(subcommand);
}
