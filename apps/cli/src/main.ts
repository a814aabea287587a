import { CommanderError } from "commander";
import { isDbError } from "@kmcp/db";
import { createProgram } from "./program.js";

// The one place errors are caught: one clear line, a stack trace only with --verbose.
const program = createProgram();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const verbose = process.argv.includes("--verbose");
  console.error(`kmcp: ${error instanceof Error ? error.message : String(error)}`);
  if (verbose && error instanceof Error) console.error(error.stack);
  process.exit(isDbError(error, "VALIDATION") ? 2 : 1);
}
