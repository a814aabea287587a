import { runCommandLine } from "./run-command-line.js";
import { createSyncProgram, isSyncCommand } from "./sync-program.js";

// A reader that goes away (`kmcp sources list | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

const argv = process.argv.slice(2);
// The whole command tree loads every command's dependencies; `kmcp sync …` needs only its own.
const build = isSyncCommand(argv) ? createSyncProgram : (await import("./program.js")).createProgram;
const code = await runCommandLine(build, argv, { env: process.env });
// A failure exits at once; success lets the event loop drain (as a finished command leaves nothing running).
if (code !== 0) process.exit(code);
