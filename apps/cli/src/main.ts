import { isLightSyncCommand } from "./sync-command.js";

// A reader that goes away (`kmcp sources list | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

const argv = process.argv.slice(2);
// The whole command tree loads every command's dependencies; `kmcp sync run|status|watch` loads
// one prebuilt file with only its own.
const light = isLightSyncCommand(argv);
const code = light
  ? await (await import("./sync-main.js")).runSyncCommandLine(argv, process.env)
  : await (await import("./run-cli.js")).runCli(argv, { env: process.env });
// A failure exits at once; success lets the event loop drain (as a finished command leaves nothing
// running), except that a finished sync command, once its output is flushed, does not wait for
// PostgreSQL to close the connection it was told to end (up to ~30 ms on a busy machine).
if (code !== 0) process.exit(code);
if (light) {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write("", resolve))));
  process.exit(0);
}
