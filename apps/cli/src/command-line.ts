import { Command } from "commander";
import type { OutputStream } from "./output.js";

import packageJson from "../package.json" with { type: "json" };

/** The CLI's version, from its package.json at build time, so it cannot drift from it. */
export const CLI_VERSION: string = packageJson.version;

/**
 * A `kmcp` command tree with the commands `register` adds. Commander's own output (help, usage
 * errors) goes to `io`'s streams, set before any subcommand is added so that every subcommand
 * inherits it.
 */
export function createCommandLine(io: { stdout: OutputStream; stderr: OutputStream }, register: (program: Command) => void): Command {
  const program = new Command("kmcp")
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      getOutHelpWidth: () => (io.stdout.isTTY ? (io.stdout.columns ?? 80) : 80),
      getErrHelpWidth: () => (io.stderr.isTTY ? (io.stderr.columns ?? 80) : 80),
    })
    .description("kmcp: a knowledge base for AI assistants that keeps answering when its database does not")
    .option("--json", "print machine-readable JSON")
    .version(CLI_VERSION, "-V, --version", "print the version")
    .option("--verbose", "show stack traces on errors")
    .showHelpAfterError("(add --help for usage)")
    .showSuggestionAfterError()
    .exitOverride();
  register(program);
  // Every subcommand reports usage errors the same way (exit 2), not by exiting itself.
  for (const command of allCommands(program)) command.exitOverride();
  for (const command of [program, ...allCommands(program)]) refuseUnknownSubcommandWithHelp(command);
  return program;
}

/**
 * Commander answers `kmcp nosuch --help` (or `kmcp sources nosuch --help`) with the parent's help
 * and exit 0, because it looks for --help before it checks the subcommand's name. An unknown
 * name is a usage error whatever follows it: refuse it just before that help would print.
 */
function refuseUnknownSubcommandWithHelp(command: Command): void {
  if (command.commands.length === 0) return;
  command.on("beforeHelp", () => {
    const name = command.args[0];
    if (name === undefined || name.startsWith("-") || name === "help") return;
    if (command.commands.some((c) => c.name() === name || c.aliases().includes(name))) return;
    command.error(`error: unknown command '${name}'`, { code: "commander.unknownCommand" });
  });
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...allCommands(c)]);
}
