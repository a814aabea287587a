import { CommanderError } from "commander";
import { redactSecrets } from "@kmcp/core";
import { exitCodeFor, ExitError } from "./exit-codes.js";
import { createProgram } from "./program.js";

// A reader that goes away (`kmcp sources list | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

// The one place errors are caught: one clear line on stderr, a stack trace only with --verbose.
try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof ExitError) {
    if (error.message) console.error(`kmcp: ${error.message}`);
    process.exit(error.exitCode);
  }
  // Commander has already printed its own message (and help) for usage errors.
  if (!(error instanceof CommanderError)) {
    console.error(`kmcp: ${redactSecrets(error instanceof Error ? error.message : String(error))}`);
    if (process.argv.includes("--verbose") && error instanceof Error && error.stack) console.error(redactSecrets(error.stack));
  }
  process.exit(exitCodeFor(error));
}
