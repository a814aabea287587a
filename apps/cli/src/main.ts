import { runCli } from "./run-cli.js";

// A reader that goes away (`kmcp sources list | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

const code = await runCli(process.argv.slice(2), { env: process.env });
// A failure exits at once; success lets the event loop drain (as a finished command leaves nothing running).
if (code !== 0) process.exit(code);
