import type { CliIo } from "./context.js";
import { createProgram } from "./program.js";
import { runCommandLine } from "./run-command-line.js";

/** Runs `kmcp` with `argv` (the arguments after the program name) and returns its exit code (see runCommandLine). */
export function runCli(argv: readonly string[], io: Partial<CliIo> & Pick<CliIo, "env">): Promise<number> {
  return runCommandLine(createProgram, argv, io);
}
