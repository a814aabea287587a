// Runs one ingest (and the raw adds of its chunks) in a process of its own, so every rep starts as
// `kmcp ingest` does: modules not yet loaded, caches empty. argv: IngestRepOptions as JSON → prints one JSON line.
import { runIngestRep, type IngestRepOptions } from "./ingest-run.js";

const options = JSON.parse(process.argv[2]!) as IngestRepOptions;
process.stdout.write(`${JSON.stringify(await runIngestRep(options))}\n`);
