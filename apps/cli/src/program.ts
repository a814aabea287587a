import { Command } from "commander";
import { registerDbCommand } from "./commands/db.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerHealthCommand } from "./commands/health.js";
import { registerIngestCommand } from "./commands/ingest.js";
import { registerMcpConfigCommand } from "./commands/mcp-config.js";
import { registerRequestsCommand } from "./commands/requests.js";
import { registerSearchCommand } from "./commands/search.js";
import { registerServicesCommands } from "./commands/services.js";
import { registerSourcesCommand } from "./commands/sources.js";
import { registerSyncCommand } from "./commands/sync.js";

import packageJson from "../package.json" with { type: "json" };

/** The CLI's version, from its package.json at build time, so it cannot drift from it. */
export const CLI_VERSION: string = packageJson.version;

export function createProgram(): Command {
  const program = new Command("kmcp")
    .description("kmcp: a knowledge base for AI assistants that keeps answering when its database does not")
    .option("--json", "print machine-readable JSON")
    .version(CLI_VERSION, "-V, --version", "print the version")
    .option("--verbose", "show stack traces on errors")
    .showHelpAfterError("(add --help for usage)")
    .showSuggestionAfterError()
    .exitOverride();
  registerServicesCommands(program);
  registerDbCommand(program);
  registerSourcesCommand(program);
  registerIngestCommand(program);
  registerSearchCommand(program);
  registerRequestsCommand(program);
  registerSyncCommand(program);
  registerHealthCommand(program);
  registerDemoCommand(program);
  registerMcpConfigCommand(program);
  // Every subcommand reports usage errors the same way (exit 2), not by exiting itself.
  for (const command of allCommands(program)) command.exitOverride();
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...allCommands(c)]);
}
