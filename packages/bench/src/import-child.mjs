// Runs one import in a process of its own, so its peak memory is the import's alone. Plain
// JavaScript on the built packages, as `kmcp sources import` runs (tsx alone adds ~35 MB RSS).
// argv: DATABASE_URL file [mode] → prints one JSON line.
// mode "import" (default) imports the file; mode "read" only streams and validates its rows
// (the floor of any import that validates every row: no database at all).
import { createDb, SourceCreateSchema } from "@kmcp/db";
import { importSourceFile, readSourceFile } from "@kmcp/runtime";

const [url, file, mode = "import"] = process.argv.slice(2);
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const started = performance.now();
let result;
if (mode === "read") {
  let valid = 0;
  for await (const row of readSourceFile(file, "jsonl")) if ("data" in row && SourceCreateSchema.safeParse(row.data).success) valid += 1;
  result = { created: 0, updated: 0, unchanged: valid, rejected: 0 };
} else {
  const db = createDb({ url });
  const report = await importSourceFile(db, file);
  result = { created: report.created, updated: report.updated, unchanged: report.unchanged, rejected: report.rejected.length };
  await db.close();
}
const durationMs = performance.now() - started;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
process.stdout.write(`${JSON.stringify({ durationMs, peakRss, ...result })}\n`);
