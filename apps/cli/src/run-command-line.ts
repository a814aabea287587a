import { redactSecrets } from "@kmcp/core";
import { CommanderError, type Command } from "commander";
import { setCliIo, type CliIo } from "./context.js";
import { exitCodeFor, ExitError } from "./exit-codes.js";

/**
 * Runs the command tree `build` makes with `argv` (the arguments after the program name) and
 * returns its exit code.
 * The one place errors are caught: one clear line on stderr, a stack trace only with --verbose.
 * Output goes to `io` (default: this process's streams), so tests can run the command line
 * in-process; the environment is always given (main.ts passes its own).
 */
export async function runCommandLine(
  build: (io: CliIo) => Command,
  argv: readonly string[],
  io: Partial<CliIo> & Pick<CliIo, "env">,
): Promise<number> {
  const resolved: CliIo = { stdout: io.stdout ?? process.stdout, stderr: io.stderr ?? process.stderr, env: io.env };
  const program = build(resolved);
  setCliIo(program, resolved);
  const printError = (line: string) => void resolved.stderr.write(`${line}\n`);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof ExitError) {
      if (error.message) printError(`kmcp: ${error.message}`);
      return error.exitCode;
    }
    // Commander has already printed its own message (and help) for usage errors.
    if (!(error instanceof CommanderError)) {
      printError(`kmcp: ${redactSecrets(error instanceof Error ? error.message : String(error))}`);
      if (argv.includes("--verbose") && error instanceof Error && error.stack) printError(redactSecrets(error.stack));
    }
    return exitCodeFor(error);
  }
}
